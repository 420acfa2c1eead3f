package dev.mmkit.buddy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.page.Gfp;
import dev.mmkit.api.page.Zone;
import dev.mmkit.machine.StandaloneMachine;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

// Why: the order-0 fast path must refill by batch, spill by batch at high, stay per CPU and drain on demand.
class PerCpuListsTest {
    /** 48 MiB, one Normal zone of 12288 pages, two CPUs. */
    private static final String MACHINE = "mmkit.machine { memory.size = 48MiB, zones = [{ name = Normal }], cpus = 2 }";

    /**
     * zone_batchsize(12288): 12288 / 1024 = 12 (48 KiB, under 1 MiB); 12 / 4 = 3;
     * rounddown_pow_of_two(3 + 1) - 1 = 3. high = 6 * 3 = 18.
     * A 4096-page zone: 4 / 4 = 1; rounddown_pow_of_two(1 + 0) - 1 = 0, so high = 0 (no lists).
     * 1M pages: 1024 pages = 4 MiB > 1 MiB so 256; 256 / 4 = 64; rounddown_pow_of_two(96) - 1 = 63.
     */
    @Test
    void defaultsFollowZoneBatchsize() {
        BuddyAllocator buddy = TestMachines.buddy(MACHINE);
        Zone normal = buddy.zones().get(1);
        assertThat(normal.perCpuBatch()).isEqualTo(3);
        assertThat(normal.perCpuHigh()).isEqualTo(18);
        assertThat(BuddyAllocator.zoneBatchsize(4096)).isZero();
        assertThat(BuddyAllocator.zoneBatchsize(1 << 20)).isEqualTo(63);
        BuddyAllocator small = TestMachines.buddy("");
        assertThat(small.zones().get(0).perCpuHigh()).isZero();
        assertThat(small.zones().get(1).perCpuHigh()).isEqualTo(18);
    }

