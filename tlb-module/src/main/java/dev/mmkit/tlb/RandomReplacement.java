package dev.mmkit.tlb;

import java.util.random.RandomGenerator;

/**
 * Random replacement, as the MIPS R3000's {@code tlbwr} does with its Random register: the
 * victim is a uniformly chosen way of the set. It keeps no state and has no pathological
 * reference pattern. The choice comes from the machine's seeded generator, so runs repeat.
 */
final class RandomReplacement extends Replacement {
    private final RandomGenerator random;

    RandomReplacement(int sets, int ways, RandomGenerator random) {
        super(sets, ways);
        this.random = random;
    }

    @Override
    void touch(int set, int slot) {
        // Random replacement ignores hits.
    }

    @Override
    void fill(int set, int slot) {
        // ...and fills.
    }

    @Override
    int victim(int set) {
        return ways == 1 ? 0 : random.nextInt(ways);
    }

    @Override
    String name() {
        return "random";
    }
}
