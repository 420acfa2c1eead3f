package dev.mmkit.testplugin;

import dev.mmkit.api.hw.Page;
import dev.mmkit.api.replacement.ReplacementPolicy;
import java.util.random.RandomGenerator;

/**
 * Random replacement: the victim is a resident page chosen uniformly at random.
 *
 * <h2>How it works</h2>
 * The resident pages sit densely in {@code pages[0 .. size)}; {@code slot[pfn]} holds the
 * page's index in that array plus one (0: not tracked). Every operation is O(1) and
 * allocates nothing:
 * <pre>
 *   pages:  [ 7 | 3 | 12 | 5 |   |   ]   size = 4
 *   slot:   slot[7] = 1, slot[3] = 2, slot[12] = 3, slot[5] = 4, others 0
 * </pre>
 * <ul>
 *   <li>add(pfn): append at {@code pages[size]}, {@code slot[pfn] = ++size}.</li>
 *   <li>remove(pfn): move the last page into the hole, fix its slot, shrink.</li>
 *   <li>evict(): {@code i = random.nextInt(size)}, remove {@code pages[i]} as above.</li>
 * </ul>
 * The random numbers come from the machine's one seeded generator, so a run is
 * reproducible. Random replacement needs no referenced bits: it is the baseline that a
 * policy using them must beat, and it suffers from Belady's anomaly.
 */
final class RandomPolicy implements ReplacementPolicy {
    private final RandomGenerator random;
    private final long[] pages;
    private final int[] slot;
    private int size;

    RandomPolicy(RandomGenerator random, long nrFrames) {
        if (nrFrames <= 0 || nrFrames > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("nrFrames: " + nrFrames + " (expected: 1-" + (Integer.MAX_VALUE - 8) + ")");
        }
        this.random = random;
        this.pages = new long[(int) nrFrames];
        this.slot = new int[(int) nrFrames];
    }

    private int index(long pfn) {
        if (pfn < 0 || pfn >= slot.length) {
            throw new IndexOutOfBoundsException("page " + Page.hex(pfn) + ": outside memory (0x0-" + Page.hex(slot.length - 1) + ")");
        }
        return (int) pfn;
    }

    @Override
    public void add(long pfn) {
        int i = index(pfn);
        if (slot[i] != 0) {
            throw new IllegalStateException("page " + Page.hex(pfn) + ": already tracked");
        }
        pages[size] = pfn;
        slot[i] = ++size;
    }

    @Override
    public void remove(long pfn) {
        int i = index(pfn);
        if (slot[i] == 0) {
            throw new IllegalStateException("page " + Page.hex(pfn) + ": not tracked");
        }
        removeAt(slot[i] - 1);
    }

    @Override
    public long evict() {
        if (size == 0) {
            return -1;
        }
        int at = random.nextInt(size);
        long victim = pages[at];
        removeAt(at);
        return victim;
    }

    private void removeAt(int at) {
        long pfn = pages[at];
        long last = pages[--size];
        pages[at] = last;
        slot[(int) last] = at + 1;
        slot[(int) pfn] = 0;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public void verify() {
        int tracked = 0;
        for (int pfn = 0; pfn < slot.length; pfn++) {
            if (slot[pfn] != 0) {
                tracked++;
                if (slot[pfn] > size || pages[slot[pfn] - 1] != pfn) {
                    throw new IllegalStateException("page " + Page.hex(pfn) + ": slot " + slot[pfn]
                        + " does not hold it (size " + size + ")");
                }
            }
        }
        if (tracked != size) {
            throw new IllegalStateException("random: " + tracked + " pages tracked, size says " + size);
        }
    }
}
