package dev.mmkit.buddy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mmkit.api.machine.MemMap;
import dev.mmkit.api.machine.VmItem;
import dev.mmkit.api.page.Gfp;
import dev.mmkit.api.page.PageAllocator;
import dev.mmkit.api.page.Watermark;
import dev.mmkit.api.page.Zone;
import dev.mmkit.machine.StandaloneMachine;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

// Why: the GFP flags decide who may block, who may dip into the reserve and when kswapd wakes (issue 3).
class GfpTest {
    /** One Normal zone of 256 pages, min 64, low 96, high 128, no per-CPU lists. */
    private static final String MACHINE = "mmkit.machine { memory.size = 1MiB, zones = [{ name = Normal }],"
        + " page-allocator { pcp.high = 0, watermarks { Normal { min = 64, low = 96, high = 128 } } } }";

    private RecordingReclaim reclaim;
    private StandaloneMachine machine;
    private BuddyAllocator buddy;
    private Zone normal;

    @BeforeEach
    void setUp() {
        reclaim = new RecordingReclaim();
        machine = TestMachines.machine(MACHINE, reclaim);
        reclaim.machine = machine;
        buddy = TestMachines.buddy(machine);
        normal = buddy.zones().get(1);
    }

    /** Allocates order-0 pages with GFP_KERNEL until the zone has {@code free} free pages. */
    private void fillTo(long free) {
        while (normal.freePages() > free) {
            long pfn = buddy.allocPages(Gfp.GFP_KERNEL, 0);
            assertThat(pfn).isNotNegative();
            reclaim.reclaimable.add(pfn);
            buddy.verify();
        }
    }

    @Test
    void kswapdIsWokenOnlyOnceTheZoneIsAtOrBelowLow() {
        assertThat(normal.watermark(Watermark.LOW)).isEqualTo(96);
        // The fast path needs free - 2^0 + 1 > low: it serves pages while free > 96.
        fillTo(96);
        assertThat(reclaim.wakeups).isEmpty();
        assertThat(buddy.allocPages(Gfp.GFP_KERNEL, 0)).isNotNegative();
        assertThat(reclaim.wakeups).containsExactly("Normal/0");
        assertThat(reclaim.directGfps).isEmpty();
        buddy.verify();
    }

    @Test
    void withoutKswapdReclaimFlagNobodyIsWoken() {
        fillTo(80);
        reclaim.wakeups.clear();
        assertThat(buddy.allocPages(Gfp.__GFP_IO, 0)).isNotNegative();
        assertThat(reclaim.wakeups).isEmpty();
    }

    @Test
    void nowaitGetsNoReserveAndNeverReclaims() {
        fillTo(65);
        // min 64: free 65 > 64 still passes, free 64 does not.
        assertThat(buddy.allocPages(Gfp.GFP_NOWAIT, 0)).isNotNegative();
        assertThat(buddy.allocPages(Gfp.GFP_NOWAIT, 0)).isEqualTo(PageAllocator.NO_PAGE);
        assertThat(normal.freePages()).isEqualTo(64);
        assertThat(reclaim.directGfps).isEmpty();
        assertThat(reclaim.wakeups).isNotEmpty();
        buddy.verify();
    }

    @Test
    void atomicDipsBelowMinByHalfAndAQuarterButNeverBlocks() {
        fillTo(64);
        // ALLOC_HIGH: min - min/2 = 64 - 32 = 32; ALLOC_HARDER: 32 - 32/4 = 24.
        // __zone_watermark_ok passes while free > 24: 64 - 24 = 40 pages.
        int served = 0;
        while (buddy.allocPages(Gfp.GFP_ATOMIC, 0) >= 0) {
            served++;
            buddy.verify();
        }
        assertThat(served).isEqualTo(40);
        assertThat(normal.freePages()).isEqualTo(24);
        assertThat(reclaim.directGfps).isEmpty();
    }

    @Test
    void highPriorityThatMayBlockGetsOnlyHalfTheReserve() {
        fillTo(64);
        reclaim.reclaimable.clear();
        // ALLOC_HIGH only (the caller may block, so no ALLOC_HARDER): 64 - 32 = 32, so 32 pages.
        int served = 0;
        while (buddy.allocPages(Gfp.GFP_KERNEL | Gfp.__GFP_HIGH, 0) >= 0) {
            served++;
        }
        assertThat(served).isEqualTo(32);
        buddy.verify();
    }

