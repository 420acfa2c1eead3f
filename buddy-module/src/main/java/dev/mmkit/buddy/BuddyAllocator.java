package dev.mmkit.buddy;

import dev.mmkit.api.hw.Page;
import dev.mmkit.api.machine.Machine;
import dev.mmkit.api.machine.PageFlags;
import dev.mmkit.api.page.BadPageStateException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The binary buddy allocator of Linux's {@code mm/page_alloc.c}, zone by zone.
 *
 * <h2>Glossary</h2>
 * <ul>
 *   <li><b>frame</b> / <b>pfn</b>: a 4 KiB page of physical memory and its number.</li>
 *   <li><b>block of order k</b>: 2^k contiguous frames whose first pfn is a multiple of
 *       2^k. Its <b>buddy</b> is the block of the same order it was split from, at
 *       {@code pfn ^ (1 << k)}; two free buddies merge into one block of order k+1.</li>
 *   <li><b>free area</b>: per zone and order, the list of free blocks of that order and its
 *       length {@code nr_free}.</li>
 *   <li><b>per-CPU list (pcp)</b>: per zone and CPU, a list of free order-0 frames kept
 *       out of the free areas so that the common order-0 case touches no free list. Its
 *       head is the hot end (the frame freed last, allocated first), its tail the cold end.</li>
 * </ul>
 *
 * <h2>State: one record of three ints per frame (12 bytes per frame)</h2>
 * <pre>
 *   int[] node     node x at node[3x .. 3x+2]:  next | prev | state
 *                  next and prev thread the free areas' doubly linked lists through the
 *                  frames; nodes at and above nrFrames are the list heads (one per zone
 *                  and order), so every list is circular with a sentinel. Checking a
 *                  buddy, unlinking it and marking it touch one record (one cache line
 *                  for 15 frames in 16), not a line in each of two arrays.
 *
 *   state:   7       6       5      4 ... 0        0 for a frame inside a block (a tail)
 *        +-------+-------+-------+-----------+
 *        | ALLOC |  PCP  | FREE  |   order   |
 *        +-------+-------+-------+-----------+
 *     ALLOC: head of an allocated block of that order;  FREE: head of a free block on the
 *     free area of that order (Linux's PageBuddy + page_order);  PCP: order-0 frame on a
 *     per-CPU list.
 * </pre>
 * Free block heads also carry {@link PageFlags#PG_BUDDY} in the machine's mem_map.
 * A per-CPU list ({@link PerCpuPages}) is not threaded through the frames but kept as a
 * ring of pfns (its own {@code int[]}, a power of two long): the frames of the list are
 * {@code ring[tail .. head-1]} (indices taken modulo the ring's length, {@code head - tail}
 * is the count), so a push or pop at the hot end writes one slot and one index and depends
 * on no frame's links. A full ring doubles; its first length covers {@code max(high, batch)},
 * so that happens only when the limits are very large.
 *
 * <h2>Algorithm: allocate a block of order k ({@code __rmqueue_smallest}, {@code expand})</h2>
 * <ol>
 *   <li>Find the smallest order j &ge; k whose free area is not empty; take its first block.
 *       Each zone keeps one bit per order, set while that free area is not empty, so j is
 *       the lowest set bit at or above k (one bit scan, instead of probing the lists).</li>
 *   <li>{@code expand(low = k, high = j)}: while j &gt; k, halve the block: j--, and put the
 *       upper half (at pfn + 2^j) on free area j. The lower 2^k frames are the result.</li>
 * </ol>
 *
 * <h2>Algorithm: free a block of order k ({@code __free_one_page})</h2>
 * <ol>
 *   <li>While k &lt; maxOrder-1 and the buddy at {@code pfn ^ 2^k} is inside the zone and
 *       is the head of a free block of order k: take the buddy off its list, the merged
 *       block starts at {@code pfn & buddy}, k++.</li>
 *   <li>Put the block on free area k.</li>
 * </ol>
 * With {@code merge = lazy} step 1 is skipped: the block is parked on free area k as it is
 * and counted as deferred work. {@link #coalesce} later merges every pair of free buddies,
 * order by order from 0 upwards (a merged block goes to order k+1 before that list is
 * scanned). It runs when an allocation finds no block large enough, and on a clock timer
 * ({@code lazy-coalesce-period}).
 *
 * <h2>Per-CPU lists ({@code rmqueue_pcplist}, {@code free_unref_page})</h2>
 * Order-0 allocations pop the head of the current CPU's list; an empty list is first
 * refilled with {@code batch} frames from the free areas, each appended at the tail
 * ({@code rmqueue_bulk}). Order-0 frees push onto the head; when the list reaches
 * {@code high}, {@code batch} frames from its tail (the coldest) go back to the free areas
 * ({@code free_pcppages_bulk}). Pages on the lists are not free pages of the zone
 * ({@code NR_FREE_PAGES} excludes them, as in Linux), so popping one changes no zone count:
 * {@link #rmqueueFast} is the whole order-0 allocation once the caller has checked the
 * zone's watermark, and only an empty list takes the general path.
 * Defaults follow the recent kernels' {@code zone_batchsize}: batch = managed/1024 capped
 * at 1 MiB of pages (4.x capped it at 512 KiB, so large zones had batch 31, not 63),
 * divided by 4, at least 1, then {@code rounddown_pow_of_two(b + b/2) - 1}; high = 6 * batch, and then batch is
 * raised to at least 1 ({@code pageset_set_batch}). {@code pcp.high = 0} turns the lists off.
 *
 * <h2>Threads</h2>
 * None meet here: the machine calls the allocator from its one thread, and the coalescing
 * timer runs on that thread too, inside {@code Clock.advance}. Reclaim called from the
 * slow path may free pages back into the allocator (re-entering {@code freePages}); the
 * slow path holds no state across that call, so this is safe. Linux's zone lock and
 * per-CPU disabling of interrupts have no counterpart.
 *
 * @see <a href="https://elixir.bootlin.com/linux/v4.5/source/mm/page_alloc.c">Linux 4.5 mm/page_alloc.c</a>
 */
final class BuddyAllocator extends ZonedPageAllocator {
    private static final int ORDER_MASK = 0x1f;
    private static final int FREE = 0x20;
    private static final int PCP = 0x40;
    private static final int ALLOC = 0x80;

    /** Ints per node record, and the offsets of its fields. */
    private static final int NODE = 3;
    private static final int NEXT = 0;
    private static final int PREV = 1;
    private static final int STATE = 2;

    /** The node records: frames, then the free areas' list heads. */
    private final int[] node;
    /** free_area[order].nr_free per zone: index z * maxOrder + order. */
    private final long[] nrFree;
    /** Per zone: bit k set when free area k is not empty, so that the smallest one of order &ge; k is one bit scan away. */
    private final int[] nonEmpty = new int[NR_ZONES];
    private final int freeAreaBase;
    private final int nrCpus;
    /** Per-CPU lists, index z * nrCpus + cpu. */
    private final PerCpuPages[] pcp;
    private final boolean lazy;
    /** Per zone: blocks parked unmerged since the zone's last coalescing. */
    private final long[] parked = new long[NR_ZONES];
    /** Per zone: frees parked without merging, merges done later, coalescing passes. */
    private final long[] deferredFrees = new long[NR_ZONES];
    private final long[] deferredMerges = new long[NR_ZONES];
    private final long[] coalesceRuns = new long[NR_ZONES];

    /**
     * One CPU's list of free order-0 frames of one zone ({@code struct per_cpu_pages}): a
     * ring of pfns; {@code head} is one past the hot end (the next push goes there),
     * {@code tail} the cold end; {@code head - tail} is the count. {@code high} and
     * {@code batch} are the zone's limits (the same in each of its lists, as in Linux's
     * {@code pageset_set_batch}); {@code high = 0}: the lists are off.
     */
    private static final class PerCpuPages {
        final int high;
        final int batch;
        int[] ring;
        int head;
        int tail;

        PerCpuPages(int high, int batch) {
            this.high = high;
            this.batch = batch;
            ring = new int[ringLength(Math.max(high, batch))];
        }

        int count() {
            return head - tail;
        }
    }

    BuddyAllocator(Machine machine, AllocatorSettings settings, ZoneLayout layout) {
        super(machine, settings, layout);
        if (nrFrames > Integer.MAX_VALUE / NODE - 4096) {
            throw new IllegalArgumentException("nrFrames: " + nrFrames + " (expected: at most " + (Integer.MAX_VALUE / NODE - 4096) + " for buddy)");
        }
        int frames = (int) nrFrames;
        this.nrCpus = machine.nrCpus();
        this.freeAreaBase = frames;
        int heads = NR_ZONES * maxOrder;
        this.node = new int[NODE * (frames + heads)];
        this.nrFree = new long[NR_ZONES * maxOrder];
        this.pcp = new PerCpuPages[NR_ZONES * nrCpus];
        for (int h = frames; h < frames + heads; h++) {
            node[NODE * h + NEXT] = h;
            node[NODE * h + PREV] = h;
        }
        this.lazy = settings.lazyMerge;
        for (int z = 0; z < NR_ZONES; z++) {
            long managed = zoneEnd[z] - zoneStart[z];
            int batch = settings.pcpBatch > 0 ? settings.pcpBatch : zoneBatchsize(managed);
            int high = settings.pcpHigh >= 0 ? settings.pcpHigh : 6 * batch;
            // pageset_set_batch: pcp->batch = max(1UL, 1 * batch) after high = 6 * batch, so a
            // small zone has high 0 (the lists are off) and batch 1, as /proc/zoneinfo shows
            // (5.13+ zone_set_pageset_high_and_batch: max(1, zone_batchsize(zone)) too)
            batch = Math.max(1, batch);
            for (int cpu = 0; cpu < nrCpus; cpu++) {
                pcp[z * nrCpus + cpu] = new PerCpuPages(high, batch);
            }
            freeAllMemory(z);
        }
        if (lazy && settings.lazyCoalescePeriodNanos > 0) {
            machine.clock().every("buddy lazy coalescing", settings.lazyCoalescePeriodNanos, this::coalesceAll);
        }
    }

    /** {@code zone_batchsize} of Linux 4.5. */
    static int zoneBatchsize(long managedPages) {
        long batch = managedPages / 1024;
        if (batch * Page.SIZE > 1024 * 1024) {
            batch = (1024 * 1024) / Page.SIZE;
        }
        batch /= 4;
        if (batch < 1) {
            batch = 1;
        }
        return (int) (Long.highestOneBit(batch + batch / 2) - 1);
    }

    /** The first length of a per-CPU ring that holds {@code limit} frames: a power of two, at most 2048. */
    private static int ringLength(int limit) {
        return limit < 1 ? 1 : Integer.highestOneBit(Math.min(limit, 1 << 10)) << 1;
    }

    /** {@code __free_pages_memory}: the zone's frames as the largest aligned blocks. */
    private void freeAllMemory(int z) {
        long p = zoneStart[z];
        long end = zoneEnd[z];
        while (p < end) {
            int order = maxOrder - 1;
            while (order > 0 && ((p & ((1L << order) - 1)) != 0 || p + (1L << order) > end)) {
                order--;
            }
            addToFreeArea((int) p, z, order);
            freePages[z] += 1L << order;
            p += 1L << order;
        }
    }

    // ---- node records ------------------------------------------------------------------

    private int next(int x) {
        return node[NODE * x + NEXT];
    }

    private int prev(int x) {
        return node[NODE * x + PREV];
    }

    private int state(long pfn) {
        return node[NODE * (int) pfn + STATE];
    }

    private void setState(int pfn, int state) {
        node[NODE * pfn + STATE] = state;
    }

    // ---- free lists --------------------------------------------------------------------

    private int freeArea(int z, int order) {
        return freeAreaBase + z * maxOrder + order;
    }

    private void addToFreeArea(int pfn, int z, int order) {
        int head = freeArea(z, order);
        int first = next(head);
        int at = NODE * pfn;
        node[at + NEXT] = first;
        node[at + PREV] = head;
        node[at + STATE] = FREE | order;
        node[NODE * first + PREV] = pfn;
        node[NODE * head + NEXT] = pfn;
        nrFree[z * maxOrder + order]++;
        nonEmpty[z] |= 1 << order;
        memMap.setFlag(pfn, PageFlags.PG_BUDDY);
    }

    private void delFromFreeArea(int pfn, int z, int order) {
        int at = NODE * pfn;
        int n = node[at + NEXT];
        int p = node[at + PREV];
        node[at + STATE] = 0;
        node[NODE * p + NEXT] = n;
        node[NODE * n + PREV] = p;
        if (--nrFree[z * maxOrder + order] == 0) {
            nonEmpty[z] &= ~(1 << order);
        }
        memMap.clearFlag(pfn, PageFlags.PG_BUDDY);
    }

    // ---- allocation --------------------------------------------------------------------

    /**
     * Order 0 with per-CPU lists on: the head of the current CPU's list, nothing if it is
     * empty (the general path refills it). Otherwise: {@link #rmqueueSmallest}, nothing if
     * no free area is large enough (the general path coalesces parked blocks first).
     */
    @Override
    protected long rmqueueFast(int z, int order) {
        if (order == 0) {
            PerCpuPages list = perCpuList(z);
            if (list.head != list.tail) {
                // A list holds frames only while the lists are on (high > 0).
                int pfn = popHot(list);
                node[NODE * pfn + STATE] = ALLOC;
                return pfn;
            }
            if (list.high > 0) {
                return NO_PAGE;
            }
        }
        int pfn = rmqueueSmallest(z, order);
        if (pfn >= 0) {
            node[NODE * pfn + STATE] = ALLOC | order;
        }
        return pfn;
    }

    /** Zone {@code z}'s list of the current CPU. */
    private PerCpuPages perCpuList(int z) {
        return pcp[nrCpus == 1 ? z : z * nrCpus + machine.currentCpu()];
    }

    @Override
    protected long rmqueue(int z, int order) {
        int pfn;
        PerCpuPages list;
        if (order == 0 && (list = perCpuList(z)).high > 0) {
            pfn = rmqueuePcplist(z, list);
        } else {
            pfn = rmqueueBuddy(z, order);
        }
        if (pfn >= 0) {
            setState(pfn, ALLOC | order);
        }
        return pfn;
    }

    /** {@code __rmqueue}, coalescing parked blocks first when nothing large enough is free. */
    private int rmqueueBuddy(int z, int order) {
        int pfn = rmqueueSmallest(z, order);
        if (pfn < 0 && parked[z] > 0) {
            coalesce(z);
            pfn = rmqueueSmallest(z, order);
        }
        return pfn;
    }

    /**
     * {@code __rmqueue_smallest}: the first block of the smallest non-empty free area of
     * order &ge; {@code order}, found in the zone's {@link #nonEmpty} bits rather than by
     * walking the areas one by one (the same block either way).
     */
    private int rmqueueSmallest(int z, int order) {
        int candidates = nonEmpty[z] & (-1 << order);
        if (candidates == 0) {
            return -1;
        }
        int current = Integer.numberOfTrailingZeros(candidates);
        int pfn = next(freeArea(z, current));
        delFromFreeArea(pfn, z, current);
        if (current > order) {
            expand(z, pfn, order, current);
        }
        freePages[z] -= 1L << order;
        return pfn;
    }

    /** {@code expand(zone, page, low, high)}: gives back the upper halves while splitting. */
    private void expand(int z, int pfn, int low, int high) {
        int size = 1 << high;
        while (high > low) {
            high--;
            size >>= 1;
            addToFreeArea(pfn + size, z, high);
        }
    }

    /** {@code rmqueue_pcplist}: pops the head of the current CPU's list, refilling an empty one. */
    private int rmqueuePcplist(int z, PerCpuPages list) {
        if (list.count() == 0) {
            rmqueueBulk(z, list, list.batch);
            if (list.count() == 0) {
                return -1;
            }
        }
        return popHot(list);
    }

    /** Takes the frame at the hot end of a list that is not empty. */
    private static int popHot(PerCpuPages list) {
        int head = --list.head;
        int[] ring = list.ring;
        return ring[head & (ring.length - 1)];
    }

    /** {@code rmqueue_bulk}: moves up to {@code count} order-0 frames to the tail of a per-CPU list. */
    private void rmqueueBulk(int z, PerCpuPages list, int count) {
        for (int i = 0; i < count; i++) {
            int pfn = rmqueueBuddy(z, 0);
            if (pfn < 0) {
                return;
            }
            if (list.count() == list.ring.length) {
                growRing(list);
            }
            int tail = --list.tail;
            list.ring[tail & (list.ring.length - 1)] = pfn;
            setState(pfn, PCP);
        }
    }

    /** Doubles a full ring, keeping every frame at its index (modulo the new length). */
    private static void growRing(PerCpuPages list) {
        int[] old = list.ring;
        int[] ring = new int[2 * old.length];
        for (int i = list.tail; i != list.head; i++) {
            ring[i & (ring.length - 1)] = old[i & (old.length - 1)];
        }
        list.ring = ring;
    }

    // ---- freeing -----------------------------------------------------------------------

    @Override
    protected void checkAllocated(int z, long pfn, int order) {
        if (state(pfn) != (ALLOC | order)) {
            throw badFree(z, pfn, order);
        }
    }

    /** Why freeing {@code pfn} with {@code order} is wrong ({@code bad_page}). */
    private BadPageStateException badFree(int z, long pfn, int order) {
        int s = state(pfn);
        if ((s & ALLOC) != 0) {
            return new BadPageStateException(pfn, order, "allocated with order " + (s & ORDER_MASK));
        }
        if ((s & PCP) != 0) {
            return new BadPageStateException(pfn, order, "already free (on a per-CPU list)");
        }
        if ((s & FREE) != 0) {
            return new BadPageStateException(pfn, order, "already free");
        }
        long head = freeBlockContaining(z, pfn);
        if (head >= 0) {
            return new BadPageStateException(pfn, order, "already free (inside the free block of order "
                + (state(head) & ORDER_MASK) + " at " + Page.hex(head) + ")");
        }
        if ((pfn & ((1L << order) - 1)) != 0) {
            return new BadPageStateException(pfn, order, "not allocated (not aligned to the order)");
        }
        return new BadPageStateException(pfn, order, "not allocated");
    }

    private long freeBlockContaining(int z, long pfn) {
        for (int order = 1; order < maxOrder; order++) {
            long head = pfn & -(1L << order);
            if (head >= zoneStart[z] && state(head) == (FREE | order)) {
                return head;
            }
        }
        return -1;
    }

    @Override
    protected void release(int z, long pfn, int order) {
        PerCpuPages list;
        if (order == 0 && (list = perCpuList(z)).high > 0) {
            freeUnrefPage(z, list, (int) pfn);
        } else {
            freeOnePage(z, (int) pfn, order);
        }
    }

    /** {@code free_unref_page} / {@code free_hot_cold_page}: push on the current CPU's list. */
    private void freeUnrefPage(int z, PerCpuPages list, int pfn) {
        int head = list.head;
        if (head - list.tail == list.ring.length) {
            growRing(list);
        }
        int[] ring = list.ring;
        ring[head & (ring.length - 1)] = pfn;
        list.head = ++head;
        node[NODE * pfn + STATE] = PCP;
        if (head - list.tail >= list.high) {
            freePcppagesBulk(z, list, list.batch);
        }
    }

    /** {@code free_pcppages_bulk}: returns {@code count} frames from the list's cold tail. */
    private void freePcppagesBulk(int z, PerCpuPages list, int count) {
        int[] ring = list.ring;
        for (int i = 0; i < count && list.count() > 0; i++) {
            int tail = list.tail++;
            freeOnePage(z, ring[tail & (ring.length - 1)], 0);
        }
    }

    /** {@code __free_one_page}: a block that is no longer allocated nor on a per-CPU list goes back to the free areas. */
    private void freeOnePage(int z, int pfn, int order) {
        freePages[z] += 1L << order;
        if (lazy) {
            park(z, pfn, order);
            return;
        }
        if (isBuddy(z, pfn ^ (1 << order), order)) {
            mergeAndAdd(z, pfn, order);
        } else {
            addToFreeArea(pfn, z, order);
        }
    }

    /** {@code page_is_buddy}: {@code buddy} heads a free block of {@code order} in zone {@code z}, and a merged block would still be of a valid order. */
    private boolean isBuddy(int z, int buddy, int order) {
        return order < maxOrder - 1 && buddy >= zoneStart[z] && buddy < zoneEnd[z] && node[NODE * buddy + STATE] == (FREE | order);
    }

    /** The merging loop of {@code __free_one_page}, entered once the first buddy is known to be free. */
    private void mergeAndAdd(int z, int pfn, int order) {
        node[NODE * pfn + STATE] = 0;
        do {
            int buddy = pfn ^ (1 << order);
            delFromFreeArea(buddy, z, order);
            pfn &= buddy;
            order++;
        } while (isBuddy(z, pfn ^ (1 << order), order));
        addToFreeArea(pfn, z, order);
    }

    /** {@code merge = lazy}: the block goes on its free area unmerged, counted as deferred work. */
    private void park(int z, int pfn, int order) {
        addToFreeArea(pfn, z, order);
        parked[z]++;
        deferredFrees[z]++;
    }

    @Override
    public void drainPerCpuLists() {
        for (int z = 0; z < NR_ZONES; z++) {
            for (int cpu = 0; cpu < nrCpus; cpu++) {
                PerCpuPages list = pcp[z * nrCpus + cpu];
                freePcppagesBulk(z, list, list.count());
            }
        }
    }

    // ---- lazy merging ------------------------------------------------------------------

    /** Coalesces every zone (the timer's work). */
    void coalesceAll() {
        for (int z = 0; z < NR_ZONES; z++) {
            if (parked[z] > 0) {
                coalesce(z);
            }
        }
    }

    /** Merges every pair of free buddies in zone {@code z}, order by order from 0 up. */
    private void coalesce(int z) {
        coalesceRuns[z]++;
        long start = zoneStart[z];
        long end = zoneEnd[z];
        for (int order = 0; order < maxOrder - 1; order++) {
            int head = freeArea(z, order);
            int pfn = next(head);
            while (pfn != head) {
                int after = next(pfn);
                int buddy = pfn ^ (1 << order);
                if (buddy >= start && buddy < end && state(buddy) == (FREE | order)) {
                    if (after == buddy) {
                        after = next(buddy);
                    }
                    delFromFreeArea(pfn, z, order);
                    delFromFreeArea(buddy, z, order);
                    addToFreeArea(pfn & buddy, z, order + 1);
                    deferredMerges[z]++;
                }
                pfn = after;
            }
        }
        parked[z] = 0;
    }

    /** Frees that were parked without merging ({@code merge = lazy}), all zones. */
    long deferredFrees() {
        return sum(deferredFrees);
    }

    /** Merges done later by coalescing, all zones. */
    long deferredMerges() {
        return sum(deferredMerges);
    }

    /** Coalescing passes run (on demand or by the timer), all zones. */
    long coalesceRuns() {
        return sum(coalesceRuns);
    }

    private static long sum(long[] perZone) {
        long sum = 0;
        for (long n : perZone) {
            sum += n;
        }
        return sum;
    }

    // ---- views -------------------------------------------------------------------------

    /** One line for logs and debugging: the configuration and the deferred-work counters. */
    @Override
    public String toString() {
        return "buddy max-order " + maxOrder + ", merge " + (lazy ? "lazy" : "eager") + ", free "
            + (freePages[0] + freePages[1] + freePages[2]) + " pages, deferred frees " + deferredFrees()
            + ", deferred merges " + deferredMerges() + ", coalesce runs " + coalesceRuns() + ", failed allocations "
            + allocFailures();
    }

    /**
     * With {@code merge = lazy}, the zone's deferred work as extra {@code /proc/zoneinfo}
     * lines: {@code buddy_deferred_frees} (frees parked unmerged), {@code buddy_deferred_merges}
     * (merges done later by coalescing) and {@code buddy_coalesce_runs}. Eager merging defers
     * nothing and adds no line.
     */
    @Override
    protected Map<String, Long> allocatorStats(int z) {
        if (!lazy) {
            return Map.of();
        }
        Map<String, Long> stats = new LinkedHashMap<>();
        stats.put("buddy_deferred_frees", deferredFrees[z]);
        stats.put("buddy_deferred_merges", deferredMerges[z]);
        stats.put("buddy_coalesce_runs", coalesceRuns[z]);
        return stats;
    }

    @Override
    protected long nrFree(int z, int order) {
        return nrFree[z * maxOrder + order];
    }

    @Override
    protected long perCpuPages(int z) {
        long sum = 0;
        for (int cpu = 0; cpu < nrCpus; cpu++) {
            sum += pcp[z * nrCpus + cpu].count();
        }
        return sum;
    }

    @Override
    protected int perCpuHigh(int z) {
        return pcp[z * nrCpus].high;
    }

    @Override
    protected int perCpuBatch(int z) {
        return pcp[z * nrCpus].batch;
    }

    /** Bytes of per-frame state this allocator keeps (one node record: next, prev, state). */
    static int bytesPerFrame() {
        return NODE * Integer.BYTES;
    }

    /**
     * The zone's blocks in address order, each as {pfn, order, kind} with kind 0 = free,
     * 1 = allocated, 2 = on a per-CPU list: the picture the lecture draws.
     */
    List<long[]> layout(int z) {
        List<long[]> blocks = new ArrayList<>();
        long pfn = zoneStart[z];
        while (pfn < zoneEnd[z]) {
            int s = state(pfn);
            int order = s & ORDER_MASK;
            int kind = (s & FREE) != 0 ? 0 : (s & ALLOC) != 0 ? 1 : (s & PCP) != 0 ? 2 : -1;
            if (kind < 0) {
                throw new IllegalStateException("page " + Page.hex(pfn) + ": heads no block");
            }
            blocks.add(new long[] {pfn, order, kind});
            pfn += 1L << order;
        }
        return blocks;
    }

    // ---- verify ------------------------------------------------------------------------

    @Override
    protected void verifyZone(int z) {
        String zone = "zone " + zoneName(z);
        long start = zoneStart[z];
        long end = zoneEnd[z];
        BitSet covered = new BitSet();
        BitSet heads = new BitSet();
        long free = 0;
        for (int order = 0; order < maxOrder; order++) {
            int head = freeArea(z, order);
            long count = 0;
            for (int pfn = next(head), before = head; pfn != head; before = pfn, pfn = next(pfn)) {
                if (prev(pfn) != before) {
                    throw new IllegalStateException(zone + ": free area " + order + ": page " + Page.hex(pfn)
                        + " links back to " + Page.hex(prev(pfn)) + " (expected: " + Page.hex(before) + ")");
                }
                if (++count > end - start) {
                    throw new IllegalStateException(zone + ": free area " + order + " holds more than the zone's "
                        + (end - start) + " pages (a loop)");
                }
                long size = 1L << order;
                if (pfn < start || pfn + size > end) {
                    throw new IllegalStateException(zone + ": free block " + Page.hex(pfn) + " of order " + order
                        + " outside the zone " + Page.hex(start) + "-" + Page.hex(end - 1));
                }
                if ((pfn & (size - 1)) != 0) {
                    throw new IllegalStateException(zone + ": free block " + Page.hex(pfn) + " not aligned to its order " + order);
                }
                if (state(pfn) != (FREE | order)) {
                    throw new IllegalStateException(zone + ": page " + Page.hex(pfn) + " on free area " + order
                        + " has state 0x" + Integer.toHexString(state(pfn)) + " (expected: free, order " + order + ")");
                }
                claim(zone, covered, heads, pfn, size, "free area " + order);
                if (!lazy && order < maxOrder - 1) {
                    int buddy = pfn ^ (1 << order);
                    if (buddy >= start && buddy < end && state(buddy) == (FREE | order)) {
                        throw new IllegalStateException(zone + ": free buddies " + Page.hex(Math.min(pfn, buddy)) + " and "
                            + Page.hex(Math.max(pfn, buddy)) + " of order " + order + " not merged");
                    }
                }
                if (!memMap.testFlag(pfn, PageFlags.PG_BUDDY)) {
                    throw new IllegalStateException(zone + ": free block " + Page.hex(pfn) + " lacks PG_buddy");
                }
            }
            if ((count > 0) != ((nonEmpty[z] & (1 << order)) != 0)) {
                throw new IllegalStateException(zone + ": free area " + order + " holds " + count
                    + " blocks but its non-empty bit is " + ((nonEmpty[z] >>> order) & 1));
            }
            if (count != nrFree[z * maxOrder + order]) {
                throw new IllegalStateException(zone + ": nr_free[" + order + "] = " + nrFree[z * maxOrder + order]
                    + " but the list holds " + count);
            }
            free += count << order;
        }
        if (free != freePages[z]) {
            throw new IllegalStateException(zone + ": free pages " + freePages[z] + " but the free areas hold " + free);
        }
        long perCpu = 0;
        for (int cpu = 0; cpu < nrCpus; cpu++) {
            PerCpuPages list = pcp[z * nrCpus + cpu];
            int[] ring = list.ring;
            int count = list.count();
            if (count < 0 || count > ring.length || Integer.bitCount(ring.length) != 1) {
                throw new IllegalStateException(zone + ": per-CPU list of cpu " + cpu + " is broken: head " + list.head
                    + ", tail " + list.tail + ", ring of " + ring.length);
            }
            for (int i = list.tail; i != list.head; i++) {
                int pfn = ring[i & (ring.length - 1)];
                if (pfn < start || pfn >= end) {
                    throw new IllegalStateException(zone + ": page " + Page.hex(pfn) + " on cpu " + cpu + "'s list is outside the zone");
                }
                if (state(pfn) != PCP) {
                    throw new IllegalStateException(zone + ": page " + Page.hex(pfn) + " on cpu " + cpu
                        + "'s list has state 0x" + Integer.toHexString(state(pfn)));
                }
                claim(zone, covered, heads, pfn, 1, "cpu " + cpu + "'s list");
            }
            perCpu += count;
        }
        long allocated = 0;
        for (long pfn = start; pfn < end; pfn++) {
            int s = state(pfn);
            if ((s & ALLOC) != 0) {
                int order = s & ORDER_MASK;
                long size = 1L << order;
                if ((pfn & (size - 1)) != 0 || pfn + size > end) {
                    throw new IllegalStateException(zone + ": allocated block " + Page.hex(pfn) + " of order " + order
                        + " not aligned or outside the zone");
                }
                claim(zone, covered, heads, pfn, size, "allocated");
                allocated += size;
            } else if (s != 0 && !heads.get((int) pfn)) {
                throw new IllegalStateException(zone + ": page " + Page.hex(pfn) + " has state 0x" + Integer.toHexString(s)
                    + " but is on no list");
            }
        }
        for (int pfn = covered.nextSetBit((int) start); pfn >= 0 && pfn < end; pfn = covered.nextSetBit(pfn + 1)) {
            if (!heads.get(pfn) && state(pfn) != 0) {
                throw new IllegalStateException(zone + ": page " + Page.hex(pfn) + " inside a block has state 0x"
                    + Integer.toHexString(state(pfn)));
            }
        }
        if (free + allocated + perCpu != end - start) {
            throw new IllegalStateException(zone + ": free " + free + " + allocated " + allocated + " + per-CPU " + perCpu
                + " = " + (free + allocated + perCpu) + " (expected: the zone's " + (end - start) + " pages)");
        }
    }

    private static void claim(String zone, BitSet covered, BitSet heads, long pfn, long size, String where) {
        int from = (int) pfn;
        int to = (int) (pfn + size);
        int clash = covered.nextSetBit(from);
        if (clash >= 0 && clash < to) {
            throw new IllegalStateException(zone + ": page " + Page.hex(clash) + " of block " + Page.hex(pfn)
                + " (" + where + ") is also in another block or list");
        }
        covered.set(from, to);
        heads.set(from);
    }
}
