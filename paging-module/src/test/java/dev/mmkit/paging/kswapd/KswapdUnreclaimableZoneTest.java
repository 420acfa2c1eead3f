package dev.mmkit.paging.kswapd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.machine.VmItem;
import dev.mmkit.api.machine.VmStat;
import dev.mmkit.api.mm.MemoryManager;
import dev.mmkit.api.page.Gfp;
import dev.mmkit.api.page.PageAllocator;
import dev.mmkit.api.page.Watermark;
import dev.mmkit.api.page.Zone;
import dev.mmkit.api.page.ZoneType;
import dev.mmkit.api.workload.Mman;
import dev.mmkit.machine.StandaloneMachine;
import dev.mmkit.paging.TestMachine;
import org.junit.jupiter.api.Test;

// Regression: a zone kept below high by pages reclaim cannot take (kernel pages in DMA) made
// kswapd evict every reclaimable page of the other zones, the whole working set, at each run.
class KswapdUnreclaimableZoneTest {
    private static final long BASE = 1L << 30;

    @Test
    void aZoneFullOfKernelPagesDoesNotMakeKswapdEvictEverything() {
        StandaloneMachine machine = TestMachine.build("mmkit.machine.memory.size = 2MiB\n"
            + "mmkit.machine.zones = [ { name = DMA, size = 256KiB }, { name = Normal } ]\n"
            + "mmkit.machine.page-allocator.watermarks { DMA { min = 4, low = 8, high = 12 }, Normal { min = 8, low = 40, high = 64 } }\n"
            + "mmkit.machine.page-allocator.pcp.high = 0\n"
            + "mmkit.machine.paging.swap.size = 4MiB");
        PageAllocator pa = machine.pageAllocator();
        VmStat vm = machine.vmstat();
        Zone dma = pa.zones().get(ZoneType.DMA.ordinal());
        Zone normal = pa.zones().get(ZoneType.NORMAL.ordinal());
        // kernel pages fill DMA down to its min watermark: nothing there that reclaim can take
        while (pa.allocPages(Gfp.__GFP_DMA, 0) >= 0) {
            // keep them
        }
        assertThat(dma.freePages()).isLessThan(dma.watermark(Watermark.HIGH));
        MemoryManager mm = machine.memoryManager();
        int pid = mm.spawn("p");
        long a = mm.mmap(pid, BASE, 400 * 4096L, Mman.PROT_READ | Mman.PROT_WRITE,
            Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS | Mman.MAP_FIXED, -1, 0);
        int touched = 0;
        while (vm.get(VmItem.PAGEOUTRUN) == 0) {
            assertThat(mm.store(pid, a + touched * 4096L, 8, touched)).isTrue();
            touched++;
        }
        // kswapd was woken because Normal fell below low; reclaiming Normal up to high takes
        // about one batch (32) or two. It must not evict the whole working set for DMA's sake.
        long resident = mm.processes().get(pid - 1).residentPages();
        assertThat(normal.freePages()).isGreaterThanOrEqualTo(normal.watermark(Watermark.HIGH));
        assertThat(vm.get(VmItem.PGSTEAL_KSWAPD))
            .as("pages kswapd evicted of %d resident (Normal free %d, high %d)", touched, normal.freePages(),
                normal.watermark(Watermark.HIGH))
            .isLessThanOrEqualTo(2 * 32);
        assertThat(resident).isGreaterThanOrEqualTo(touched - 2 * 32);
        mm.verify();
    }
}
