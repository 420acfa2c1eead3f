package dev.mmkit.tlb;

/**
 * First-in, first-out replacement: the entry filled longest ago leaves, however often it
 * was hit since.
 *
 * <h2>Algorithm</h2>
 * Every slot keeps the time it was filled, from a counter that ticks once per fill. Hits
 * change nothing. The victim of a full set is the way with the smallest fill time. (With
 * invalid ways filled lowest first and no invalidation, this is a round-robin pointer per
 * set; fill times stay right when invalidations leave holes.)
 */
final class FifoReplacement extends Replacement {
    private final long[] filledAt;
    private long clock;

    FifoReplacement(int sets, int ways) {
        super(sets, ways);
        this.filledAt = new long[sets * ways];
    }

    @Override
    void touch(int slot) {
        // FIFO ignores hits.
    }

    @Override
    void fill(int slot) {
        filledAt[slot] = ++clock;
    }

    @Override
    int victim(int set) {
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
