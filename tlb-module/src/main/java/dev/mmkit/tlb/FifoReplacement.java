package dev.mmkit.tlb;

/**
 * First-in, first-out replacement: the entry filled longest ago leaves, however often it
 * was hit since.
 *
 * <h2>Algorithm</h2>
 * Hits change nothing. The victim of a full set is the way filled longest ago. (With
 * invalid ways filled lowest first and no invalidation, this is a round-robin pointer per
 * set; the order stays right when invalidations leave holes.) Two forms keep the same
 * order:
 * <ul>
 *   <li>Timestamps (any number of ways): every slot keeps the time it was filled, from a
 *       counter that ticks once per fill; the victim is the way with the smallest fill
 *       time.</li>
 *   <li>4 ways: the set's order by fill packed in one byte ({@link WayOrder}): a fill
 *       moves the way to the front, the victim is the way at the back.</li>
 * </ul>
 */
final class FifoReplacement extends Replacement {
    /** The timestamp form's state; null in the 4-way form. */
    private final long[] filledAt;
    private long clock;
    /** The 4-way form's state, one {@link WayOrder} per set; null in the timestamp form. */
    private final byte[] order;

    FifoReplacement(int sets, int ways) {
        this(sets, ways, ways == WayOrder.WAYS);
    }

    /** @param packed the 4-way form (requires 4 ways) instead of timestamps */
    FifoReplacement(int sets, int ways, boolean packed) {
        super(sets, ways);
        if (packed && ways != WayOrder.WAYS) {
            throw new IllegalArgumentException("ways: " + ways + " (expected: " + WayOrder.WAYS + " for the packed form)");
        }
        this.filledAt = packed ? null : new long[sets * ways];
        this.order = packed ? WayOrder.newSets(sets) : null;
    }

    @Override
    void touch(int set, int slot) {
        // FIFO ignores hits.
    }

    @Override
    void fill(int set, int slot) {
        byte[] o = order;
        if (o != null) {
            o[set] = WayOrder.toFront(o[set], slot);
        } else {
            filledAt[slot] = ++clock;
        }
    }

    @Override
    int victim(int set) {
        if (order != null) {
            return WayOrder.oldest(order[set]);
        }
        int base = set * ways;
        int victim = 0;
        long oldest = filledAt[base];
        for (int way = 1; way < ways; way++) {
            if (filledAt[base + way] < oldest) {
                oldest = filledAt[base + way];
                victim = way;
            }
        }
        return victim;
    }

    @Override
    String name() {
        return "fifo";
    }
}
