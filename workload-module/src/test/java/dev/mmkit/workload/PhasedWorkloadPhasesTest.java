package dev.mmkit.workload;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

// Checks the phased workload's promise "the run is cut into `phases` equal phases" (reference.conf: "references are split equally between them") when the phases do not divide the references: every phase runs, each with floor or ceil of references/phases, phase p on the working set at (p x shift) mod pages.
class PhasedWorkloadPhasesTest {
    /** The page of each reference, with a working set of one page: the phase's first page. */
    private static List<Long> pages(long pages, long references, long phases, long shift) {
        FakeKernel kernel = new FakeKernel();
        new PhasedWorkload(pages, references, 0.0, phases, 1, shift, new SplittableRandom(1)).run(kernel);
        List<Long> out = new ArrayList<>();
        for (FakeKernel.Ref r : kernel.refs) {
            out.add((r.vaddr() - SyntheticWorkload.BASE) >>> 12);
        }
        return out;
    }

    @Test
    void fortyPhasesOfAHundredReferencesAreFortyPhases() {
        // 100 references in 40 phases: 2 or 3 each. A phase length rounded up to 3 runs 34 phases (33 of 3, one of 1).
        List<Long> got = pages(1000, 100, 40, 1);
        for (int p = 0; p < 40; p++) {
            // reference i is in phase floor(40 i / 100): phase p has ceil(100 (p + 1) / 40) - ceil(100 p / 40) references
            long count = ((p + 1) * 100L + 39) / 40 - (p * 100L + 39) / 40;
            final long page = p;
            assertThat(got.stream().filter(x -> x == page).count()).as("references of phase %s", p).isEqualTo(count);
        }
    }

    @Test
    void everyConfiguredPhaseRuns() {
        // 10 references in 6 phases: the sixth phase (pages 5 x 7 = 35) must run too.
        assertThat(pages(100, 10, 6, 7)).containsExactly(0L, 0L, 7L, 7L, 14L, 21L, 21L, 28L, 28L, 35L);
    }

    @Test
    void moreReferencesThanPhasesStillSplitEqually() {
        // 1000 references in 3 phases: 334, 333, 333 (floor(3i / 1000)), not 334, 334, 332.
        List<Long> got = pages(100, 1000, 3, 10);
        long[] counts = new long[3];
        for (long page : got) {
            counts[(int) (page / 10)]++;
        }
        assertThat(counts).containsExactly(334, 333, 333);
    }

    @Test
    void moreReferencesThanPhasesMoveTheSetByTheirPhaseNumber() {
        // 3 references in 7 phases: reference i is in phase floor(7i/3) = 0, 2, 4, at pages 0, 2s, 4s.
        assertThat(pages(100, 3, 7, 5)).containsExactly(0L, 10L, 20L);
    }

    @Test
    void phaseStartIsPhaseTimesShiftModuloPages() {
        long pages = (1L << 36) - 5;
        long shift = (1L << 40) + 12345;
        PhasedWorkload w = new PhasedWorkload(pages, 100, 0.0, Long.MAX_VALUE, 1, shift, new SplittableRandom(1));
        for (long phase : new long[] {0, 1, 2, 999_983, 4_999_999}) {
            long want = java.math.BigInteger.valueOf(phase).multiply(java.math.BigInteger.valueOf(shift))
                .mod(java.math.BigInteger.valueOf(pages)).longValueExact();
            assertThat(w.phaseStart(phase)).as("phase %s", phase).isEqualTo(want);
        }
    }
}
