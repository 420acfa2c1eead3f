package dev.mmkit.tlb;

/**
 * True least-recently-used replacement.
 *
 * <h2>Algorithm</h2>
 * Every slot keeps the time of its last use, from a counter that ticks once per use (a
 * hit or a fill). The victim of a full set is the way with the smallest time: the one used
 * longest ago. Hardware rarely affords this for more than a few ways (it needs a full
 * order of the ways); it is the reference the approximations are measured against.
 *
 * <ul>
 *   <li>[touch]/[fill]: {@code lastUse[slot] = ++clock}.</li>
 *   <li>[victim]: scan the set's ways, take the smallest {@code lastUse} (the lowest way on
 *       a tie, which only empty state can produce).</li>
 * </ul>
 */
final class LruReplacement extends Replacement {
    private final long[] lastUse;
    private long clock;

    LruReplacement(int sets, int ways) {
        super(sets, ways);
        this.lastUse = new long[sets * ways];
    }

    @Override
    void touch(int slot) {
        lastUse[slot] = ++clock;
    }

    @Override
    void fill(int slot) {
        lastUse[slot] = ++clock;
    }

    @Override
    int victim(int set) {
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
