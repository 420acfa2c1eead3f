package dev.mmkit.buddy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.machine.MemMap;
import dev.mmkit.api.machine.PageFlags;
import dev.mmkit.api.machine.VmItem;
import dev.mmkit.api.page.Gfp;
import dev.mmkit.api.page.Zone;
import dev.mmkit.machine.StandaloneMachine;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

// Why: the fast path (a page straight off the per-CPU list, a block off the free areas without the zonelist walk) must give what the general path would: same zone, same watermark, same block, same counters.
class PcpFastPathTest {
    /** DMA, Normal and HighMem of 256 pages each, two CPUs, per-CPU lists of batch 4 and high 12. */
    private static final String ZONED = "mmkit.machine { memory.size = 3MiB, cpus = 2,"
        + " zones = [{ name = DMA, size = 1MiB }, { name = Normal, size = 1MiB }, { name = HighMem }],"
        + " page-allocator { min-free-kbytes = 0, pcp { batch = 4, high = 12 },"
        + " watermarks { DMA { min = 0, low = 0, high = 0 }, Normal { min = 240, low = 248, high = 252 },"
        + " HighMem { min = 0, low = 0, high = 0 } } } }";
    /** The same zones and lists with every watermark 0. */
    private static final String PLAIN = ZONED.replace("min = 240, low = 248, high = 252", "min = 0, low = 0, high = 0");

    @Test
    void eachZoneModifierGetsAPageOfItsOwnZoneBackFromItsOwnList() {
        BuddyAllocator buddy = TestMachines.buddy(ZONED);
        int[] gfps = {Gfp.GFP_DMA, Gfp.GFP_KERNEL, Gfp.GFP_HIGHUSER};
        long[] first = new long[3];
        for (int z = 0; z < 3; z++) {
            first[z] = buddy.allocPages(gfps[z], 0);
            assertThat(buddy.zoneOf(first[z]).type().ordinal()).isEqualTo(z);
            // rmqueue_bulk moved 4 pages: 3 wait on the zone's list
            assertThat(buddy.zones().get(z).perCpuPages()).isEqualTo(3);
        }
        for (int z = 0; z < 3; z++) {
            buddy.freePages(first[z], 0);
            assertThat(buddy.zones().get(z).perCpuPages()).isEqualTo(4);
        }
        // served by the fast path: the hot end of each zone's own list, nothing taken from the free areas
        for (int z = 2; z >= 0; z--) {
            long free = buddy.zones().get(z).freePages();
            assertThat(buddy.allocPages(gfps[z], 0)).isEqualTo(first[z]);
            assertThat(buddy.zones().get(z).freePages()).isEqualTo(free);
            assertThat(buddy.zones().get(z).perCpuPages()).isEqualTo(3);
            buddy.verify();
        }
    }

    @Test
    void aZoneBelowItsLowWatermarkIsPassedOverEvenWithPagesOnItsList() {
        BuddyAllocator buddy = TestMachines.buddy(ZONED);
        Zone normal = buddy.zones().get(1);
        long page = buddy.allocPages(Gfp.GFP_KERNEL, 0);
        assertThat(buddy.zoneOf(page).name()).isEqualTo("Normal");
        // 252 free; taking an order-2 block leaves 248 = low, which fails free > low
        long block = buddy.allocPages(Gfp.GFP_KERNEL, 2);
        assertThat(normal.freePages()).isEqualTo(248);
        assertThat(normal.perCpuPages()).isEqualTo(3);
        // get_page_from_freelist skips Normal and takes the next zone of the list, DMA
        long fallback = buddy.allocPages(Gfp.GFP_KERNEL, 0);
        assertThat(buddy.zoneOf(fallback).name()).isEqualTo("DMA");
        assertThat(normal.perCpuPages()).isEqualTo(3);
        buddy.freePages(block, 2);
        buddy.verify();
    }

    @Test
    void aZoneBelowLowWakesKswapdBeforeItsListServesThePage() {
        RecordingReclaim reclaim = new RecordingReclaim();
        StandaloneMachine machine = TestMachines.machine("mmkit.machine { memory.size = 1MiB, zones = [{ name = Normal }],"
            + " page-allocator { min-free-kbytes = 0, pcp { batch = 4, high = 12 },"
            + " watermarks { Normal { min = 240, low = 248, high = 252 } } } }", reclaim);
        reclaim.machine = machine;
        BuddyAllocator buddy = TestMachines.buddy(machine);
        buddy.allocPages(Gfp.GFP_KERNEL, 0);
        buddy.allocPages(Gfp.GFP_KERNEL, 2);
        assertThat(reclaim.wakeups).isEmpty();
        // 248 free = low: the slow path wakes kswapd, then min (240) lets the list's page go
        long pfn = buddy.allocPages(Gfp.GFP_KERNEL, 0);
        assertThat(pfn).isNotNegative();
        assertThat(reclaim.wakeups).containsExactly("Normal/0");
        assertThat(buddy.zones().get(1).perCpuPages()).isEqualTo(2);
        buddy.verify();
    }

