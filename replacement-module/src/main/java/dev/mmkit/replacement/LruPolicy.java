package dev.mmkit.replacement;

import dev.mmkit.api.machine.Characteristic;
import dev.mmkit.api.replacement.ReplacementPolicy;
import java.util.Set;

/**
 * Perfect LRU: the victim is the page whose last reference is the oldest. Real hardware
 * cannot afford it (it would reorder a list on every memory reference), so it declares
 * {@link Characteristic#EVERY_REFERENCE} and the machine reports every reference, hit or
 * fault. It is the yardstick the clock family approximates, and a stack algorithm: more
 * frames never cause more faults (no Belady anomaly).
 *
 * <h2>Layout</h2>
 * One list of {@link PageLists}, least recently used at the head, most recently used at the
 * tail:
 * <pre>
 *   head (LRU) ──► a ──► b ──► c ◄── tail (MRU)
 * </pre>
 *
 * <h2>Algorithm</h2>
 * <ul>
 *   <li>[add(pfn)]: append at the tail (the page was referenced just now: the fault that
 *       brought it in).</li>
 *   <li>[referenced(pfn)]: unlink and append at the tail; O(1), nothing allocated.</li>
 *   <li>[evict()]: take the head.</li>
 *   <li>[remove(pfn)]: unlink wherever it is.</li>
 *   <li>[candidates]: the list from its head, the next victims in order.</li>
 * </ul>
 * Golden figures: 1,2,3,4,1,2,5,1,2,3,4,5 faults 10 times with 3 frames; Silberschatz's
 * 7,0,1,2,0,3,0,4,2,3,0,3,2,1,2,0,1,7,0,1 faults 12 times with 3 frames.
 */
final class LruPolicy implements ReplacementPolicy {
    private static final int LRU = 0;
    private final PageLists lists;

    LruPolicy(long nrFrames) {
        this.lists = new PageLists("LRU", nrFrames, "lru");
    }

    @Override
    public Set<Characteristic> characteristics() {
        return Set.of(Characteristic.EVERY_REFERENCE);
    }

    @Override
    public void add(long pfn) {
        lists.addTail(LRU, pfn);
    }

    @Override
    public void remove(long pfn) {
        lists.unlink(pfn, "remove");
    }

    @Override
    public void referenced(long pfn, long nextAccess) {
        if (lists.listOf(pfn) == LRU && lists.tail(LRU) != pfn) {
            lists.moveToTail(pfn, LRU);
        }
    }

    @Override
    public long evict() {
        return lists.pollHead(LRU);
    }

    /** {@inheritDoc} Here the least recently used first. */
    @Override
    public int candidates(long[] out, int max) {
        return lists.peek(LRU, out, max);
    }

    @Override
    public long size() {
        return lists.size(LRU);
    }

    @Override
    public void verify() {
        lists.verify();
    }
}
