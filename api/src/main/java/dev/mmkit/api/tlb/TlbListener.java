package dev.mmkit.api.tlb;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * What the machine supplies to a TLB: where evicted entries' bits go, and (for
 * software-managed TLBs) the refill handler.
 */
@ConsumerType
public interface TlbListener {
    /**
     * An entry left the TLB (evicted, invalidated or flushed). Called only when the TLB is
     * configured to keep and write back its bits ({@code writeback-bits}, the Nachos
     * convention): the machine copies the referenced and dirty bits of {@code pte} to the
     * page table of address space {@code asid}.
     */
    void evicted(long vaddr, int asid, long pte);

    /**
     * A software-managed TLB missed: the MIPS TLB-miss exception. The handler walks the
     * page table in software and calls {@link SoftwareTlb#writeRandom}; it returns whether
     * a translation was written (false: the reference faults).
     */
    default boolean refill(SoftwareTlb tlb, long vaddr, int access) {
        return false;
    }
}
