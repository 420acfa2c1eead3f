package dev.mmkit.workload;

import java.util.random.RandomGenerator;

/**
 * Phases of locality (Denning's working-set model [1]): the run is cut into {@code phases}
 * equal phases; during phase {@code p} references fall uniformly on a working set of
 * {@code working-set} consecutive pages starting at page {@code (p × shift) mod pages} of
 * the region (wrapping around). Between phases the working set moves by {@code shift}
 * pages, so a policy must let the old set go and fault the new one in: the page-fault rate
 * spikes at each phase change and settles once the new set is resident.
 *
 * <p>[1] P. J. Denning, "The working set model for program behavior", CACM 11(5), 1968.
 */
final class PhasedWorkload extends SyntheticWorkload {
    private final long phases;
    private final long workingSet;
    private final long shift;
    private final long perPhase;
    private long currentPhase;
    private long currentStart;

    PhasedWorkload(long pages, long references, double writeRatio, long phases, long workingSet, long shift,
                   RandomGenerator random) {
        super("phased", pages, references, writeRatio, random);
        this.phases = phases;
        this.workingSet = workingSet;
        this.shift = shift;
        this.perPhase = Math.max(1, (references + phases - 1) / phases);
    }

    /** The first page of the working set of phase {@code phase} (0-based). */
    long phaseStart(long phase) {
        long start = 0;
        long step = shift % pages;
        for (long p = Math.min(phase, phases - 1); p > 0; p--) {
            start += step;
            if (start >= pages) {
                start -= pages;
            }
        }
        return start;
    }

    @Override
    long nextOffset(long i) {
        long phase = Math.min(i / perPhase, phases - 1);
        if (i == 0) {
            currentPhase = 0;
            currentStart = 0;
        } else if (phase != currentPhase) {
            currentPhase = phase;
            currentStart += shift % pages;
            if (currentStart >= pages) {
                currentStart -= pages;
            }
        }
        long page = currentStart + random.nextLong(workingSet);
        if (page >= pages) {
            page -= pages;
        }
        return pageOffset(page);
    }
}
