package dev.mmkit.api.pagetable;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A page-table format: how one address space's translations are stored in simulated
 * physical frames and how the MMU walks them.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>An address space is named by its root ({@code CR3}): the physical address of its
 *       top-level table for radix formats, or an ASID-derived handle for the inverted
 *       table. Table pages come from the page allocator and are counted in
 *       {@code nr_page_table_pages}.</li>
 *   <li>Entries are exchanged in the 64-bit x86 layout of {@code dev.mmkit.api.hw.Pte};
 *       a format with narrower entries stores what it can and rejects what it cannot
 *       (a frame above its physical limit) with {@link IllegalArgumentException}.</li>
 *   <li>{@link #walk} is the hardware walk: it reads each level from physical memory,
 *       counts those reads, stops at a non-present entry, and on success sets A (and D for
 *       a write, when the leaf has RW: hardware never dirties a page it refuses to write)
 *       in the leaf as hardware does. It does not check permissions: the MMU does.</li>
 *   <li>Lower-level tables exist only where something is mapped: {@link #setPte}
 *       allocates them, clearing the last entry of a table frees it.</li>
 * </ul>
 */
@ConsumerType
public interface PageTable {
    /** Number of levels walked for a base page (1 for the inverted table). */
    int levels();

    /** The end (exclusive) of the user part of a virtual address space. */
    long userAddressLimit();

    /** Whether {@code vaddr} is a valid address for this format (x86-64's canonical check). */
    boolean isCanonical(long vaddr);

    /** The shift of the large page a directory entry can map (21 or 22), or 0 when there is none. */
    int largePageShift();

    /** Creates an empty address space; returns its root. May fail with {@link OutOfMemoryError}-free {@code -1} when no frame is left. */
    long createRoot(int asid);

    /** Frees every table page of an address space (the frames the entries map stay). */
    void destroyRoot(long root);

    /** The hardware walk; returns the leaf entry or 0, and describes it in {@code out}. */
    long walk(long root, long vaddr, boolean write, Walk out);

    /** The entry for {@code vaddr} without side effects; 0 when there is none. */
    long getPte(long root, long vaddr);

    /**
     * The leaf entries ({@link #getPte}) of {@code count} addresses into {@code out}: a read
     * of many that changes nothing, for a caller that wants them at once (the MMU's
     * prefetch hints). The default reads them one by one.
     */
    default void getPtes(long root, long[] vaddrs, long[] out, int count) {
        for (int i = 0; i < count; i++) {
            out[i] = getPte(root, vaddrs[i]);
        }
    }

    /**
     * Installs {@code pte} for the page of size 2^pageShift at {@code vaddr}, allocating
     * missing tables; {@code pte == 0} clears the entry and frees emptied tables.
     *
     * @return the previous entry
     * @throws IllegalStateException when a table page cannot be allocated; nothing changes
     */
    long setPte(long root, long vaddr, long pte, int pageShift);

    /**
     * Allocates the tables down to the entry for {@code vaddr} ({@code pud_alloc},
     * {@code pmd_alloc}, {@code pte_alloc}), so that a following {@link #setPte} of that
     * entry allocates nothing. The fault path calls it before it allocates the page itself,
     * as Linux does, so that no reclaim runs between reading and writing an entry.
     *
     * @return false when a table page cannot be allocated; nothing changes then
     */
    default boolean populate(long root, long vaddr, int pageShift) {
        return true;
    }

    /** Visits every non-none entry mapping an address in [start, end), in address order. */
    void forEach(long root, long start, long end, PteVisitor visitor);

    /** Table pages in use across all address spaces. */
    long tablePages();

    /**
     * Re-derives the format's invariants from the tables in memory (entries counted per table
     * page, table pages counted) and throws {@link IllegalStateException} naming the first
     * that does not hold, with both numbers.
     */
    default void verify() {
    }
}
