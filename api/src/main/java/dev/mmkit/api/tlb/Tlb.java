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
 *   <li>{@link #lookup} returns the translation of the base page containing the address,
 *       as a PTE-format value (frame number of that base page, with the entry's flags),
 *       or 0 on a miss. It does not check permissions. A hit sets the entry's referenced
 *       bit.</li>
 *   <li>{@link #insert} caches the result of a walk, replacing any entry for the same page
 *       and choosing a victim by the configured rule; an evicted entry is reported to the
 *       {@link TlbListener} with its referenced and dirty bits.</li>
 * </ul>
 */
@ConsumerType
public interface Tlb {
    /**
     * @param access a bit set of {@code Access}; split TLBs route instruction fetches to the
     *     instruction side
     */
    long lookup(long vaddr, int access);

    /** Caches a translation: {@code pte} is the leaf entry of a page of size 2^pageShift containing {@code vaddr}. */
    void insert(long vaddr, int access, long pte, int pageShift);

    /** A context switch to the address space tagged {@code asid}. */
    void switchTo(int asid);

    /** {@code invlpg}: drops the entry for one page of one address space. */
    void invalidatePage(long vaddr, int asid);

    /** Drops every entry of one address space. */
    void invalidateAsid(int asid);

    /** Drops every entry, global ones included. */
    void invalidateAll();

    /** Hits of the first level. */
    long hits();

    /** Misses of the last level (the references that needed a walk or a refill). */
    long misses();

    /** Every counter, named {@code level.counter} (e.g. {@code L1d.hits}, {@code L2.evictions}), in report order. */
    Map<String, Long> counters();
}
