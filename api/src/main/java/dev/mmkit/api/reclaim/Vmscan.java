package dev.mmkit.api.reclaim;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The reclaim primitives of {@code mm/vmscan.c} that daemons drive: asking replacement
 * policies for victims and evicting them (unmap through the reverse map, write dirty pages
 * to swap or their file, free the frames), shrinking slab caches, and the OOM killer.
 * Implemented by the memory-manager core; counts pgscan, pgsteal and slabs_scanned.
 */
@ProviderType
public interface Vmscan {
    /**
     * {@code shrink_node}: tries to reclaim {@code nrToReclaim} pages.
     *
     * @param gfp the allocation's flags; without {@code __GFP_IO} no page is swapped out,
     *     without {@code __GFP_FS} no file page is written back
     * @param kswapd whether kswapd is reclaiming (pgscan_kswapd) or an allocation (pgscan_direct)
     * @return pages reclaimed
     */
    long shrinkNode(long nrToReclaim, int gfp, boolean kswapd);

    /**
     * {@code lru_cache_add}: the page cache has just added page {@code pfn}; it becomes
     * evictable through the replacement policy's file pages, mapped or not. A page already
     * tracked is left as it is.
     */
    void lruAdd(long pfn);

    /**
     * The page cache drops page {@code pfn} without reclaim choosing it (truncate, a failed
     * read): the replacement policy forgets it. A page not tracked is left as it is.
     */
    void lruDel(long pfn);

    /**
     * {@code page_mkclean}: write-protects and cleans every PTE that maps page {@code pfn}
     * in a shared mapping and drops those translations from the TLBs, so that the next
     * store through any of them faults and marks the page dirty again. The page cache calls
     * it before it writes a mapped dirty page ({@code clear_page_dirty_for_io}).
     *
     * @return how many PTEs were dirty
     */
    int pageMkclean(long pfn);

    /** {@code shrink_slab}: returns slab pages freed. */
    long shrinkSlab(int gfp);

    /** {@code out_of_memory}: kills the process with the largest resident size; false when none is left. */
    boolean outOfMemory(int gfp, int order);
}