    @Test
    void refillsByBatchAndSpillsByBatchAtHigh() {
        BuddyAllocator buddy = TestMachines.buddy(MACHINE);
        Zone normal = buddy.zones().get(1);
        long first = buddy.allocPages(Gfp.GFP_KERNEL, 0);
        // rmqueue_bulk moved 3 pages: one handed out, two left on the list
        assertThat(normal.perCpuPages()).isEqualTo(2);
        assertThat(normal.freePages()).isEqualTo(12288 - 3);
        buddy.verify();
        buddy.freePages(first, 0);
        // freed onto the list's head (hot): the next allocation returns it
        assertThat(buddy.allocPages(Gfp.GFP_KERNEL, 0)).isEqualTo(first);
        buddy.freePages(first, 0);
        buddy.drainPerCpuLists();
        assertThat(normal.perCpuPages()).isZero();
        assertThat(normal.freePages()).isEqualTo(12288);
        buddy.verify();

        List<Long> pages = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            pages.add(buddy.allocPages(Gfp.GFP_KERNEL, 0));
            buddy.verify();
        }
        // 30 = 10 refills of 3: the list is empty again
        assertThat(normal.perCpuPages()).isZero();
        assertThat(normal.freePages()).isEqualTo(12288 - 30);
        for (Long pfn : pages) {
            buddy.freePages(pfn, 0);
            buddy.verify();
            assertThat(normal.perCpuPages()).isLessThan(18);
        }
        // the count reaches 18 at the 18th, 21st, 24th, 27th and 30th free and drops by 3 each time
        assertThat(normal.perCpuPages()).isEqualTo(15);
        assertThat(normal.freePages()).isEqualTo(12288 - 30 + 15);
        buddy.drainPerCpuLists();
        buddy.verify();
        assertThat(normal.freePages()).isEqualTo(12288);
        // everything merged back: 12 blocks of order 10
        assertThat(normal.nrFree(10)).isEqualTo(12);
        for (int order = 0; order < 10; order++) {
            assertThat(normal.nrFree(order)).isZero();
        }
    }

    @Test
    void eachCpuHasItsOwnList() {
        StandaloneMachine machine = TestMachines.machine(MACHINE, null);
        BuddyAllocator buddy = TestMachines.buddy(machine);
        Zone normal = buddy.zones().get(1);
        long onCpu0 = buddy.allocPages(Gfp.GFP_KERNEL, 0);
        machine.setCurrentCpu(1);
        long onCpu1 = buddy.allocPages(Gfp.GFP_KERNEL, 0);
        // cpu 1 had to refill its own list: 2 + 2 pages wait on the two lists
        assertThat(normal.perCpuPages()).isEqualTo(4);
        assertThat(onCpu1).isEqualTo(onCpu0 + 3);
        buddy.freePages(onCpu0, 0);
        machine.setCurrentCpu(0);
        assertThat(buddy.allocPages(Gfp.GFP_KERNEL, 0)).isEqualTo(onCpu0 + 1);
        buddy.verify();
    }

    /**
     * The default machine's 16 MiB DMA zone has 4096 pages: zone_batchsize gives 0, so high =
     * 6 * 0 = 0 and pageset_set_batch raises batch to max(1, 0) = 1, which /proc/zoneinfo
     * prints ("high:  0", "batch: 1" under the DMA zone of a real machine); the lists stay off.
     */
    @Test
    void aSmallZoneHasHighZeroAndBatchOne() {
        BuddyAllocator buddy = TestMachines.buddy("");
        Zone dma = buddy.zones().get(0);
        assertThat(dma.presentPages()).isEqualTo(4096);
        assertThat(dma.perCpuHigh()).isZero();
        assertThat(dma.perCpuBatch()).isEqualTo(1);
        long pfn = buddy.allocPages(Gfp.GFP_DMA, 0);
        assertThat(pfn).isBetween(0L, 4095L);
        assertThat(dma.perCpuPages()).isZero();
        buddy.freePages(pfn, 0);
        assertThat(dma.perCpuPages()).isZero();
        assertThat(dma.freePages()).isEqualTo(4096);
        buddy.verify();
    }

    @Test
    void highZeroTurnsTheListsOff() {
        BuddyAllocator buddy = TestMachines.buddy("mmkit.machine { memory.size = 48MiB, zones = [{ name = Normal }],"
            + " page-allocator.pcp.high = 0 }");
        buddy.allocPages(Gfp.GFP_KERNEL, 0);
        assertThat(buddy.zones().get(1).perCpuPages()).isZero();
        assertThat(buddy.zones().get(1).freePages()).isEqualTo(12287);
    }

    /** A small zone's auto batch is 0; with an explicit high the lists still move one page at a time. */
    @Test
    void explicitHighOnASmallZoneUsesBatchOne() {
        BuddyAllocator buddy = TestMachines.buddy("mmkit.machine { memory.size = 256KiB, zones = [{ name = Normal }],"
            + " page-allocator { min-free-kbytes = 0, pcp.high = 4 } }");
        assertThat(buddy.zones().get(1).perCpuBatch()).isEqualTo(1);
        long pfn = buddy.allocPages(Gfp.GFP_KERNEL, 0);
        assertThat(pfn).isZero();
        assertThat(buddy.zones().get(1).perCpuPages()).isZero();
        buddy.freePages(pfn, 0);
        assertThat(buddy.zones().get(1).perCpuPages()).isEqualTo(1);
        buddy.verify();
    }

    @Test
    void failedAllocationDrainsTheListsBeforeGivingUp() {
        // 64 pages, batch 8, high 48: pages sitting on cpu 0's list are found by a high-order request
        BuddyAllocator buddy = TestMachines.buddy("mmkit.machine { memory.size = 256KiB, zones = [{ name = Normal }],"
            + " page-allocator { max-order = 7, min-free-kbytes = 0, pcp { batch = 8, high = 48 } } }");
        List<Long> pages = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            pages.add(buddy.allocPages(Gfp.GFP_KERNEL, 0));
        }
        for (Long pfn : pages) {
            buddy.freePages(pfn, 0);
        }
        assertThat(buddy.zones().get(1).perCpuPages()).isPositive();
        assertThat(buddy.allocPages(Gfp.GFP_KERNEL, 6)).isZero();
        assertThat(buddy.zones().get(1).perCpuPages()).isZero();
        buddy.verify();
    }
}
