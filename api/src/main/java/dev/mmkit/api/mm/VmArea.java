package dev.mmkit.api.mm;

import org.osgi.annotation.versioning.ConsumerType;

/** A read-only view of one VMA ({@code struct vm_area_struct}), a line of {@code /proc/PID/maps}. */
@ConsumerType
public interface VmArea {
    long start();

    /** Exclusive end. */
    long end();

    /** {@code PROT_*} bits of {@code dev.mmkit.api.workload.Mman}. */
    int prot();

    /** {@code MAP_*} bits. */
    int flags();

    /** Offset into the file, in bytes; 0 for anonymous memory. */
    long offset();

    /** Device column, e.g. {@code 00:00} for anonymous memory. */
    default String device() {
        return "00:00";
    }

    long inode();

    /** The last column: a file path, {@code [heap]}, {@code [stack]}, or empty. */
    String name();
}
