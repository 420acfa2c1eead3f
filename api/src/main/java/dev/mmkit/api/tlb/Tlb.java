package dev.mmkit.api.tlb;

import java.util.Map;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * One CPU's translation lookaside buffer (possibly a hierarchy of them), caching
 * translations of the current address space.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>Entries are tagged with the ASID current when they were inserted, unless ASIDs
 *       are off, in which case {@link #switchTo} flushes every non-global entry. Global
 *       entries ({@code Pte.G}) match in every address space.</li>
 *   <li>The {@code asid} numbers callers pass (process or {@code mm} ids, any value
 *       {@code >= 0}) are not the hardware's: an implementation maps them onto its few
 *       hardware ASIDs and, when more address spaces are in use than it has ASIDs, rolls
 *       over to a new generation with a full flush, as Linux does.</li>
 *   <li>{@link #lookup} returns the translation of the 4 KiB base page containing the
 *       address, as a PTE-format value (frame number of that base page, with the entry's
 *       flags: RW, US, NX, G, PS, A and D as cached), or 0 on a miss. It does not check
 *       permissions. A hit sets the entry's referenced bit ({@code Pte.A}).</li>
 *   <li>The dirty bit is the MMU's business: a write that hits an entry whose {@code Pte.D}
 *       is clear must go back to the page table to set D and then {@link #insert} the
 *       updated entry, as x86 does. {@link #lookup} returns D as the entry holds it so the
 *       MMU can see it is clear. (Implementations that keep bits in the TLB, the Nachos
 *       convention, set D themselves on a write hit and report it on eviction.)</li>
 *   <li>{@link #insert} caches the result of a walk, replacing any entry for the same page
 *       and choosing a victim by the configured rule. When the TLB is configured to write
 *       its bits back, every entry that leaves it is reported to
 *       {@link TlbListener#evicted} with its referenced and dirty bits.</li>
 * </ul>
 */
@ConsumerType
public interface Tlb {
    /**
     * @param access a bit set of {@code Access}; split TLBs route instruction fetches to the
     *     instruction side
     * @return the base page's translation in PTE format, or 0 on a miss (a software-managed
     *     TLB first runs its refill handler, see {@link SoftwareTlb})
     */
    long lookup(long vaddr, int access);

    /**
     * Caches a translation: {@code pte} is the leaf entry of a page of size 2^pageShift
     * (12, 21, 22 or 30) containing {@code vaddr}.
     */
    void insert(long vaddr, int access, long pte, int pageShift);

    /**
     * A context switch to the address space tagged {@code asid} ({@code >= 0}). A new TLB is
     * in address space 0; a switch to the current address space does nothing.
     */
    void switchTo(int asid);

    /** {@code invlpg}: drops the entry for one page of one address space (a global entry for that page too). */
    void invalidatePage(long vaddr, int asid);

    /** Drops every non-global entry of one address space. */
    void invalidateAsid(int asid);

    /** Drops every entry, global ones included. */
    void invalidateAll();

    /**
     * The part of a TLB shootdown that reaches this CPU: another CPU changed a PTE and
     * asked every CPU (an IPI, Linux's {@code flush_tlb_mm_range}) to drop the page. Drops
     * as {@link #invalidatePage} does and counts a shootdown.
     */
    default void shootdown(long vaddr, int asid) {
        invalidatePage(vaddr, asid);
    }

    /**
     * A TLB shootdown: the machine changed a PTE and every CPU's TLB drops the page.
     *
     * @return the number of TLBs reached
     */
    static int shootdown(Iterable<? extends Tlb> cpus, long vaddr, int asid) {
        int reached = 0;
        for (Tlb tlb : cpus) {
            tlb.shootdown(vaddr, asid);
            reached++;
        }
        return reached;
    }

    /**
     * Whether this TLB keeps the referenced and dirty bits of its entries itself and reports
     * them only when an entry leaves ({@code writeback-bits}, the Nachos convention:
     * {@link TlbListener#evicted}). A PTE's A and D are then current only once the page's
     * entries have left, so the machine flushes them before it reads or replaces those bits.
     * False (x86): the MMU sets A and D in the page table itself. Default: false.
     */
    default boolean keepsBits() {
        return false;
    }

    /** References translated without a walk or a refill, at any level. */
    long hits();

    /** References that needed a walk or a refill (misses of the last level they reached). */
    long misses();

    /** Every counter, named {@code level.counter} (e.g. {@code L1d.hits}, {@code L2.evictions}), in report order. */
    Map<String, Long> counters();
}