    @Test
    void countersRefcountsAndZeroingAreThoseOfTheGeneralPath() {
        StandaloneMachine machine = TestMachines.machine(PLAIN, null);
        BuddyAllocator buddy = TestMachines.buddy(machine);
        MemMap memMap = machine.memMap();
        List<Long> pages = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            long pfn = buddy.allocPages(Gfp.GFP_KERNEL, 0);
            assertThat(memMap.refcount(pfn)).isEqualTo(1);
            machine.memory().writeLong(pfn << 12, 0xdeadbeefL);
            pages.add(pfn);
            buddy.verify();
        }
        for (long pfn : pages) {
            buddy.freePages(pfn, 0);
            assertThat(memMap.refcount(pfn)).isZero();
            assertThat(memMap.flags(pfn)).isZero();
            buddy.verify();
        }
        // the last page freed is on the hot end: the fast path hands it out again, zeroed
        long again = buddy.allocPages(Gfp.GFP_KERNEL | Gfp.__GFP_ZERO, 0);
        assertThat(again).isEqualTo(pages.get(9));
        assertThat(machine.memory().readLong(again << 12)).isZero();
        assertThat(memMap.refcount(again)).isEqualTo(1);
        assertThat(machine.vmstat().get(VmItem.PGALLOC_NORMAL)).isEqualTo(11);
        assertThat(machine.vmstat().get(VmItem.PGALLOC_DMA)).isZero();
        assertThat(machine.vmstat().get(VmItem.PGFREE)).isEqualTo(10);
        buddy.verify();
    }

    @Test
    void aLargerOrderIsSplitFromTheFreeAreasAndCheckedAgainstLowForItsOwnSize() {
        StandaloneMachine machine = TestMachines.machine(ZONED, null);
        BuddyAllocator buddy = TestMachines.buddy(machine);
        Zone normal = buddy.zones().get(1);
        // Normal is one order-8 block at 0x100; order 3 passes low (256 - 7 = 249 > 248) and
        // is split off its start: 0x108 (order 3), 0x110 (4), 0x120 (5), 0x140 (6), 0x180 (7) stay free
        long block = buddy.allocPages(Gfp.GFP_KERNEL, 3);
        assertThat(block).isEqualTo(0x100);
        assertThat(normal.freePages()).isEqualTo(248);
        for (int order = 0; order < buddy.maxOrder(); order++) {
            assertThat(normal.nrFree(order)).as("order %d", order).isEqualTo(order >= 3 && order <= 7 ? 1 : 0);
        }
        assertThat(machine.memMap().refcount(block)).isEqualTo(1);
        assertThat(machine.memMap().testFlag(0x108, PageFlags.PG_BUDDY)).isTrue();
        assertThat(machine.memMap().testFlag(block, PageFlags.PG_BUDDY)).isFalse();
        // order 1 fails Normal's low mark for its size (248 - 1 = 247, not above 248) although
        // Normal holds free blocks: DMA serves it, from the start of its own order-8 block
        assertThat(buddy.allocPages(Gfp.GFP_KERNEL, 1)).isEqualTo(0);
        assertThat(normal.freePages()).isEqualTo(248);
        assertThat(machine.vmstat().get(VmItem.PGALLOC_NORMAL)).isEqualTo(8);
        assertThat(machine.vmstat().get(VmItem.PGALLOC_DMA)).isEqualTo(2);
        buddy.verify();
    }

    @Test
    void eachCpuPopsOnlyItsOwnList() {
        StandaloneMachine machine = TestMachines.machine(PLAIN, null);
        BuddyAllocator buddy = TestMachines.buddy(machine);
        long onCpu0 = buddy.allocPages(Gfp.GFP_KERNEL, 0);
        buddy.freePages(onCpu0, 0);
        machine.setCurrentCpu(1);
        // cpu 1's list is empty: the general path refills it from the free areas
        long onCpu1 = buddy.allocPages(Gfp.GFP_KERNEL, 0);
        assertThat(onCpu1).isNotEqualTo(onCpu0);
        assertThat(buddy.zones().get(1).perCpuPages()).isEqualTo(4 + 3);
        machine.setCurrentCpu(0);
        assertThat(buddy.allocPages(Gfp.GFP_KERNEL, 0)).isEqualTo(onCpu0);
        buddy.verify();
    }
}
