package dev.mmkit.paging.mm;

import java.util.HashMap;
import java.util.Map;

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
 * As Linux's {@code swap_map}, one byte per slot says everything the fault and eviction
 * paths ask first about it: bits 0-5 the count of swap PTEs up to {@link #SWAP_MAP_MAX},
 * {@link #SWAP_HAS_CACHE} whether a page caches it, and (mmkit's own) {@code USED}, set
 * from allocation to release, because a slot may be in use with neither references nor a
 * cached page for a moment. A count above {@code SWAP_MAP_MAX} sets the count bits to
 * {@code COUNT_CONTINUED} and goes to a side table (Linux chains continuation pages
 * instead, {@code add_swap_count_continuation}); only a page shared by more than 62
 * processes gets there. The caching page's pfn is read from {@code cachePfn} only when
 * the byte says there is one. A major fault of a replay over a million pages thus reads
 * one byte of a megabyte-sized map where a word of an eight-megabyte one was read before
 * (5 bytes a slot in all instead of 8). The bitmap {@code used} duplicates the in-use bit
 * only so that the scan skips full words.
 */
final class SwapMap {
    /** The largest count the byte holds itself ({@code SWAP_MAP_MAX}). */
    private static final int SWAP_MAP_MAX = 0x3e;
    private static final int COUNT_MASK = 0x3f;
    /** The count bits' value when the count is in {@link #continued}. */
    private static final int COUNT_CONTINUED = 0x3f;
    private static final int SWAP_HAS_CACHE = 0x40;
    private static final int USED = 0x80;

    private final long nrSlots;
    private final long[] used;
    /** Per slot: count | SWAP_HAS_CACHE | USED, see the class comment. */
    private final byte[] map;
    /** Per slot: the pfn of the page caching it, meaningful only while its byte has SWAP_HAS_CACHE. */
    private final int[] cachePfn;
    /** The counts above SWAP_MAP_MAX, by slot. */
    private final Map<Integer, Integer> continued = new HashMap<>();
    private long cursor = 1;
    private long nrUsed;

    SwapMap(long nrSlots) {
        if (nrSlots < 0 || nrSlots > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("nrSlots: " + nrSlots + " (expected: 0-" + (Integer.MAX_VALUE - 8) + ")");
        }
        this.nrSlots = nrSlots;
        this.used = new long[(int) ((nrSlots + 63) >>> 6)];
        this.map = new byte[(int) nrSlots];
        this.cachePfn = new int[(int) nrSlots];
        if (nrSlots > 0) {
            used[0] |= 1L;
            map[0] = (byte) USED;
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
        map[(int) slot] = (byte) USED;
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
        int c = map[(int) slot] & COUNT_MASK;
        return c == COUNT_CONTINUED ? continued.get((int) slot) : c;
    }

    /** Adds {@code delta} to the slot's count of swap PTEs; returns the new count. */
    int addCount(long slot, int delta) {
        int e = entry(slot);
        long c = (long) count(slot) + delta;
        if (c < 0) {
            throw new IllegalStateException("swap slot " + slot + ": count below zero");
        }
        if (c > Integer.MAX_VALUE) {
            throw new IllegalStateException("swap slot " + slot + ": count above " + Integer.MAX_VALUE);
        }
        int bits;
        if (c > SWAP_MAP_MAX) {
            continued.put((int) slot, (int) c);
            bits = COUNT_CONTINUED;
        } else {
            if ((e & COUNT_MASK) == COUNT_CONTINUED) {
                continued.remove((int) slot);
            }
            bits = (int) c;
        }
        map[(int) slot] = (byte) ((e & ~COUNT_MASK) | bits);
        return (int) c;
    }

    /** The slot's byte as it is, or 0 for a slot outside the area: a read that changes nothing. */
    int peek(long slot) {
        return slot >= 0 && slot < nrSlots ? map[(int) slot] & 0xff : 0;
    }

    /** The pfn caching this slot, or −1. */
    long cachePfn(long slot) {
        return (map[(int) slot] & SWAP_HAS_CACHE) != 0 ? cachePfn[(int) slot] : -1L;
    }

    /** Records {@code pfn} as the page caching the slot, or none for −1. */
    void setCachePfn(long slot, long pfn) {
        int e = entry(slot);
        if (pfn < 0) {
            map[(int) slot] = (byte) (e & ~SWAP_HAS_CACHE);
        } else {
            cachePfn[(int) slot] = (int) pfn;
            map[(int) slot] = (byte) (e | SWAP_HAS_CACHE);
        }
    }

    /** Frees the slot if nothing refers to it any more; returns whether it was freed. */
    boolean freeIfUnused(long slot) {
        int e = entry(slot);
        if (e != USED) {
            return false;
        }
        map[(int) slot] = 0;
        used[(int) (slot >>> 6)] &= ~(1L << slot);
        nrUsed--;
        return true;
    }

    /** The slot's byte (unsigned), checked to be in use. */
    private int entry(long slot) {
        if (slot <= 0 || slot >= nrSlots) {
            throw new IllegalStateException("swap slot " + slot + ": not in use");
        }
        int e = map[(int) slot] & 0xff;
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
                    + " but the slot's byte says otherwise");
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
        for (Map.Entry<Integer, Integer> c : continued.entrySet()) {
            if ((map[c.getKey()] & COUNT_MASK) != COUNT_CONTINUED || c.getValue() <= SWAP_MAP_MAX) {
                throw new IllegalStateException("swap slot " + c.getKey() + ": continued count " + c.getValue()
                    + " but its byte says " + (map[c.getKey()] & COUNT_MASK));
            }
        }
    }

    int[] countsCopy() {
        int[] counts = new int[map.length];
        for (int s = 0; s < map.length; s++) {
            counts[s] = count(s);
        }
        return counts;
    }
}
