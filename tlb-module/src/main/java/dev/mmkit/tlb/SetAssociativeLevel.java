package dev.mmkit.tlb;

/**
 * A set-associative TLB level: {@code sets × ways} entries; a page may live only in the
 * set its low page-number bits select, in any of that set's ways. The common shape of
 * real TLBs (Skylake's L1 dTLB: 64 entries, 4 ways; its STLB: 1536 entries, 12 ways).
 *
 * <pre>
 *   vaddr:  | page number ............ | set (log2 sets bits) | page offset |
 *                                        \______ index _______/
 *   set s:  [ way 0 | way 1 | ... | way W−1 ]   compare all W tags with the key
 * </pre>
 *
 * <h2>Algorithm</h2>
 * <ul>
 *   <li>[find]: {@code set = page number & (sets − 1)}; compare the W tags of the set with
 *       the key and the global key.</li>
 *   <li>[victim]: the set's first invalid way, else the replacement rule's choice among
 *       the set's ways. Pages whose numbers agree in their low bits compete for W ways even
 *       when other sets are empty: conflict misses.</li>
 * </ul>
 */
final class SetAssociativeLevel extends TlbLevel {
    private final Replacement rule;

    SetAssociativeLevel(String name, int sets, int ways, Replacement rule) {
        super(name, sets, ways);
        if (Integer.bitCount(sets) != 1) {
            throw new IllegalArgumentException("sets: " + sets + " (expected: a power of two)");
        }
        this.rule = rule;
    }

    /**
     * One compare per way with the ASID's key; the global key only while global entries
     * exist. Four ways (the common L1 shape) take {@link #find4}.
     */
    @Override
    int find(int set, long key, long globalKey) {
        if (ways == 4) {
            int slot = find4(set << 2, key);
            return slot >= 0 || nrGlobal == 0 ? slot : find4(set << 2, globalKey);
        }
        long[] tags = tag;
        int base = set << waysShift;
        int end = base + ways;
        int slot = base;
        // Four ways per step: the JIT does not unroll a loop that can exit early.
        for (; slot + 4 <= end; slot += 4) {
            if (tags[slot] == key) {
                return slot;
            }
            if (tags[slot + 1] == key) {
                return slot + 1;
            }
            if (tags[slot + 2] == key) {
                return slot + 2;
            }
            if (tags[slot + 3] == key) {
                return slot + 3;
            }
        }
        for (; slot < end; slot++) {
            if (tags[slot] == key) {
                return slot;
            }
        }
        if (nrGlobal != 0) {
            for (slot = base; slot < end; slot++) {
                if (tags[slot] == globalKey) {
                    return slot;
                }
            }
        }
        return -1;
    }

    /**
     * The 4-way search, unrolled: no loop, no tail, the set's base by a shift. A set holds
     * a tag at most once, so the first match is the only one. (Selecting the way without
     * branches, by arithmetic or conditional moves, was measured slower: the four compares
     * and their branches cost less than the extra work on every lookup, hit or miss.)
     */
    private int find4(int base, long key) {
        long[] tags = tag;
        if (tags[base] == key) {
            return base;
        }
        if (tags[base + 1] == key) {
            return base + 1;
        }
        if (tags[base + 2] == key) {
            return base + 2;
        }
        if (tags[base + 3] == key) {
            return base + 3;
        }
        return -1;
    }

    @Override
    int victim(int set) {
        return (set << waysShift) + rule.victim(set);
    }

    @Override
    void touched(int set, int slot) {
        rule.touch(set, slot);
    }

    @Override
    void filled(int set, int slot) {
        rule.fill(set, slot);
    }

    @Override
    String organisation() {
        return "set-associative";
    }

    @Override
    String replacement() {
        return rule.name();
    }
}
