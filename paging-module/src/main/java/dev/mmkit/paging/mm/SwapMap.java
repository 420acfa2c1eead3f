package dev.mmkit.paging.mm;

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
 *
 * <h2>Layout</h2>
 * Everything the fault and eviction paths ask about one slot is one {@code long} of
 * {@code map} (Linux keeps the count and {@code SWAP_HAS_CACHE} in one {@code swap_map}
 * byte for the same reason): bits 0-30 the count of swap PTEs, bit 31 in use, bits 32-63
 * the caching pfn + 1 (0: none). A swap-in thus touches one host cache line per slot; the
 * bitmap {@code used} duplicates the in-use bit only so that the scan skips full words.
 */
final class SwapMap {
    private static final long COUNT_MASK = 0x7FFF_FFFFL;
    private static final long USED = 1L << 31;
    private static final int PFN_SHIFT = 32;

    private final long nrSlots;
    private final long[] used;
    /** Per slot: count | USED | (cached pfn + 1) << 32, see the class comment. */
    private final long[] map;
    private long cursor = 1;
    private long nrUsed;

    SwapMap(long nrSlots) {
        if (nrSlots < 0 || nrSlots > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("nrSlots: " + nrSlots + " (expected: 0-" + (Integer.MAX_VALUE - 8) + ")");
        }
        this.nrSlots = nrSlots;
        this.used = new long[(int) ((nrSlots + 63) >>> 6)];
        this.map = new long[(int) nrSlots];
        if (nrSlots > 0) {
            used[0] |= 1L;
            map[0] = USED;
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
        map[(int) slot] = USED;
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
        return slot > 0 && slot < nrSlots && (map[(int) slot] & USED) != 0;
    }

    int count(long slot) {
        return (int) (map[(int) slot] & COUNT_MASK);
    }

    /** Adds {@code delta} to the slot's count of swap PTEs; returns the new count. */
    int addCount(long slot, int delta) {
        long e = entry(slot);
        long c = (e & COUNT_MASK) + delta;
        if (c < 0) {
            throw new IllegalStateException("swap slot " + slot + ": count below zero");
        }
        if (c > COUNT_MASK) {
            throw new IllegalStateException("swap slot " + slot + ": count above " + COUNT_MASK);
        }
        map[(int) slot] = (e & ~COUNT_MASK) | c;
        return (int) c;
    }

    /** The slot's word as it is, or 0 for a slot outside the area: a read that changes nothing. */
    long word(long slot) {
        return slot >= 0 && slot < nrSlots ? map[(int) slot] : 0;
    }

    /** The pfn caching this slot, or −1. */
    long cachePfn(long slot) {
        return (map[(int) slot] >>> PFN_SHIFT) - 1L;
    }

    void setCachePfn(long slot, long pfn) {
        long e = entry(slot);
        map[(int) slot] = (e & (USED | COUNT_MASK)) | ((pfn + 1) << PFN_SHIFT);
    }

    /** Frees the slot if nothing refers to it any more; returns whether it was freed. */
    boolean freeIfUnused(long slot) {
        long e = entry(slot);
        if (e != USED) {
            return false;
        }
        map[(int) slot] = 0;
        used[(int) (slot >>> 6)] &= ~(1L << slot);
        nrUsed--;
        return true;
    }

    /** The slot's word, checked to be in use. */
    private long entry(long slot) {
        if (slot <= 0 || slot >= nrSlots) {
            throw new IllegalStateException("swap slot " + slot + ": not in use");
        }
        long e = map[(int) slot];
        if ((e & USED) == 0) {
            throw new IllegalStateException("swap slot " + slot + ": not in use");
        }
        return e;
    }

    /** Re-derives the used count from the bitmap and checks that unused slots hold nothing. */
    void verify() {
        long n = 0;
        for (long s = 1; s < nrSlots; s++) {
            boolean inBitmap = (used[(int) (s >>> 6)] & (1L << s)) != 0;
            if (inBitmap != ((map[(int) s] & USED) != 0)) {
                throw new IllegalStateException("swap slot " + s + ": bitmap says " + (inBitmap ? "used" : "free")
                    + " but the slot's word says otherwise");
            }
            if (inBitmap) {
                n++;
            } else if (map[(int) s] != 0) {
                throw new IllegalStateException("swap slot " + s + ": free but count " + count(s)
                    + ", cached pfn " + cachePfn(s));
            }
        }
        if (n != nrUsed) {
            throw new IllegalStateException("swap map: " + nrUsed + " slots counted used, bitmap has " + n);
        }
    }

    int[] countsCopy() {
        int[] counts = new int[map.length];
        for (int s = 0; s < map.length; s++) {
            counts[s] = (int) (map[s] & COUNT_MASK);
        }
        return counts;
    }
}
