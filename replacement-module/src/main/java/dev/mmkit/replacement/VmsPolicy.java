package dev.mmkit.replacement;

import dev.mmkit.api.hw.Page;
import dev.mmkit.api.replacement.PageReferences;
import dev.mmkit.api.replacement.ReplacementPolicy;

/**
 * The VAX/VMS second-chance list [1], as segmented FIFO [2]: the resident pages are split
 * into an <em>active</em> list, mapped read-write and replaced first in first out, and a
 * <em>second-chance</em> list of pages that are still in memory but mapped invalid
 * ({@link PageReferences#invalidate}). A reference to a page on the second-chance list takes
 * a cheap soft fault ({@link #softFault}) that puts it back on the active list; a page
 * that reaches the head of the second-chance list unreferenced is the victim. The VAX had no
 * referenced bit: invalid mappings are how VMS learnt of use, and only for the pages that
 * are candidates for eviction.
 *
 * <h2>Layout</h2>
 * Two lists of {@link PageLists}:
 * <pre>
 *   active (FIFO):         oldest ──► ... ──► newest ◄── add, rescued pages
 *                            │
 *                            ▼ invalidate
 *   second chance (LRU):   LRU ──► ... ──► MRU
 *                           │
 *                           ▼ evict()
 * </pre>
 * Pages on the second-chance list leave it only when referenced, so its insertion order is
 * its LRU order.
 *
 * <h2>Algorithm</h2>
 * S is the configured size of the second-chance list: a number of pages, or a percentage of
 * the pages this instance holds (rounded up).
 * <ul>
 *   <li>[balance]: while the second-chance list holds fewer than S pages and the active
 *       list more than one, invalidate the active list's oldest page and append it to the
 *       second-chance list. The active list's newest page stays: it is the page whose
 *       reference is in progress (just brought in or rescued), and invalidating it would
 *       fault that very reference again.</li>
 *   <li>[add(pfn)]: append to the active list; balance.</li>
 *   <li>[softFault(pfn)]: a page of the second-chance list was referenced: move it to the
 *       active list's tail (its mapping is valid again); balance, which moves the active
 *       list's oldest page across.</li>
 *   <li>[evict()]: the second-chance list's head (then balance), or the active list's head
 *       when the second-chance list is empty.</li>
 *   <li>[remove(pfn)]: unlink; balance.</li>
 *   <li>[candidates]: the second-chance list from its head, or the active list's when it
 *       is empty: the next victims in order, as far as the list goes.</li>
 * </ul>
 * Every step moves at most one page: O(1). With S = 0 nothing is ever invalidated and the
 * policy is FIFO. With S at least the resident set (or 100%) every page but the one
 * referenced last is invalid, so the second-chance list holds all the others in the order of
 * their last reference, the victim is always the least recently used page, and the policy
 * faults in pages exactly as LRU does, at the price of a soft fault on nearly every
 * reference.
 *
 * <p>[1] H. M. Levy and P. H. Lipman, "Virtual memory management in the VAX/VMS operating
 * system", IEEE Computer 15(3), 1982. [2] R. Turner and H. Levy, "Segmented FIFO page
 * replacement", SIGMETRICS 1981.
 */
final class VmsPolicy implements ReplacementPolicy {
    static final int ACTIVE = 0;
    static final int SECOND_CHANCE = 1;

    private final PageLists lists;
    private final PageReferences refs;
    /** S in pages, or −1 when given as a percentage. */
    private final long pages;
    /** S as a percentage of the pages held, when {@link #pages} is −1. */
    private final int percent;

    /**
     * @param pages the second-chance list's size in pages, or −1 to use {@code percent}
     * @param percent its size as a percentage (0-100) of the pages held
     */
    VmsPolicy(long nrFrames, PageReferences refs, long pages, int percent) {
        if (pages < -1 || (pages == -1 && (percent < 0 || percent > 100))) {
            throw new IllegalArgumentException("second-chance: " + (pages == -1 ? percent + "%" : pages + " pages")
                + " (expected: 0 or more pages, or 0%-100%)");
        }
        this.lists = new PageLists("VMS", nrFrames, "active", "second-chance");
        this.refs = refs;
        this.pages = pages;
        this.percent = percent;
    }

    private long target() {
        return pages >= 0 ? pages : (size() * percent + 99) / 100;
    }

    private void balance() {
        long target = target();
        while (lists.size(SECOND_CHANCE) < target && lists.size(ACTIVE) > 1) {
            long pfn = lists.head(ACTIVE);
            lists.moveToTail(pfn, SECOND_CHANCE);
            refs.invalidate(pfn);
        }
    }

    @Override
    public void add(long pfn) {
        lists.addTail(ACTIVE, pfn);
        balance();
    }

    @Override
    public void softFault(long pfn) {
        if (lists.listOf(pfn) == SECOND_CHANCE) {
            lists.moveToTail(pfn, ACTIVE);
            balance();
        }
    }

    @Override
    public void remove(long pfn) {
        lists.unlink(pfn, "remove");
        balance();
    }

    @Override
    public long evict() {
        long victim = lists.pollHead(SECOND_CHANCE);
        if (victim < 0) {
            return lists.pollHead(ACTIVE);
        }
        // a batch of evictions (kswapd, or reclaim of another process's set) must not drain
        // the second-chance list: refill it, so the next victim has had its second chance too
        balance();
        return victim;
    }

    /** {@inheritDoc} Here the head of the list {@link #evict} takes from. */
    @Override
    public int candidates(long[] out, int max) {
        return lists.peek(lists.size(SECOND_CHANCE) > 0 ? SECOND_CHANCE : ACTIVE, out, max);
    }

    /** The list a page is on ({@link #ACTIVE}, {@link #SECOND_CHANCE}), −1 for none (for tests). */
    int listOf(long pfn) {
        return lists.listOf(pfn);
    }

    long secondChanceSize() {
        return lists.size(SECOND_CHANCE);
    }

    @Override
    public long size() {
        return lists.size(ACTIVE) + lists.size(SECOND_CHANCE);
    }

    /** The lists, and that the second-chance list is filled up to S whenever the active list can give a page. */
    @Override
    public void verify() {
        lists.verify();
        if (lists.size(ACTIVE) > 1 && lists.size(SECOND_CHANCE) < target()) {
            throw new IllegalStateException("VMS: second-chance list holds " + lists.size(SECOND_CHANCE)
                + " pages (expected: " + target() + ") while the active list holds " + lists.size(ACTIVE)
                + ", oldest " + Page.hex(lists.head(ACTIVE)));
        }
    }
}
