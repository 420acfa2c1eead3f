package dev.mmkit.paging.mm;

import java.util.Arrays;

/**
 * The slots of the swap area ({@code swap_info_struct}): which are in use, how many swap
 * PTEs refer to each ({@code swap_map}), and which resident page caches each (the swap
 * cache, Linux's {@code swapper_space}).
 *
 * <h2>Algorithm: [allocSlot()] ({@code scan_swap_map})</h2>
 * Slot 0 holds the swap header and is never handed out (a swap entry of slot 0 would also
 * be indistinguishable from {@code pte_none}). A bitmap marks used slots; a cursor
 * ({@code cluster_next}) remembers where the last search ended, so consecutive evictions
 * get consecutive slots and write sequentially. The search goes from the cursor to the
 * end, then wraps to 1, skipping whole 64-slot words that are full.
 *
 * <p>A slot is freed when no swap PTE refers to it and no page caches it.
 */
final class SwapMap {
    private final long nrSlots;
    private final long[] used;
    private final int[] count;
    private final int[] cachePfn;
    private long cursor = 1;
    private long nrUsed;

    SwapMap(long nrSlots) {
        if (nrSlots < 0 || nrSlots > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("nrSlots: " + nrSlots + " (expected: 0-" + (Integer.MAX_VALUE - 8) + ")");
        }
        this.nrSlots = nrSlots;
        this.used = new long[(int) ((nrSlots + 63) >>> 6)];
        this.count = new int[(int) nrSlots];
        this.cachePfn = new int[(int) nrSlots];
        if (nrSlots > 0) {
            used[0] |= 1L;
        }
    }

    long nrSlots() {
        return nrSlots;
    }

    /** Slots that can hold pages (the header excluded). */
    long totalPages() {
        return Math.max(0, nrSlots - 1);
    }

    long freePages() {
        return totalPages() - nrUsed;
    }

    /** A free slot, now in use with no references, or −1 when the area is full. */
    long allocSlot() {
        if (nrUsed >= totalPages()) {
            return -1;
        }
        long slot = scan(cursor, nrSlots);
        if (slot < 0) {
            slot = scan(1, cursor);
        }
        if (slot < 0) {
            throw new IllegalStateException("swap map: " + nrUsed + " of " + totalPages() + " slots used but none free found");
        }
        used[(int) (slot >>> 6)] |= 1L << slot;
        nrUsed++;
        cursor = slot + 1 >= nrSlots ? 1 : slot + 1;
        return slot;
    }

    private long scan(long from, long to) {
        long s = from;
        while (s < to) {
            long word = used[(int) (s >>> 6)];
            if (word == -1L) {
                s = (s | 63) + 1;
                continue;
            }
            if ((word & (1L << s)) == 0) {
                return s;
            }
            s++;
        }
        return -1;
    }

    boolean isUsed(long slot) {
        return slot > 0 && slot < nrSlots && (used[(int) (slot >>> 6)] & (1L << slot)) != 0;
    }

    int count(long slot) {
        return count[(int) slot];
    }

    void addCount(long slot, int delta) {
        check(slot);
        int c = count[(int) slot] + delta;
        if (c < 0) {
            throw new IllegalStateException("swap slot " + slot + ": count below zero");
        }
        count[(int) slot] = c;
    }

    /** The pfn caching this slot, or −1. */
    long cachePfn(long slot) {
        return cachePfn[(int) slot] - 1L;
    }

    void setCachePfn(long slot, long pfn) {
        check(slot);
        cachePfn[(int) slot] = (int) (pfn + 1);
    }

    /** Frees the slot if nothing refers to it any more; returns whether it was freed. */
    boolean freeIfUnused(long slot) {
        check(slot);
        if (count[(int) slot] != 0 || cachePfn[(int) slot] != 0) {
            return false;
        }
        used[(int) (slot >>> 6)] &= ~(1L << slot);
        nrUsed--;
        return true;
    }

    private void check(long slot) {
        if (!isUsed(slot)) {
            throw new IllegalStateException("swap slot " + slot + ": not in use");
        }
    }

    /** Re-derives the used count from the bitmap and checks that unused slots hold nothing. */
    void verify() {
        long n = 0;
        for (long s = 1; s < nrSlots; s++) {
            if (isUsed(s)) {
                n++;
            } else if (count[(int) s] != 0 || cachePfn[(int) s] != 0) {
                throw new IllegalStateException("swap slot " + s + ": free but count " + count[(int) s]
                    + ", cached pfn " + (cachePfn[(int) s] - 1));
            }
        }
        if (n != nrUsed) {
            throw new IllegalStateException("swap map: " + nrUsed + " slots counted used, bitmap has " + n);
        }
    }

    int[] countsCopy() {
        return Arrays.copyOf(count, count.length);
    }
}
