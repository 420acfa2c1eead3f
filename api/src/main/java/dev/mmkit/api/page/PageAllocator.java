package dev.mmkit.api.page;

import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * The physical page allocator: hands out blocks of 2^order contiguous page frames from
 * zones, as Linux's {@code alloc_pages(gfp, order)} and {@code free_pages(pfn, order)}.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>{@link #allocPages} returns the first pfn of a block aligned to its order, from the
 *       zone {@link Gfp#zone(int)} names or a lower one, or {@link #NO_PAGE}. It honours the
 *       GFP flags: a blocking allocation below the min watermark calls
 *       {@code machine.reclaim().directReclaim(...)} and retries; one that may not block
 *       never calls it; falling below the low watermark wakes kswapd when the flags allow.
 *       A returned block's first frame has refcount 1 in the {@code MemMap} (and
 *       {@code PG_head} with {@link Gfp#__GFP_COMP}), and every other field of its frames
 *       is zero; with {@link Gfp#__GFP_ZERO} they read as zeros.</li>
 *   <li>{@link #freePages} takes back a block allocated with the same order, and resets
 *       its frames in the {@code MemMap} (every field zero, {@code MemMap.reset}), as
 *       Linux's {@code free_pages_prepare} clears what the pages' users left: a caller
 *       need not clear a page's flags, counts, mapping, index or private before freeing
 *       it. Freeing a block that is not allocated, with another order, or twice throws
 *       {@link BadPageStateException} and changes nothing.</li>
 *   <li>Counts {@code pgalloc_<zone>} and {@code pgfree} in the machine's {@code VmStat}.</li>
 * </ul>
 * Implementations are not thread-safe: the machine calls them from one thread.
 */
@ConsumerType
public interface PageAllocator {
    /** What {@link #allocPages} returns when it cannot allocate. */
    long NO_PAGE = -1L;

    long allocPages(int gfp, int order);

    void freePages(long pfn, int order);

    /** {@code MAX_ORDER}: orders 0 to {@code maxOrder() - 1} can be allocated. */
    int maxOrder();

    /** The zones, lowest first; empty zones are included with zero pages. */
    List<? extends Zone> zones();

    /** The zone that holds {@code pfn}. */
    Zone zoneOf(long pfn);

    /** Returns the pages on per-CPU lists to the free areas ({@code drain_all_pages}). */
    void drainPerCpuLists();

    /**
     * Re-derives every invariant from scratch and throws {@link IllegalStateException}
     * naming the first one that does not hold, with both numbers.
     */
    void verify();
}
