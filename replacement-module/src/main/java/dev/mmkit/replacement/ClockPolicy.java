package dev.mmkit.replacement;

import dev.mmkit.api.replacement.PageReferences;
import dev.mmkit.api.replacement.ReplacementPolicy;

/**
 * Clock (second chance) [1]: the resident pages sit on a circle with one hand; the use bit
 * is the hardware referenced bit (the PTEs' A bits, and {@code PG_referenced}), read and
 * cleared through the reverse map with {@link PageReferences#testAndClearReferenced}. It
 * approximates LRU with what real hardware gives: no work on a hit.
 *
 * <h2>Layout</h2>
 * One ring of {@link PageLists} whose head is the hand; the page just behind the hand (the
 * ring's tail) is the last one the hand will reach:
 * <pre>
 *            hand
 *             ▼
 *        ┌──► a ──► b ──► c ──► d ──┐
 *        └──────────────────────────┘      new pages go in behind the hand (after d)
 * </pre>
 *
 * <h2>Algorithm</h2>
 * <ul>
 *   <li>[add(pfn)]: insert just behind the hand, where the victim was: the new page is the
 *       last the hand will look at.</li>
 *   <li>[evict()]: look at the page under the hand; if its use bit is set, clear it and
 *       advance (a second chance); otherwise unlink it and return it, the hand now on the
 *       next page. After one full turn every bit is clear, so at most n + 1 steps;
 *       amortised O(1) per reference, as each step clears a bit a reference set.</li>
 *   <li>[remove(pfn)]: unlink; if it was under the hand, the hand moves to the next page.</li>
 *   <li>[candidates]: the ring from the hand on, in the order the hand reaches the pages;
 *       no use bit is read.</li>
 * </ul>
 *
 * <h2>Use bit on arrival</h2>
 * The reference that faults a page in is retried after the fault and its page-table walk
 * sets A, so a page comes in with its use bit set: when the hand first reaches it, it gets
 * a second chance and is evicted on the hand's second visit at the earliest. (Textbook
 * variants that load pages with the bit clear give other fault sequences; the tests state
 * this convention with their hand-computed figures.)
 *
 * <p>[1] F. J. Corbató, "A paging experiment with the Multics system", MIT Project MAC
 * report MAC-M-384, 1968.
 */
final class ClockPolicy implements ReplacementPolicy {
    private static final int RING = 0;
    private final PageLists lists;
    private final PageReferences refs;

    ClockPolicy(long nrFrames, PageReferences refs) {
        this.lists = new PageLists("clock", nrFrames, "clock");
        this.refs = refs;
    }

    @Override
    public void add(long pfn) {
        lists.addTail(RING, pfn);
    }

    @Override
    public void remove(long pfn) {
        lists.unlink(pfn, "remove");
    }

    @Override
    public long evict() {
        long victim = lists.sweep(RING, refs);
        if (victim >= 0) {
            lists.unlink(victim, "evict");
        }
        return victim;
    }

    /** The page under the hand, −1 when empty (for tests). */
    long hand() {
        return lists.head(RING);
    }

    /** {@inheritDoc} Here the pages the hand reaches next, from the one under it. */
    @Override
    public int candidates(long[] out, int max) {
        return lists.peek(RING, out, max);
    }

    @Override
    public long size() {
        return lists.size(RING);
    }

    @Override
    public void verify() {
        lists.verify();
    }
}
