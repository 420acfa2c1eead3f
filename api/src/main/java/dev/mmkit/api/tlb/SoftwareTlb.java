package dev.mmkit.api.tlb;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A software-managed TLB, as on MIPS: the hardware never walks page tables. A miss raises
 * an exception whose handler ({@link TlbListener#refill}) probes and writes entries with
 * these operations ({@code tlbp}, {@code tlbwi}, {@code tlbwr}).
 */
@ConsumerType
public interface SoftwareTlb extends Tlb {
    /** Number of entries. */
    int size();

    /** {@code tlbp}: the index of the entry matching {@code vaddr} in the current ASID, or −1. */
    int probe(long vaddr);

    /** {@code tlbwi}: writes the entry at {@code index}. */
    void writeIndexed(int index, long vaddr, long pte, int pageShift);

    /** {@code tlbwr}: writes the entry at an index the hardware chooses (random, or the configured rule). */
    void writeRandom(long vaddr, long pte, int pageShift);
}
