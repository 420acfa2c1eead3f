package dev.mmkit.buddy.fit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.page.Gfp;
import dev.mmkit.api.page.Zone;
import dev.mmkit.machine.StandaloneMachine;
import org.junit.jupiter.api.Test;

// Why: the extent allocators must cut aligned blocks, coalesce on free and report nr_free as aligned blocks.
class FitAllocatorTest {
    private static FitAllocator fit(String impl, int frames) {
        StandaloneMachine machine = StandaloneMachine.builder(StandaloneMachine.config("mmkit.machine { memory.size = "
                + frames * 4 + "KiB, zones = [{ name = Normal }], page-allocator { max-order = 5, min-free-kbytes = 0 } }"))
            .pageAllocator(m -> (impl.equals("first-fit") ? new FirstFitProvider() : impl.equals("best-fit")
                ? new BestFitProvider() : new WorstFitProvider()).create(m.settings().getBlock("page-allocator"), m))
            .build();
        return (FitAllocator) machine.pageAllocator();
    }

    @Test
    void alignedBlocksAreCutOutOfExtentsAndCoalescedBack() {
        FitAllocator fit = fit("first-fit", 32);
        Zone zone = fit.zones().get(1);
        assertThat(fit.nrExtents(1)).isEqualTo(1);
        long a = fit.allocPages(Gfp.GFP_KERNEL, 0);
        long b = fit.allocPages(Gfp.GFP_KERNEL, 2);
        // a = 0; b must be aligned to 4, so it skips 1-3: extents [1, 4) and [8, 32)
        assertThat(a).isZero();
        assertThat(b).isEqualTo(4);
        assertThat(fit.nrExtents(1)).isEqualTo(2);
        // [1, 4) is cut as 1 (order 0) + 2-3 (order 1); [8, 32) as 8-15 (order 3) + 16-31 (order 4)
        assertThat(new long[] {zone.nrFree(0), zone.nrFree(1), zone.nrFree(2), zone.nrFree(3), zone.nrFree(4)})
            .containsExactly(1, 1, 0, 1, 1);
        fit.verify();
        fit.freePages(b, 2);
        assertThat(fit.nrExtents(1)).isEqualTo(1);
        fit.verify();
        fit.freePages(a, 0);
        assertThat(fit.nrExtents(1)).isEqualTo(1);
        assertThat(zone.nrFree(4)).isEqualTo(2);
        assertThat(zone.freePages()).isEqualTo(32);
        fit.verify();
    }

    @Test
    void policiesAreNamedAsConfigured() {
        assertThat(fit("first-fit", 16).policy()).isEqualTo(FitAllocator.Policy.FIRST_FIT);
        assertThat(fit("best-fit", 16).policy().configName).isEqualTo("best-fit");
        assertThat(fit("worst-fit", 16).policy().configName).isEqualTo("worst-fit");
        assertThat(FitAllocator.bytesPerFrame()).isLessThanOrEqualTo(16);
    }

    @Test
    void worstFitSpreadsBestFitPacks() {
        FitAllocator best = fit("best-fit", 32);
        FitAllocator worst = fit("worst-fit", 32);
        for (FitAllocator fit : new FitAllocator[] {best, worst}) {
            for (int i = 0; i < 8; i++) {
                fit.allocPages(Gfp.GFP_KERNEL, 2);
            }
            // holes of 4 pages at 0 and of 8 pages at 16
            fit.freePages(0, 2);
            fit.freePages(16, 2);
            fit.freePages(20, 2);
        }
        assertThat(best.allocPages(Gfp.GFP_KERNEL, 0)).isEqualTo(0);
        assertThat(worst.allocPages(Gfp.GFP_KERNEL, 0)).isEqualTo(16);
        best.verify();
        worst.verify();
    }
}
