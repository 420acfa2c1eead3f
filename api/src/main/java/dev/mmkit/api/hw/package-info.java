/**
 * The hardware vocabulary shared by every module: page size and frame numbers, the x86 page-table entry bit layout, access kinds, and simulated physical memory.
 *
 * <p>{@link dev.mmkit.api.hw.PhysicalMemory} is an abstract class since 2.0.0, for the reason
 * given in {@link dev.mmkit.api.machine}. 2.1.0 adds {@link dev.mmkit.api.hw.PhysicalMemory#kmap}.
 */
@Export
@Version("2.1.0")
package dev.mmkit.api.hw;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
