package dev.mmkit.paging.mm;

import java.util.Map;
import java.util.TreeMap;

/**
 * A {@code struct mm_struct}: one address space. Its VMAs sorted by start (Linux's maple
 * tree; a red-black tree here), the root of its page table, the heap's break and the
 * stack, and its resident-page count. Its kernel object is a slab object ({@link #objp})
 * from the {@code mm_struct} cache.
 */
final class Mm {
    final int id;
    final TreeMap<Long, Vma> vmas = new TreeMap<>();
    long root = -1;
    long objp;
    long startBrk;
    long brk;
    long startStack;
    long rss;
    /** The process whose address space this is (its pid is the TLB's ASID). */
    Task owner;
    /** The replacement set of this address space when a resident limit applies, else null. */
    Lruvec lruvec;
    /**
     * {@code mmap_cache}: the VMA of the last lookup. Every change of {@link #vmas} calls
     * {@link #forgetCache} ({@code vmacache_invalidate}), so a hit needs no lookup in the
     * tree; {@link LinuxMemoryManager#verify} checks that no change forgot to.
     */
    private Vma cache;

    Mm(int id) {
        this.id = id;
    }

    /** {@code find_vma} narrowed: the VMA containing {@code vaddr}, or null. */
    Vma find(long vaddr) {
        Vma c = cache;
        if (c != null && c.start <= vaddr && vaddr < c.end) {
            return c;
        }
        Map.Entry<Long, Vma> e = vmas.floorEntry(vaddr);
        if (e == null || vaddr >= e.getValue().end) {
            return null;
        }
        cache = e.getValue();
        return cache;
    }

    void forgetCache() {
        cache = null;
    }

    /** Whether the cached VMA, if any, is still the tree's VMA at its start. */
    boolean cacheValid() {
        return cache == null || vmas.get(cache.start) == cache;
    }
}
