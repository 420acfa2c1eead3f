package dev.mmkit.api.pagetable;

/**
 * What one page-table walk found, filled in by {@link PageTable#walk} into an object the
 * MMU reuses for every walk (no allocation per reference).
 */
public final class Walk {
    /** The leaf entry, as stored after the walk set A (and D); 0 when the walk failed. */
    public long pte;
    /** log2 of the size of the page the entry maps (12, 21, 22 or 30). */
    public int pageShift;
    /** Page-table entries read from physical memory during this walk. */
    public int memoryReferences;
    /** The level at which the walk stopped on a non-present entry (top = levels), 0 on success. */
    public int faultLevel;
    /**
     * The entry the walk stopped at: the leaf on success; on a failure at the leaf level
     * ({@code faultLevel == 1}) the non-present leaf as stored ({@code pte_none} or a swap
     * entry), so that the fault handler need not read it again; 0 for a failure above it.
     */
    public long entry;

    /** Clears the result before a walk. */
    public void reset() {
        pte = 0;
        pageShift = 0;
        memoryReferences = 0;
        faultLevel = 0;
        entry = 0;
    }
}
