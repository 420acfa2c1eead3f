package dev.mmkit.buddy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import dev.mmkit.api.page.Gfp;
import dev.mmkit.api.page.Zone;
import dev.mmkit.machine.StandaloneMachine;
import org.junit.jupiter.api.Test;

// Why: merge = lazy must park frees unmerged, count the deferred work, and coalesce on demand and on the timer.
class LazyMergeTest {
    private static final String LAZY = "mmkit.machine { memory.size = 64KiB, zones = [{ name = Normal }],"
        + " page-allocator { max-order = 5, min-free-kbytes = 0, pcp.high = 0, merge = lazy, lazy-coalesce-period = 1ms } }";

    @Test
    void freesAreParkedAndCoalescedWhenAnAllocationNeedsIt() {
        BuddyAllocator buddy = TestMachines.buddy(LAZY);
        Zone zone = buddy.zones().get(1);
        long[] pages = new long[16];
        for (int i = 0; i < 16; i++) {
            pages[i] = buddy.allocPages(Gfp.GFP_KERNEL, 0);
        }
        for (long pfn : pages) {
            buddy.freePages(pfn, 0);
            buddy.verify();
        }
        // nothing merged: 16 single pages on free area 0
        assertThat(zone.nrFree(0)).isEqualTo(16);
        assertThat(zone.nrFree(4)).isZero();
        assertThat(buddy.deferredFrees()).isEqualTo(16);
        assertThat(buddy.deferredMerges()).isZero();
        // an order-4 request finds nothing, coalesces (8 + 4 + 2 + 1 = 15 merges) and succeeds
        assertThat(buddy.allocPages(Gfp.GFP_KERNEL, 4)).isZero();
        assertThat(buddy.deferredMerges()).isEqualTo(15);
        assertThat(buddy.coalesceRuns()).isEqualTo(1);
        assertThat(zone.freePages()).isZero();
        assertThat(buddy).hasToString("buddy max-order 5, merge lazy, free 0 pages, deferred frees 16,"
            + " deferred merges 15, coalesce runs 1, failed allocations 0");
        buddy.verify();
    }

    @Test
    void theClockTimerCoalescesInTheBackground() {
        StandaloneMachine machine = TestMachines.machine(LAZY, null);
        BuddyAllocator buddy = TestMachines.buddy(machine);
        Zone zone = buddy.zones().get(1);
        long a = buddy.allocPages(Gfp.GFP_KERNEL, 1);
        long b = buddy.allocPages(Gfp.GFP_KERNEL, 1);
        buddy.freePages(a, 1);
        buddy.freePages(b, 1);
        assertThat(zone.nrFree(1)).isEqualTo(2);
        machine.clock().advance(999_999);
        assertThat(buddy.coalesceRuns()).isZero();
        machine.clock().advance(1);
        assertThat(buddy.coalesceRuns()).isEqualTo(1);
        assertThat(zone.nrFree(1)).isZero();
        assertThat(zone.nrFree(4)).isEqualTo(1);
        buddy.verify();
    }

    @Test
    void eachZoneShowsItsOwnDeferredWorkForZoneinfo() {
        StandaloneMachine machine = TestMachines.machine("mmkit.machine { memory.size = 64KiB,"
            + " zones = [{ name = DMA, size = 32KiB }, { name = Normal }], page-allocator { max-order = 4,"
            + " min-free-kbytes = 0, pcp.high = 0, merge = lazy, lazy-coalesce-period = 1ms } }", null);
        BuddyAllocator buddy = TestMachines.buddy(machine);
        Zone dma = buddy.zones().get(0);
        Zone normal = buddy.zones().get(1);
        buddy.allocPages(Gfp.GFP_DMA, 0);
        long[] pages = new long[8];
        for (int i = 0; i < 8; i++) {
            pages[i] = buddy.allocPages(Gfp.GFP_KERNEL, 0);
            assertThat(buddy.zoneOf(pages[i])).isSameAs(normal);
        }
        for (long pfn : pages) {
            buddy.freePages(pfn, 0);
        }
        assertThat(normal.allocatorStats()).containsExactly(entry("buddy_deferred_frees", 8L),
            entry("buddy_deferred_merges", 0L), entry("buddy_coalesce_runs", 0L));
        // the timer coalesces Normal's 8 single pages: 4 + 2 + 1 merges into one order-3 block
        machine.clock().advance(1_000_000);
        assertThat(normal.nrFree(3)).isEqualTo(1);
        assertThat(normal.allocatorStats()).containsExactly(entry("buddy_deferred_frees", 8L),
            entry("buddy_deferred_merges", 7L), entry("buddy_coalesce_runs", 1L));
        // DMA deferred nothing
        assertThat(dma.allocatorStats()).containsExactly(entry("buddy_deferred_frees", 0L),
            entry("buddy_deferred_merges", 0L), entry("buddy_coalesce_runs", 0L));
        assertThat(buddy.deferredMerges()).isEqualTo(7);
        buddy.verify();
    }

    @Test
    void eagerMergeAddsNoZoneinfoLine() {
        BuddyAllocator buddy = TestMachines.buddy(TestMachines.plain(16, 5));
        assertThat(buddy.zones().get(1).allocatorStats()).isEmpty();
    }

    @Test
    void eagerMergeDefersNothing() {
        BuddyAllocator buddy = TestMachines.buddy(TestMachines.plain(16, 5));
        long a = buddy.allocPages(Gfp.GFP_KERNEL, 0);
        buddy.freePages(a, 0);
        assertThat(buddy.deferredFrees()).isZero();
        assertThat(buddy.zones().get(1).nrFree(4)).isEqualTo(1);
    }
}
