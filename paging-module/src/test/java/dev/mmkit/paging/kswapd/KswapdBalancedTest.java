package dev.mmkit.paging.kswapd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.machine.VmItem;
import dev.mmkit.api.machine.VmStat;
import dev.mmkit.api.mm.MemoryManager;
import dev.mmkit.api.workload.Mman;
import dev.mmkit.machine.StandaloneMachine;
import dev.mmkit.paging.TestMachine;
import org.junit.jupiter.api.Test;

// Regression: kswapd judged a zone balanced at free >= high, without the order, while the
// allocator woke it by __zone_watermark_ok (free - 2^order + 1 > mark): a zone the
// allocator found below low could be "balanced" for kswapd, which then never ran.
class KswapdBalancedTest {
    private static final long BASE = 1L << 30;

    @Test
    void withMinFreeKbytesZeroKswapdStillRunsWhenTheZoneIsEmpty() {
        StandaloneMachine machine = TestMachine.build("mmkit.machine.memory.size = 1MiB\n"
            + "mmkit.machine.zones = [ { name = Normal } ]\n"
            + "mmkit.machine.page-allocator.min-free-kbytes = 0\n"
            + "mmkit.machine.page-allocator.pcp.high = 0\n"
            + "mmkit.machine.paging.swap.size = 4MiB");
        MemoryManager mm = machine.memoryManager();
        VmStat vm = machine.vmstat();
        int pid = mm.spawn("p");
        long a = mm.mmap(pid, BASE, 600 * 4096L, Mman.PROT_READ | Mman.PROT_WRITE,
            Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS | Mman.MAP_FIXED, -1, 0);
        for (int i = 0; i < 600; i++) {
            assertThat(mm.store(pid, a + i * 4096L, 8, i)).isTrue();
        }
        // the zone ran out again and again: each time the allocator woke kswapd (0 free is
        // below low = 0 by __zone_watermark_ok), and each wakeup was refused as "above high"
        assertThat(vm.get(VmItem.KSWAPD_HIGH_WMARK_HIT_QUICKLY))
            .as("wakeups refused as balanced at 0 free pages").isZero();
        assertThat(vm.get(VmItem.PAGEOUTRUN)).as("kswapd runs").isPositive();
        mm.verify();
    }
}
