package dev.mmkit.buddy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.page.Fragmentation;
import dev.mmkit.api.page.Gfp;
import dev.mmkit.api.page.Zone;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

// Why: buddyinfo's nr_free and the fragmentation indices after known sequences, against numbers worked by hand.
class FragmentationTest {
    private static long[] nrFree(Zone zone, int maxOrder) {
        long[] n = new long[maxOrder];
        for (int order = 0; order < maxOrder; order++) {
            n[order] = zone.nrFree(order);
        }
        return n;
    }

    @Test
    void bootMemoryIsCutIntoMaximalBlocks() {
        BuddyAllocator buddy = TestMachines.buddy("");
        // DMA 4096 pages = 4 blocks of order 10, Normal 12288 = 12
        assertThat(nrFree(buddy.zones().get(0), 11)).containsExactly(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4);
        assertThat(nrFree(buddy.zones().get(1), 11)).containsExactly(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 12);
        // a 100-page zone from pfn 0: 64 + 32 + 4
        BuddyAllocator odd = TestMachines.buddy(TestMachines.plain(100, 11));
        assertThat(nrFree(odd.zones().get(1), 11)).containsExactly(0, 0, 1, 0, 0, 1, 1, 0, 0, 0, 0);
        odd.verify();
    }

    /**
     * 16 frames, orders 0-4. Allocating 16 single pages hands out pfns 0..15 in order;
     * freeing the odd ones leaves 8 free order-0 pages whose buddies are all allocated.
     * nr_free = [8, 0, 0, 0, 0], free = 8, blocks = 8.
     * unusable(0) = (8 - 8) / 8 = 0; unusable(1) = (8 - 0) / 8 = 1.000.
     * extfrag(1) = 1000 - (1000 + 8 * 1000 / 2) / 8 = 1000 - 5000 / 8 = 1000 - 625 = 375.
     * extfrag(2) = 1000 - (1000 + 8 * 1000 / 4) / 8 = 1000 - 3000 / 8 = 1000 - 375 = 625.
     * extfrag(0) = -1000: a page of order 0 is free.
     * Then freeing pfn 0 merges it with pfn 1: nr_free = [7, 1, 0, 0, 0], free = 9, blocks = 8.
     * unusable(1) = (9 - 2) / 9 = 0.777; extfrag(2) = 1000 - (1000 + 9000 / 4) / 8 = 1000 - 3250 / 8
     * = 1000 - 406 = 594.
     */
    @Test
    void checkerboardFragmentation() {
        BuddyAllocator buddy = TestMachines.buddy(TestMachines.plain(16, 5));
        Zone zone = buddy.zones().get(1);
        List<Long> pages = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            pages.add(buddy.allocPages(Gfp.GFP_KERNEL, 0));
            buddy.verify();
        }
        for (int i = 0; i < 16; i++) {
            assertThat(pages.get(i)).isEqualTo(i);
        }
        for (long pfn = 1; pfn < 16; pfn += 2) {
            buddy.freePages(pfn, 0);
            buddy.verify();
        }
        assertThat(nrFree(zone, 5)).containsExactly(8, 0, 0, 0, 0);
        assertThat(Fragmentation.unusableIndex(zone, 5, 0)).isEqualTo(0);
        assertThat(Fragmentation.unusableIndex(zone, 5, 1)).isEqualTo(1000);
        assertThat(Fragmentation.extfragIndex(zone, 5, 0)).isEqualTo(-1000);
        assertThat(Fragmentation.extfragIndex(zone, 5, 1)).isEqualTo(375);
        assertThat(Fragmentation.extfragIndex(zone, 5, 2)).isEqualTo(625);
        assertThat(Fragmentation.format(Fragmentation.extfragIndex(zone, 5, 1))).isEqualTo("0.375");

        buddy.freePages(0, 0);
        buddy.verify();
        assertThat(nrFree(zone, 5)).containsExactly(7, 1, 0, 0, 0);
        assertThat(Fragmentation.unusableIndex(zone, 5, 1)).isEqualTo(777);
        assertThat(Fragmentation.extfragIndex(zone, 5, 2)).isEqualTo(594);
        // the same sequence through first-fit: its free extents are single pages too, cut the same way
        var fit = TestMachines.allocator("first-fit", TestMachines.plain(16, 5));
        for (int i = 0; i < 16; i++) {
            fit.allocPages(Gfp.GFP_KERNEL, 0);
        }
        for (long pfn = 1; pfn < 16; pfn += 2) {
            fit.freePages(pfn, 0);
        }
        fit.freePages(0, 0);
        fit.verify();
        assertThat(nrFree(fit.zones().get(1), 5)).containsExactly(7, 1, 0, 0, 0);
        assertThat(Fragmentation.extfragIndex(fit.zones().get(1), 5, 2)).isEqualTo(594);
    }

    /**
     * Splitting from a full 16-frame zone: one order-0 allocation leaves one free block of
     * each order 0-3 (expand gives back 8, 4, 2 and 1): nr_free = [1, 1, 1, 1, 0].
     */
    @Test
    void expandGivesBackOneBlockPerOrder() {
        BuddyAllocator buddy = TestMachines.buddy(TestMachines.plain(16, 5));
        assertThat(buddy.allocPages(Gfp.GFP_KERNEL, 0)).isZero();
        assertThat(nrFree(buddy.zones().get(1), 5)).containsExactly(1, 1, 1, 1, 0);
        assertThat(buddy.allocPages(Gfp.GFP_KERNEL, 2)).isEqualTo(4);
        assertThat(nrFree(buddy.zones().get(1), 5)).containsExactly(1, 1, 0, 1, 0);
        buddy.verify();
    }
}