    @Test
    void blockingAllocationBelowMinReclaimsDirectlyAndSucceeds() {
        fillTo(64);
        long pfn = buddy.allocPages(Gfp.GFP_KERNEL, 0);
        assertThat(pfn).isNotNegative();
        assertThat(reclaim.directGfps).containsExactly(Gfp.GFP_KERNEL);
        // reclaim freed 4, the allocation took 1
        assertThat(normal.freePages()).isEqualTo(67);
        buddy.verify();
    }

    @Test
    void noioAndNofsPassTheirFlagsToReclaim() {
        fillTo(64);
        assertThat(buddy.allocPages(Gfp.GFP_NOIO, 0)).isNotNegative();
        fillTo(64);
        assertThat(buddy.allocPages(Gfp.GFP_NOFS, 0)).isNotNegative();
        assertThat(reclaim.directGfps).containsExactly(Gfp.GFP_NOIO, Gfp.GFP_NOFS);
        assertThat(Gfp.mayIo(reclaim.directGfps.get(0))).isFalse();
        assertThat(Gfp.mayFs(reclaim.directGfps.get(1))).isFalse();
        assertThat(Gfp.mayIo(reclaim.directGfps.get(1))).isTrue();
    }

    @Test
    void blockingAllocationFailsCleanlyWhenNothingIsReclaimed() {
        fillTo(64);
        reclaim.reclaimable.clear();
        assertThat(buddy.allocPages(Gfp.GFP_KERNEL, 0)).isEqualTo(PageAllocator.NO_PAGE);
        assertThat(reclaim.directGfps).hasSize(1);
        assertThat(normal.freePages()).isEqualTo(64);
        assertThat(buddy.allocFailures()).isEqualTo(1);
        buddy.verify();
    }

    @Test
    void reclaimThatClaimsProgressIsRetriedABoundedNumberOfTimes() {
        fillTo(64);
        reclaim.lie = true;
        assertThat(buddy.allocPages(Gfp.GFP_KERNEL, 0)).isEqualTo(PageAllocator.NO_PAGE);
        assertThat(reclaim.directGfps).hasSize(16);
        reclaim.directGfps.clear();
        assertThat(buddy.allocPages(Gfp.GFP_KERNEL | Gfp.__GFP_NORETRY, 0)).isEqualTo(PageAllocator.NO_PAGE);
        assertThat(reclaim.directGfps).hasSize(1);
    }

    @Test
    void nofailIgnoresTheWatermarksWhenReclaimFreesNothing() {
        fillTo(64);
        reclaim.reclaimable.clear();
        assertThat(buddy.allocPages(Gfp.GFP_KERNEL | Gfp.__GFP_NOFAIL, 0)).isNotNegative();
        assertThat(normal.freePages()).isEqualTo(63);
        while (buddy.allocPages(Gfp.GFP_KERNEL | Gfp.__GFP_NOFAIL, 0) >= 0 && normal.freePages() > 0) {
            buddy.verify();
        }
        assertThat(normal.freePages()).isZero();
        assertThatThrownBy(() -> buddy.allocPages(Gfp.GFP_KERNEL | Gfp.__GFP_NOFAIL, 0))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("__GFP_NOFAIL allocation of order 0");
        buddy.verify();
    }

    @Test
    void memallocIgnoresTheWatermarks() {
        fillTo(64);
        reclaim.reclaimable.clear();
        assertThat(buddy.allocPages(Gfp.GFP_NOWAIT | Gfp.__GFP_MEMALLOC, 0)).isNotNegative();
        assertThat(buddy.allocPages(Gfp.GFP_NOWAIT | Gfp.__GFP_MEMALLOC | Gfp.__GFP_NOMEMALLOC, 0))
            .isEqualTo(PageAllocator.NO_PAGE);
    }

