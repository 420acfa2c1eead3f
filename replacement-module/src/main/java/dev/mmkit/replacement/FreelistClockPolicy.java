package dev.mmkit.replacement;

import dev.mmkit.api.machine.Clock;
import dev.mmkit.api.replacement.PageReferences;
import dev.mmkit.api.replacement.ReplacementPolicy;

/**
 * A clock whose hand runs in the background to keep a free list filled (the lecture's "free
 * list" slide; the BSD pageout daemon): a timer on the machine's virtual clock moves the
 * hand so that a target number of pages waits on a free list, ready to be taken
 * without a scan when a fault needs a frame. A page enters the free list still in memory
 * but mapped invalid ({@link PageReferences#invalidate}), so a reference before it is reused
 * rescues it with a soft fault, as from the VAX/VMS second-chance list; a dirty page's
 * writeback starts as it enters ({@link PageReferences#startWriteback}), so that it is clean
 * by the time it is taken.
 *
 * <h2>Layout</h2>
 * Two lists of {@link PageLists}: the clock ring, whose head is the hand (new and rescued
 * pages go in behind it), and the free list, oldest first:
 * <pre>
 *   ring:       hand ──► a ──► b ──► c ──┐      (mapped valid)
 *                ▲───────────────────────┘
 *                │ hand step: unreferenced page → writeback if dirty, invalidate
 *                ▼
 *   free list:  oldest ──► ... ──► newest        (mapped invalid)
 *                 │
 *                 ▼ evict()
 * </pre>
 *
 * <h2>Algorithm</h2>
 * <ul>
 *   <li>[refill] (the daemon: a timer that runs {@code period} of virtual time after it is
 *       woken): while the free list is shorter than {@code target} and the ring is not
 *       empty, a clock step: the page under the hand with its use bit set has it cleared
 *       and the hand moves on; one without leaves the ring for the free list's tail,
 *       written back if dirty, then invalidated.</li>
 *   <li>[evict()]: the free list's head; when the free list is empty (the daemon fell
 *       behind), the faulting process runs the hand itself, as {@link ClockPolicy clock}
 *       does, and takes the first unreferenced page.</li>
 *   <li>[softFault(pfn)]: a page on the free list was referenced: back on the ring behind
 *       the hand.</li>
 *   <li>[add(pfn)]: on the ring behind the hand.</li>
 *   <li>[remove(pfn)]: unlink from either list.</li>
 *   <li>[wakeup], after each of the above: when the free list is below target and the ring
 *       has pages, the daemon's run is scheduled one period ahead, unless it already is.</li>
 * </ul>
 * Each hand step clears a bit a reference set or moves a page to the free list, so the work
 * is amortised O(1) per reference; at most one timer event per change of the free list.
 *
 * <h2>Use bit on arrival</h2>
 * As for clock: the walk after a fault sets A, so a new page survives the hand's first visit;
 * a rescued page likewise (the soft fault sets {@code PG_referenced}, the retried walk A).
 *
 * <h2>Time</h2>
 * The daemon sleeps while the free list is full and is woken by whatever takes a page off
 * it, as the pageout daemon is woken when free memory drops below its threshold; an
 * instance whose process has gone leaves no timer behind. The timer runs inside the clock's
 * {@code advance}, between references, on the same single thread as everything else.
 */
final class FreelistClockPolicy implements ReplacementPolicy {
    static final int RING = 0;
    static final int FREE = 1;

    private final PageLists lists;
    private final PageReferences refs;
    private final Clock clock;
    private final long target;
    private final long periodNanos;
    private final Runnable tick = this::tick;
    private boolean armed;
    private long writebacks;
    private long rescues;

    /**
     * @param target pages to keep on the free list, at least 1
     * @param periodNanos virtual time from a wakeup to the hand's run, at least 1
     */
    FreelistClockPolicy(long nrFrames, PageReferences refs, Clock clock, long target, long periodNanos) {
        if (target < 1) {
            throw new IllegalArgumentException("target: " + target + " (expected: at least 1 page)");
        }
        if (periodNanos < 1) {
            throw new IllegalArgumentException("period: " + periodNanos + "ns (expected: at least 1ns)");
        }
        this.lists = new PageLists("freelist-clock", nrFrames, "clock", "free");
        this.refs = refs;
        this.clock = clock;
        this.target = target;
        this.periodNanos = periodNanos;
    }

    @Override
    public void add(long pfn) {
        lists.addTail(RING, pfn);
        wakeup();
    }

    /** Wakes the daemon: its run is due one period from now, unless it is due already or has nothing to do. */
    private void wakeup() {
        if (!armed && lists.size(FREE) < target && lists.size(RING) > 0) {
            armed = true;
            clock.schedule("freelist-clock", periodNanos, tick);
        }
    }

    private void tick() {
        armed = false;
        refill();
    }

    /** Runs the hand until the free list holds {@code target} pages or the ring is empty. */
    void refill() {
        // each page needs at most two visits (one to clear its bit), so this bounds the run
        for (long steps = 2 * lists.size(RING) + 1; lists.size(FREE) < target && lists.size(RING) > 0 && steps > 0; steps--) {
            long hand = lists.head(RING);
            if (refs.testAndClearReferenced(hand)) {
                lists.rotate(RING);
            } else {
                lists.moveToTail(hand, FREE);
                if (refs.isDirty(hand)) {
                    writebacks++;
                    refs.startWriteback(hand);
                }
                refs.invalidate(hand);
            }
        }
    }

    @Override
    public void softFault(long pfn) {
        if (lists.listOf(pfn) == FREE) {
            rescues++;
            lists.moveToTail(pfn, RING);
            wakeup();
        }
    }

    @Override
    public void remove(long pfn) {
        lists.unlink(pfn, "remove");
        wakeup();
    }

    @Override
    public long evict() {
        long pfn = lists.pollHead(FREE);
        if (pfn >= 0) {
            wakeup();
            return pfn;
        }
        pfn = lists.sweep(RING, refs);
        if (pfn >= 0) {
            lists.unlink(pfn, "evict");
        }
        wakeup();
        return pfn;
    }

    /** The list a page is on ({@link #RING}, {@link #FREE}), −1 for none (for tests). */
    int listOf(long pfn) {
        return lists.listOf(pfn);
    }

    long freeListSize() {
        return lists.size(FREE);
    }

    /** Dirty pages whose writeback started as they entered the free list. */
    long writebacks() {
        return writebacks;
    }

    /** Pages referenced on the free list and put back on the ring. */
    long rescues() {
        return rescues;
    }

    @Override
    public long size() {
        return lists.size(RING) + lists.size(FREE);
    }

    @Override
    public void verify() {
        lists.verify();
        if (lists.size(FREE) < target && lists.size(RING) > 0 && !armed) {
            throw new IllegalStateException("freelist-clock: free list holds " + lists.size(FREE) + " pages (target: "
                + target + ") and the ring " + lists.size(RING) + ", but the hand's timer is not armed");
        }
    }
}
