package dev.mmkit.tlb;

/**
 * A fully associative TLB level: one set, every entry a candidate for every page. The
 * organisation of the classic TLBs (MIPS R3000: 64 entries; most L1 TLBs of the 1990s), as
 * content-addressable memory that compares all tags at once.
 *
 * <pre>
 *   [ entry 0 | entry 1 | ... | entry N−1 ]   hardware: compare all N tags with the key
 *
 *   index: open-addressing table, 4·N buckets (rounded to a power of two), each holding
 *          slot + 1 or 0; bucket = hash(tag) &amp; mask, linear probing
 * </pre>
 *
 * <h2>Algorithm</h2>
 * Hardware compares every tag in parallel; a software scan of N tags would cost N compares,
 * so the level keeps a hash index from tag to slot, the software form of a CAM.
 * <ul>
 *   <li>[find]: probe the index for the key, then for the global key.</li>
 *   <li>[placed(slot)]: add the slot under its tag.</li>
 *   <li>[removing(slot)]: remove it with backward-shift deletion (Knuth's Algorithm R), so
 *       no probe sequence is broken and no tombstones accumulate.</li>
 *   <li>[victim]: the first invalid entry, else the replacement rule's choice among all
 *       entries. There are no conflict misses: only capacity misses.</li>
 * </ul>
 */
final class FullyAssociativeLevel extends TlbLevel {
    private final Replacement rule;
    private final int[] index;
    private final int indexMask;

    FullyAssociativeLevel(String name, int entries, Replacement rule) {
        super(name, 1, entries);
        this.rule = rule;
        this.index = new int[Integer.highestOneBit(entries) * 4];
        this.indexMask = index.length - 1;
    }

    private int bucket(long tag) {
        long h = tag * 0x9E3779B97F4A7C15L;
        return (int) (h >>> 40) & indexMask;
    }

    @Override
    int find(int set, long key, long globalKey) {
        int slot = indexed(key);
        return slot >= 0 ? slot : indexed(globalKey);
    }

    private int indexed(long key) {
        int[] idx = index;
        for (int b = bucket(key);; b = (b + 1) & indexMask) {
            int e = idx[b];
            if (e == 0) {
                return -1;
            }
            if (tag[e - 1] == key) {
                return e - 1;
            }
        }
    }

    @Override
    void placed(int slot) {
        int b = bucket(tag[slot]);
        while (index[b] != 0) {
            b = (b + 1) & indexMask;
        }
        index[b] = slot + 1;
    }

    @Override
    void removing(int slot) {
        int hole = bucket(tag[slot]);
        while (index[hole] != slot + 1) {
            hole = (hole + 1) & indexMask;
        }
        index[hole] = 0;
        for (int b = (hole + 1) & indexMask; index[b] != 0; b = (b + 1) & indexMask) {
            int home = bucket(tag[index[b] - 1]);
            // Move the entry back into the hole unless its home lies cyclically in (hole, b].
            boolean homeBetween = hole <= b ? hole < home && home <= b : hole < home || home <= b;
            if (!homeBetween) {
                index[hole] = index[b];
                index[b] = 0;
                hole = b;
            }
        }
    }

    @Override
    void verifyOrganisation() {
        int indexed = 0;
        for (int e : index) {
            if (e != 0) {
                indexed++;
                if (tag[e - 1] == 0) {
                    throw new IllegalStateException(name + ": index names empty slot " + (e - 1));
                }
            }
        }
        if (indexed != nrEntries()) {
            throw new IllegalStateException(name + ": " + indexed + " indexed entries (expected: " + nrEntries() + ")");
        }
        for (int slot = 0; slot < tag.length; slot++) {
            if (tag[slot] != 0 && indexed(tag[slot]) != slot) {
                throw new IllegalStateException(name + ": slot " + slot + ": " + TlbEntry.describe(tag[slot]) + " not found through the index");
            }
        }
    }

    @Override
    int victim(int set) {
        return rule.victim(0);
    }

    @Override
    void touched(int set, int slot) {
        rule.touch(0, slot);
    }

    @Override
    void filled(int set, int slot) {
        rule.fill(0, slot);
    }

    @Override
    String organisation() {
        return "fully-associative";
    }

    @Override
    String replacement() {
        return rule.name();
    }
}
