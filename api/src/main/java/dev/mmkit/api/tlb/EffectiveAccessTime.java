package dev.mmkit.api.tlb;

import dev.mmkit.api.machine.CostModel;

/**
 * The effective access time of the lecture: what one memory reference costs on average,
 * given how often the TLB hits.
 *
 * <pre>
 *   EAT = h × (tlb + memory) + (1 − h) × (tlb + walk × memory + memory)
 * </pre>
 *
 * where {@code h} is the hit ratio, {@code tlb} the time of a TLB lookup, {@code memory}
 * the time of one memory access and {@code walk} the number of page-table levels a miss
 * reads (1 for the textbook's single-level table, 4 for x86-64). Silberschatz, Galvin and
 * Gagne, <i>Operating System Concepts</i>, 8th ed., §8.4.2: 80 % hits, 20 ns TLB, 100 ns
 * memory give {@code 0.80 × 120 + 0.20 × 220 = 140 ns}. With demand paging, a fraction
 * {@code p} of references fault and cost the fault service time instead (§9.2.2):
 * {@code (1 − p) × EAT + p × fault}.
 */
public final class EffectiveAccessTime {
    private EffectiveAccessTime() {
    }

    /**
     * @param hitRatio fraction of references the TLB translates, 0 to 1
     * @param tlbNanos time of one TLB lookup
     * @param memoryNanos time of one memory access
     * @param walkLevels page-table reads of one walk, at least 1
     * @return the effective access time in nanoseconds
     */
    public static double nanos(double hitRatio, double tlbNanos, double memoryNanos, int walkLevels) {
        if (!(hitRatio >= 0 && hitRatio <= 1)) {
            throw new IllegalArgumentException("hitRatio: " + hitRatio + " (expected: 0-1)");
        }
        if (walkLevels < 1) {
            throw new IllegalArgumentException("walkLevels: " + walkLevels + " (expected: 1 or more)");
        }
        double hit = tlbNanos + memoryNanos;
        double miss = tlbNanos + walkLevels * memoryNanos + memoryNanos;
        return hitRatio * hit + (1 - hitRatio) * miss;
    }

    /** The effective access time with the machine's costs ({@code tlb-hit}, {@code memory}). */
    public static double nanos(double hitRatio, CostModel cost, int walkLevels) {
        return nanos(hitRatio, cost.tlbHit(), cost.memory(), walkLevels);
    }

    /** The effective access time of what {@code tlb} saw, or NaN when it saw no reference. */
    public static double nanos(Tlb tlb, CostModel cost, int walkLevels) {
        double ratio = hitRatio(tlb.hits(), tlb.misses());
        return Double.isNaN(ratio) ? Double.NaN : nanos(ratio, cost, walkLevels);
    }

    /** {@code hits / (hits + misses)}, or NaN when there were no references. */
    public static double hitRatio(long hits, long misses) {
        long references = hits + misses;
        return references == 0 ? Double.NaN : (double) hits / references;
    }

    /**
     * Adds page faults: a fraction {@code faultRate} of references pay {@code faultNanos}
     * instead of {@code eatNanos}.
     */
    public static double withFaults(double eatNanos, double faultRate, double faultNanos) {
        if (!(faultRate >= 0 && faultRate <= 1)) {
            throw new IllegalArgumentException("faultRate: " + faultRate + " (expected: 0-1)");
        }
        return (1 - faultRate) * eatNanos + faultRate * faultNanos;
    }
}
