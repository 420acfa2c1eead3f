package dev.mmkit.api.machine;

import org.osgi.annotation.versioning.ProviderType;

/**
 * What each kind of work costs in virtual time ({@code mmkit.machine.cost}), the numbers
 * behind the effective access time of the lecture:
 * {@code EAT = hit ratio × (tlb + memory) + miss ratio × (tlb + walk × memory + memory)},
 * plus the page-fault service time for references that fault.
 */
@ProviderType
public interface CostModel {
    /** A TLB lookup, in nanoseconds. */
    long tlbHit();

    /** One physical memory access (a data reference or one page-table read), in nanoseconds. */
    long memory();

    /** Servicing a page fault that needs I/O (a major fault), in nanoseconds. */
    long pageFault();

    /** Servicing a page fault that needs no I/O (a minor fault), in nanoseconds. */
    long minorFault();

    /** Reading or writing one page on a backing device, in nanoseconds. */
    long pageIo();
}
