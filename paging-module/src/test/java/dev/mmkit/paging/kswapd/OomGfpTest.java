package dev.mmkit.paging.kswapd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.machine.VmItem;
import dev.mmkit.api.mm.MemoryManager;
import dev.mmkit.api.page.Gfp;
import dev.mmkit.api.page.PageAllocator;
import dev.mmkit.api.page.Watermark;
import dev.mmkit.api.page.Zone;
import dev.mmkit.api.workload.Mman;
import dev.mmkit.machine.StandaloneMachine;
import dev.mmkit.paging.TestMachine;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

// Regression: direct reclaim that freed nothing called the OOM killer for allocations Linux
// never kills for (__alloc_pages_may_oom, __alloc_pages_slowpath): __GFP_NORETRY ("avoid
// disruptive actions like the OOM killer"), orders above PAGE_ALLOC_COSTLY_ORDER (3), and
// allocations that may only use ZONE_DMA ("does not needlessly kill tasks for lowmem").
class OomGfpTest {
    private static final long BASE = 1L << 30;

    @ParameterizedTest
    @CsvSource({
        "NORETRY, 0",
        "KERNEL, 4",
        "DMA, 0",
    })
    void anAllocationLinuxWouldNotKillForFailsWithoutKilling(String kind, int order) {
        boolean dma = kind.equals("DMA");
        StandaloneMachine machine = TestMachine.build("mmkit.machine.memory.size = 1MiB\n"
            + (dma ? "mmkit.machine.zones = [ { name = DMA, size = 512KiB }, { name = Normal } ]\n"
                + "mmkit.machine.page-allocator.watermarks { DMA { min = 8, low = 40, high = 64 }, Normal { min = 8, low = 40, high = 64 } }\n"
                : "mmkit.machine.zones = [ { name = Normal } ]\n"
                + "mmkit.machine.page-allocator.watermarks { Normal { min = 8, low = 40, high = 64 } }\n")
            + "mmkit.machine.page-allocator.pcp.high = 0\n"
            + "mmkit.machine.paging.swap.size = 0");
        PageAllocator pa = machine.pageAllocator();
        MemoryManager mm = machine.memoryManager();
        int pid = mm.spawn("p");
        long a = mm.mmap(pid, BASE, 1000 * 4096L, Mman.PROT_READ | Mman.PROT_WRITE,
            Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS | Mman.MAP_FIXED, -1, 0);
        // anonymous memory without swap fills the machine down to a few pages above min
        int touched = 0;
        while (totalFree(pa) > totalMin(pa) + 12) {
            assertThat(mm.store(pid, a + touched * 4096L, 8, touched)).isTrue();
            touched++;
        }
        // non-blocking kernel pages take the rest down to min (no reclaim, no OOM)
        int[] gfp = {Gfp.GFP_NOWAIT | (dma ? Gfp.__GFP_DMA : 0)};
        while (pa.allocPages(gfp[0], 0) >= 0) {
            // keep them
        }
        machine.slab().shrink();
        machine.clock().advance(1_000_000); // kswapd's pending run: it finds nothing to take
        assertThat(mm.alive(pid)).isTrue();
        int request = switch (kind) {
            case "NORETRY" -> Gfp.GFP_KERNEL | Gfp.__GFP_NORETRY;
            case "DMA" -> Gfp.GFP_KERNEL | Gfp.__GFP_DMA;
            default -> Gfp.GFP_KERNEL;
        };
        long pfn = pa.allocPages(request, order);
        assertThat(machine.vmstat().get(VmItem.ALLOCSTALL)).as("direct reclaim ran").isPositive();
        assertThat(machine.vmstat().get(VmItem.OOM_KILL)).as("OOM kills for %s order %d", Gfp.describe(request), order)
            .isZero();
        assertThat(mm.alive(pid)).isTrue();
        assertThat(pfn).isEqualTo(PageAllocator.NO_PAGE);
        mm.verify();
    }

    private static long totalFree(PageAllocator pa) {
        return pa.zones().stream().mapToLong(Zone::freePages).sum();
    }

    private static long totalMin(PageAllocator pa) {
        return pa.zones().stream().mapToLong(z -> z.watermark(Watermark.MIN)).sum();
    }
}
