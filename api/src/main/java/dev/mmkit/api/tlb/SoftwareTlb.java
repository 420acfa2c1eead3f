package dev.mmkit.api.tlb;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A software-managed TLB, as on MIPS: the hardware never walks page tables. A miss raises
 * an exception whose handler ({@link TlbListener#refill}) probes and writes entries with
 * these operations ({@code tlbp}, {@code tlbwi}, {@code tlbwr}).
 *
 * <p>{@link #lookup} on a miss counts the miss and calls the refill handler. If the handler
 * returns true and wrote a translation for the address, lookup returns it (the re-executed
 * reference; it is not counted as a hit); if the handler returns false, or wrote nothing
 * that translates the address, lookup returns 0 and the reference faults.
 */
@ConsumerType
public interface SoftwareTlb extends Tlb {
    /** Number of entries; indexes run from 0 to {@code size() - 1}. */
    int size();

    /** {@code tlbp}: the index of the entry matching {@code vaddr} in the current ASID (or a global one), or −1. */
    int probe(long vaddr);

    /** {@code tlbwi}: writes the entry at {@code index}, tagged with the current ASID. */
    void writeIndexed(int index, long vaddr, long pte, int pageShift);

    /** {@code tlbwr}: writes the entry at an index the hardware chooses (random, or the configured rule). */
    void writeRandom(long vaddr, long pte, int pageShift);
}
