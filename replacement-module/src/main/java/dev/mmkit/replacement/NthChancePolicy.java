package dev.mmkit.replacement;

import dev.mmkit.api.hw.Page;
import dev.mmkit.api.replacement.PageReferences;
import dev.mmkit.api.replacement.ReplacementPolicy;

/**
 * Nth chance: clock with a sweep count per page, so that a page must go unreferenced for N
 * visits of the hand before it is evicted: a finer approximation of LRU than clock, paid for
 * with longer sweeps. N = 1 is {@link ClockPolicy clock}. Optionally (the lecture's
 * suggestion) dirty pages get one sweep more, and their writeback starts when their count
 * reaches N, so that by the next visit they are clean and cheap to evict: with N = 1 that is
 * "clean pages N = 1, dirty pages N = 2".
 *
 * <h2>Layout</h2>
 * As clock: one ring of {@link PageLists} whose head is the hand, new pages behind the
 * hand; the sweep count of each page is the list's per-frame byte.
 *
 * <h2>Algorithm</h2>
 * [evict()]: at the page under the hand,
 * <ol>
 *   <li>use bit set ({@link PageReferences#testAndClearReferenced}, which clears it): count
 *       = 0, advance;</li>
 *   <li>else count + 1; if the count is below N, advance;</li>
 *   <li>else, with {@code dirty-writeback}, if the count is exactly N and the page is dirty:
 *       start its writeback ({@link PageReferences#startWriteback}), advance — it goes on
 *       the next visit if still unreferenced, clean or not;</li>
 *   <li>else unlink it and return it.</li>
 * </ol>
 * Each page is evicted within N + 1 visits after its last reference, so a call takes at most
 * (N + 2) · n steps; amortised O(N) = O(1) per reference for a fixed N. [add(pfn)] puts the
 * page behind the hand with count 0; [remove(pfn)] unlinks it; [candidates] are the ring
 * from the hand on, as for clock.
 *
 * <h2>Use bit on arrival</h2>
 * As for clock: the retried reference after a fault sets A, so a new page's first visit
 * clears the bit and leaves its count at 0; with N it goes on visit N + 1 at the earliest.
 *
 * <p>[1] T. Anderson and M. Dahlin, Operating Systems: Principles and Practice, 2nd ed.,
 * ch. 9 ("Nth chance").
 */
final class NthChancePolicy implements ReplacementPolicy {
    private static final int RING = 0;
    private final PageLists lists;
    private final PageReferences refs;
    private final int n;
    private final boolean dirtyWriteback;

    /**
     * @param n visits without a reference before eviction, 1-100
     * @param dirtyWriteback whether dirty pages get one visit more, with writeback started
     */
    NthChancePolicy(long nrFrames, PageReferences refs, int n, boolean dirtyWriteback) {
        if (n < 1 || n > NthChancePolicyProvider.MAX_N) {
            throw new IllegalArgumentException("n: " + n + " (expected: 1-" + NthChancePolicyProvider.MAX_N + ")");
        }
        this.lists = new PageLists("nth-chance", nrFrames, "clock");
        this.refs = refs;
        this.n = n;
        this.dirtyWriteback = dirtyWriteback;
    }

    @Override
    public void add(long pfn) {
        lists.addTail(RING, pfn);
        lists.setAux(pfn, 0);
    }

    @Override
    public void remove(long pfn) {
        lists.unlink(pfn, "remove");
    }

    @Override
    public long evict() {
        // every page is taken within n + 1 visits, so (n + 2) turns always find one
        for (long steps = (n + 2) * lists.size(RING); steps > 0; steps--) {
            long hand = lists.head(RING);
            if (refs.testAndClearReferenced(hand)) {
                lists.setAux(hand, 0);
            } else {
                int count = lists.aux(hand) + 1;
                if (count == n && dirtyWriteback && refs.isDirty(hand)) {
                    refs.startWriteback(hand); // one visit more, to come back to a clean page
                } else if (count >= n) {
                    return lists.pollHead(RING);
                }
                lists.setAux(hand, count);
            }
            lists.rotate(RING);
        }
        return lists.pollHead(RING);
    }

    /** {@inheritDoc} Here the pages the hand reaches next, from the one under it. */
    @Override
    public int candidates(long[] out, int max) {
        return lists.peek(RING, out, max);
    }

    /** The sweep count of a tracked page (for tests). */
    int count(long pfn) {
        return lists.aux(pfn);
    }

    /** The page under the hand, −1 when empty (for tests). */
    long hand() {
        return lists.head(RING);
    }

    @Override
    public long size() {
        return lists.size(RING);
    }

    @Override
    public void verify() {
        lists.verify();
        for (long p = lists.head(RING), i = 0; i < lists.size(RING); p = lists.next(p), i++) {
            if (lists.aux(p) > n) {
                throw new IllegalStateException("nth-chance: page " + Page.hex(p) + " has count "
                    + lists.aux(p) + " (expected: at most " + n + ")");
            }
        }
    }
}
