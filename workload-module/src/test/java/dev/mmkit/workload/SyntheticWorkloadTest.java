package dev.mmkit.workload;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.hw.Access;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

// Checks what each synthetic workload references, and that the same seed gives the same references.
class SyntheticWorkloadTest {
    private static final long BASE = SyntheticWorkload.BASE;

    private static List<Long> pages(FakeKernel kernel) {
        return kernel.refs.stream().map(r -> (r.vaddr() - BASE) >>> 12).collect(Collectors.toList());
    }

    @Test
    void sequentialScansWithItsStrideAndWraps() {
        FakeKernel kernel = new FakeKernel();
        new SequentialWorkload(2, 5, 0.0, 2048, new SplittableRandom(1)).run(kernel);
        assertThat(kernel.refs).extracting(FakeKernel.Ref::vaddr)
            .containsExactly(BASE, BASE + 2048, BASE + 4096, BASE + 6144, BASE);
        assertThat(kernel.calls).containsExactly("spawn sequential");
        assertThat(kernel.procs.get(1).admitAll).isTrue();
    }

    @Test
    void loopCyclesThroughThePages() {
        FakeKernel kernel = new FakeKernel();
        new LoopWorkload(3, 7, 0.0, new SplittableRandom(1)).run(kernel);
        assertThat(pages(kernel)).containsExactly(0L, 1L, 2L, 0L, 1L, 2L, 0L);
        assertThat(kernel.refs).allMatch(r -> r.access() == Access.READ);
    }

    @Test
    void uniformStaysInTheRegionAndCoversIt() {
        FakeKernel kernel = new FakeKernel();
        new UniformWorkload(16, 2000, 1.0, new SplittableRandom(3)).run(kernel);
        assertThat(pages(kernel)).allMatch(p -> p >= 0 && p < 16);
        assertThat(pages(kernel).stream().distinct().count()).isEqualTo(16);
        assertThat(kernel.refs).allMatch(r -> r.access() == Access.WRITE);
    }

    @Test
    void writeRatioIsHonoured() {
        FakeKernel kernel = new FakeKernel();
        new UniformWorkload(16, 20_000, 0.25, new SplittableRandom(3)).run(kernel);
        long writes = kernel.refs.stream().filter(r -> r.access() == Access.WRITE).count();
        // Binomial(20000, 0.25): mean 5000, standard deviation 61; five sigmas either way.
        assertThat(writes).isBetween(4695L, 5305L);
    }

    @Test
    void phasedMovesItsWorkingSet() {
        FakeKernel kernel = new FakeKernel();
        PhasedWorkload w = new PhasedWorkload(100, 400, 0.0, 4, 10, 30, new SplittableRandom(5));
        w.run(kernel);
        List<Long> pages = pages(kernel);
        for (int phase = 0; phase < 4; phase++) {
            long start = (phase * 30L) % 100;
            assertThat(pages.subList(phase * 100, phase * 100 + 100))
                .as("phase %s", phase)
                .allMatch(p -> (p - start + 100) % 100 < 10);
        }
        assertThat(w.phaseStart(3)).isEqualTo(90);
        // The working set wraps around the end of the region.
        PhasedWorkload wrap = new PhasedWorkload(100, 40, 0.0, 4, 20, 45, new SplittableRandom(5));
        assertThat(wrap.phaseStart(3)).isEqualTo(35);
    }

    @Test
    void zipfFavoursTheFirstPages() {
        FakeKernel kernel = new FakeKernel();
        new ZipfWorkload(1000, 20_000, 0.0, 1.0, new SplittableRandom(9)).run(kernel);
        long first = pages(kernel).stream().filter(p -> p == 0).count();
        // P(rank 1) = 1 / H(1000) = 0.1336: about 2672 of 20000.
        assertThat(first).isBetween(2400L, 2950L);
    }

    @Test
    void theSameSeedGivesTheSameReferences() {
        FakeKernel a = new FakeKernel();
        FakeKernel b = new FakeKernel();
        new ZipfWorkload(5000, 3000, 0.3, 0.9, new SplittableRandom(11)).run(a);
        new ZipfWorkload(5000, 3000, 0.3, 0.9, new SplittableRandom(11)).run(b);
        assertThat(a.refs).isEqualTo(b.refs);
        FakeKernel c = new FakeKernel();
        new ZipfWorkload(5000, 3000, 0.3, 0.9, new SplittableRandom(12)).run(c);
        assertThat(c.refs).isNotEqualTo(a.refs);
    }
}
