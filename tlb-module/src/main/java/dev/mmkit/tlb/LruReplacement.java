package dev.mmkit.tlb;

/**
 * True least-recently-used replacement.
 *
 * <h2>Algorithm</h2>
 * The victim of a full set is the way used longest ago, a use being a hit or a fill.
 * Hardware rarely affords this for more than a few ways (it needs a full order of the
 * ways); it is the reference the approximations are measured against. Two forms keep the
 * same order:
 * <ul>
 *   <li>Timestamps (any number of ways): every slot keeps the time of its last use, from a
 *       counter that ticks once per use. [touch]/[fill]: {@code lastUse[slot] = ++clock}.
 *       [victim]: scan the set's ways, take the smallest {@code lastUse} (the lowest way
 *       on a tie, which only empty state can produce).</li>
 *   <li>4 ways: the set's order by last use packed in one byte ({@link WayOrder}).
 *       [touch]/[fill]: move the way to the front, one table load and one store
 *       (neither when the way is already at the front, which a test of the order's low
 *       two bits tells: the common case of a program using one page repeatedly).
 *       [victim]: the way at the back, no scan.</li>
 * </ul>
 * Both pick the same victims (ReplacementFastPathTest runs them side by side).
 */
final class LruReplacement extends Replacement {
    /** The timestamp form's state; null in the 4-way form. */
    private final long[] lastUse;
    private long clock;
    /** The 4-way form's state, one {@link WayOrder} per set; null in the timestamp form. */
    private final byte[] order;

    LruReplacement(int sets, int ways) {
        this(sets, ways, ways == WayOrder.WAYS);
    }

    /** @param packed the 4-way form (requires 4 ways) instead of timestamps */
    LruReplacement(int sets, int ways, boolean packed) {
        super(sets, ways);
        if (packed && ways != WayOrder.WAYS) {
            throw new IllegalArgumentException("ways: " + ways + " (expected: " + WayOrder.WAYS + " for the packed form)");
        }
        this.lastUse = packed ? null : new long[sets * ways];
        this.order = packed ? WayOrder.newSets(sets) : null;
    }

    @Override
    void touch(int set, int slot) {
        use(set, slot);
    }

    @Override
    void fill(int set, int slot) {
        use(set, slot);
    }

    private void use(int set, int slot) {
        byte[] o = order;
        if (o != null) {
            byte order = o[set];
            if (WayOrder.newest(order) != (slot & WayOrder.WAYS - 1)) {
                o[set] = WayOrder.toFront(order, slot);
            } // repeated hits on the set's newest way load no table entry and write nothing
        } else {
            lastUse[slot] = ++clock;
        }
    }

    @Override
    int victim(int set) {
        if (order != null) {
            return WayOrder.oldest(order[set]);
        }
        int base = set * ways;
        int victim = 0;
        long oldest = lastUse[base];
        for (int way = 1; way < ways; way++) {
            if (lastUse[base + way] < oldest) {
                oldest = lastUse[base + way];
                victim = way;
            }
        }
        return victim;
    }

    @Override
    String name() {
        return "lru";
    }
}
