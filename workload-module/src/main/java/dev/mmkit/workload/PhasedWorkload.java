package dev.mmkit.workload;

import java.util.random.RandomGenerator;

/**
 * Phases of locality (Denning's working-set model [1]): the run is cut into {@code phases}
 * equal phases (reference {@code i} is in phase {@code floor(i × phases / references)}, so
 * their lengths differ by one at most, and with fewer references than phases the skipped
 * phases still move the set); during phase {@code p} references fall uniformly on a working
 * set of {@code working-set} consecutive pages starting at page {@code (p × shift) mod pages}
 * of the region (wrapping around). Between phases the working set moves by {@code shift}
 * pages, so a policy must let the old set go and fault the new one in: the page-fault rate
 * spikes at each phase change and settles once the new set is resident.
 *
 * <p>[1] P. J. Denning, "The working set model for program behavior", CACM 11(5), 1968.
 */
final class PhasedWorkload extends SyntheticWorkload {
    private final long phases;
    private final long workingSet;
    private final long shift;
    /** Reference i is in phase floor(i × phases / references): these step that quotient without overflow. */
    private final long phaseStep;
    private final long remainderStep;
    private long currentPhase;
    private long remainder;
    private long currentStart;

    PhasedWorkload(long pages, long references, double writeRatio, long phases, long workingSet, long shift,
                   RandomGenerator random) {
        super("phased", pages, references, writeRatio, random);
        this.phases = phases;
        this.workingSet = workingSet;
        this.shift = shift;
        this.phaseStep = references > 0 ? phases / references : 0;
        this.remainderStep = references > 0 ? phases % references : 0;
    }

    /** The first page of the working set of phase {@code phase} (0-based): (phase × shift) mod pages. */
    long phaseStart(long phase) {
        return mulMod(Math.min(phase, phases - 1) % pages, shift % pages, pages);
    }

    /** (a × b) mod m for 0 ≤ a, b < m, without overflow. */
    private static long mulMod(long a, long b, long m) {
        long r = 0;
        while (b > 0) {
            if ((b & 1) != 0) {
                r = r >= m - a ? r - (m - a) : r + a;
            }
            a = a >= m - a ? a - (m - a) : a + a;
            b >>>= 1;
        }
        return r;
    }

    @Override
    long nextOffset(long i) {
        // phase = floor(i × phases / references), remainder = (i × phases) mod references
        if (i == 0) {
            currentPhase = 0;
            remainder = 0;
            currentStart = 0;
        } else {
            long phase = currentPhase + phaseStep;
            if (remainder >= references - remainderStep) {
                remainder -= references - remainderStep;
                phase++;
            } else {
                remainder += remainderStep;
            }
            if (phase != currentPhase) {
                currentPhase = phase;
                currentStart = phaseStart(phase);
            }
        }
        long page = currentStart + random.nextLong(workingSet);
        if (page >= pages) {
            page -= pages;
        }
        return pageOffset(page);
    }
}