    @Test
    void allocationSetsRefcountAndZeroesAndCounts() {
        MemMap memMap = machine.memMap();
        long pfn = buddy.allocPages(Gfp.GFP_KERNEL, 2);
        assertThat(memMap.refcount(pfn)).isEqualTo(1);
        for (long p = pfn; p < pfn + 4; p++) {
            machine.memory().writeLong(p << 12, 0xdeadbeefL);
        }
        buddy.freePages(pfn, 2);
        assertThat(memMap.refcount(pfn)).isZero();
        long again = buddy.allocPages(Gfp.GFP_KERNEL | Gfp.__GFP_ZERO, 2);
        assertThat(again).isEqualTo(pfn);
        for (long p = pfn; p < pfn + 4; p++) {
            assertThat(machine.memory().readLong(p << 12)).isZero();
        }
        assertThat(machine.vmstat().get(VmItem.PGALLOC_NORMAL)).isEqualTo(8);
        assertThat(machine.vmstat().get(VmItem.PGFREE)).isEqualTo(4);
        buddy.verify();
    }

    @Test
    void zonesFallBackHighMemToNormalToDmaAndNeverUpwards() {
        BuddyAllocator zoned = TestMachines.buddy("mmkit.machine { memory.size = 192KiB,"
            + " zones = [{ name = DMA, size = 64KiB }, { name = Normal, size = 64KiB }, { name = HighMem }],"
            + " page-allocator { max-order = 5, min-free-kbytes = 0, pcp.high = 0,"
            // HighMem's min would be clamp(16 / 1024, 32, 128) = 32 pages even with min-free-kbytes = 0
            + " watermarks { HighMem { min = 0, low = 0, high = 0 } } } }");
        StringBuilder zones = new StringBuilder();
        for (int i = 0; i < 16; i++) {
            zones.append(zoned.zoneOf(zoned.allocPages(Gfp.GFP_KERNEL, 0)).name().charAt(0));
        }
        // GFP_KERNEL prefers Normal, falls back to DMA: 16 Normal then 0 left for DMA in this loop
        assertThat(zones.toString()).isEqualTo("NNNNNNNNNNNNNNNN");
        assertThat(zoned.zoneOf(zoned.allocPages(Gfp.GFP_KERNEL, 0)).name()).isEqualTo("DMA");
        assertThat(zoned.zoneOf(zoned.allocPages(Gfp.GFP_HIGHUSER_MOVABLE, 4)).name()).isEqualTo("HighMem");
        // HighMem and Normal are full: HighMem falls back past Normal down to DMA (pfn 0 taken, 8-15 free)
        assertThat(zoned.allocPages(Gfp.GFP_HIGHUSER_MOVABLE, 3)).isEqualTo(8);
        assertThat(zoned.zoneOf(zoned.allocPages(Gfp.GFP_HIGHUSER, 2)).name()).isEqualTo("DMA");
        // DMA has 16 - 1 - 8 - 4 = 3 pages left; GFP_DMA takes them and nothing more
        int dma = 0;
        while (zoned.allocPages(Gfp.GFP_DMA, 0) >= 0) {
            dma++;
        }
        assertThat(dma).isEqualTo(3);
        assertThat(machine(zoned).vmstat().get(VmItem.PGALLOC_HIGH)).isEqualTo(16);
        assertThat(machine(zoned).vmstat().get(VmItem.PGALLOC_NORMAL)).isEqualTo(16);
        assertThat(machine(zoned).vmstat().get(VmItem.PGALLOC_DMA)).isEqualTo(16);
        assertThat(zoned.allocPages(Gfp.GFP_KERNEL, 0)).isEqualTo(PageAllocator.NO_PAGE);
        zoned.verify();
    }

    private static dev.mmkit.api.machine.Machine machine(BuddyAllocator allocator) {
        return allocator.machine;
    }

    @Test
    void fallbackIsATable() {
        assertThat(ZonedPageAllocator.ZONELIST).isDeepEqualTo(new int[][] {{0}, {1, 0}, {2, 1, 0}});
    }

    @Test
    void emptyPreferredZoneFallsBack() {
        // The default machine has HighMem of size 0: GFP_HIGHUSER is served from Normal.
        BuddyAllocator plain = TestMachines.buddy("");
        assertThat(plain.zones().get(2).presentPages()).isZero();
        assertThat(plain.zoneOf(plain.allocPages(Gfp.GFP_HIGHUSER, 0)).name()).isEqualTo("Normal");
        plain.verify();
    }
}
