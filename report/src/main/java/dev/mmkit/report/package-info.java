/**
 * The report of a finished run: {@link dev.mmkit.report.Report} renders a
 * {@link dev.mmkit.report.ReportInput} as Linux's {@code /proc} files (meminfo, vmstat,
 * buddyinfo, zoneinfo, slabinfo, PID/maps), the debugfs fragmentation indices, TLB
 * statistics and the effective access time, or as one JSON document with the same data.
 * A plain library on the host's class path; it reads the machine only through
 * {@code dev.mmkit.api}.
 */
package dev.mmkit.report;
