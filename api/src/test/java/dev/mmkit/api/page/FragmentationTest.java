package dev.mmkit.api.page;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

// The fragmentation indices against values worked out by hand from Linux's formulas (mm/vmstat.c).
class FragmentationTest {
    /** A zone whose free areas hold the given number of blocks per order. */
    private static Zone zone(long... nrFree) {
        return new Zone() {
            @Override public ZoneType type() { return ZoneType.NORMAL; }
            @Override public long startPfn() { return 0; }
            @Override public long spannedPages() { return 1024; }
            @Override public long presentPages() { return 1024; }
            @Override public long managedPages() { return 1024; }
            @Override public long freePages() {
                long free = 0;
                for (int o = 0; o < nrFree.length; o++) {
                    free += nrFree[o] << o;
                }
                return free;
            }
            @Override public long nrFree(int order) { return order < nrFree.length ? nrFree[order] : 0; }
            @Override public long watermark(Watermark mark) { return 0; }
            @Override public long perCpuPages() { return 0; }
            @Override public int perCpuHigh() { return 0; }
            @Override public int perCpuBatch() { return 0; }
        };
    }

    @Test
    void unusableIndex() {
        // 4 free order-0 blocks and 2 order-1 blocks: 8 free pages.
        Zone z = zone(4, 2, 0, 0);
        assertThat(Fragmentation.unusableIndex(z, 4, 0)).isEqualTo(0);      // all 8 usable
        assertThat(Fragmentation.unusableIndex(z, 4, 1)).isEqualTo(500);    // 4 of 8 in order-0 blocks
        assertThat(Fragmentation.unusableIndex(z, 4, 2)).isEqualTo(1000);   // nothing of order >= 2
        // mm/vmstat.c unusable_free_index: no free memory counts as all unusable
        assertThat(Fragmentation.unusableIndex(zone(0, 0, 0, 0), 4, 2)).isEqualTo(1000);
    }

    @Test
    void extfragIndex() {
        Zone z = zone(4, 2, 0, 0);
        // a block of order 1 is free: the request succeeds
        assertThat(Fragmentation.extfragIndex(z, 4, 1)).isEqualTo(-1000);
        // order 2: 1000 - (1000 + 8*1000/4) / 6 = 1000 - 3000/6 = 500
        assertThat(Fragmentation.extfragIndex(z, 4, 2)).isEqualTo(500);
        // order 3: 1000 - (1000 + 8*1000/8) / 6 = 1000 - 2000/6 = 667
        assertThat(Fragmentation.extfragIndex(z, 4, 3)).isEqualTo(667);
        assertThat(Fragmentation.extfragIndex(zone(0, 0, 0, 0), 4, 3)).isEqualTo(0);
    }

    @Test
    void formatsAsTheKernelPrints() {
        assertThat(Fragmentation.format(-1000)).isEqualTo("-1.000");
        assertThat(Fragmentation.format(993)).isEqualTo("0.993");
        assertThat(Fragmentation.format(0)).isEqualTo("0.000");
    }
}
