package dev.mmkit.paging.kswapd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.machine.VmItem;
import dev.mmkit.api.mm.MemoryManager;
import dev.mmkit.api.page.Gfp;
import dev.mmkit.api.page.Watermark;
import dev.mmkit.api.page.Zone;
import dev.mmkit.api.workload.Mman;
import dev.mmkit.machine.StandaloneMachine;
import dev.mmkit.paging.TestMachine;
import org.junit.jupiter.api.Test;

// kswapd balances zones from low to high on virtual time; direct reclaim stalls, then OOM as the last resort.
class KswapdTest {
    private static StandaloneMachine machine(String swap) {
        return TestMachine.build("mmkit.machine.memory.size = 1MiB\n"
            + "mmkit.machine.zones = [ { name = Normal } ]\n"
            + "mmkit.machine.paging.swap.size = " + swap);
    }

    private static Zone normal(StandaloneMachine machine) {
        return machine.pageAllocator().zones().stream().filter(z -> z.managedPages() > 0).findFirst().orElseThrow();
    }

    private static long touch(MemoryManager mm, int pid, int pages) {
        long a = mm.mmap(pid, 0, pages * 4096L, Mman.PROT_READ | Mman.PROT_WRITE, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS, -1, 0);
        for (int i = 0; i < pages; i++) {
            mm.store(pid, a + i * 4096L, 8, i);
        }
        return a;
    }

    @Test
    void kswapdRunsOnTheClockAndBalancesToHigh() {
        StandaloneMachine machine = machine("4MiB");
        MemoryManager mm = machine.memoryManager();
        int pid = mm.spawn("p");
        touch(mm, pid, 400);
        assertThat(machine.vmstat().get(VmItem.PAGEOUTRUN)).isPositive();
        assertThat(machine.vmstat().get(VmItem.PGSCAN_KSWAPD)).isPositive();
        assertThat(machine.vmstat().get(VmItem.PGSTEAL_KSWAPD)).isPositive();
        Zone zone = normal(machine);
        assertThat(zone.freePages()).isGreaterThanOrEqualTo(zone.watermark(Watermark.HIGH));
        assertThat(mm.alive(pid)).isTrue();
        mm.verify();
    }

    @Test
    void aWakeupSoonAfterARunCountsLowWatermarkHitQuickly() {
        StandaloneMachine machine = machine("4MiB");
        MemoryManager mm = machine.memoryManager();
        int pid = mm.spawn("p");
        touch(mm, pid, 400);
        // the pressure kept waking kswapd within HZ/10 of its last run
        assertThat(machine.vmstat().get(VmItem.PAGEOUTRUN)).isGreaterThan(1);
        assertThat(machine.vmstat().get(VmItem.KSWAPD_LOW_WMARK_HIT_QUICKLY)).isPositive();
    }

    @Test
    void aWakeupAboveHighDoesNothing() {
        StandaloneMachine machine = machine("4MiB");
        Kswapd kswapd = (Kswapd) machine.reclaimDaemon();
        kswapd.wakeup(normal(machine), 0);
        machine.clock().advance(1);
        assertThat(kswapd.runs()).isZero();
        assertThat(machine.vmstat().get(VmItem.KSWAPD_HIGH_WMARK_HIT_QUICKLY)).isEqualTo(1);
    }

    @Test
    void directReclaimCountsAStallAndReclaimsAsTheTask() {
        StandaloneMachine machine = machine("4MiB");
        MemoryManager mm = machine.memoryManager();
        int pid = mm.spawn("p");
        touch(mm, pid, 100);
        long stalls = machine.vmstat().get(VmItem.ALLOCSTALL);
        long got = machine.reclaimDaemon().directReclaim(Gfp.GFP_KERNEL, 0, normal(machine));
        assertThat(got).isEqualTo(32);
        assertThat(machine.vmstat().get(VmItem.ALLOCSTALL)).isEqualTo(stalls + 1);
        assertThat(machine.vmstat().get(VmItem.PGSTEAL_DIRECT)).isGreaterThanOrEqualTo(32);
        mm.verify();
    }

    @Test
    void withoutIoOnlyCleanSwapCachedPagesGo() {
        StandaloneMachine machine = machine("4MiB");
        MemoryManager mm = machine.memoryManager();
        int pid = mm.spawn("p");
        touch(mm, pid, 20);
        long scanned = machine.vmstat().get(VmItem.PGSCAN_DIRECT);
        long got = machine.reclaimDaemon().directReclaim(Gfp.GFP_NOIO, 0, normal(machine));
        // every page is new and was never written to swap: none can go without I/O, and no OOM
        assertThat(machine.vmstat().get(VmItem.PGSCAN_DIRECT) - scanned).isEqualTo(20);
        assertThat(machine.vmstat().get(VmItem.PGSTEAL_DIRECT)).isZero();
        assertThat(machine.vmstat().get(VmItem.PSWPOUT)).isZero();
        assertThat(machine.vmstat().get(VmItem.OOM_KILL)).isZero();
        assertThat(mm.alive(pid)).isTrue();
        assertThat(got).isEqualTo(machine.vmstat().get(VmItem.SLABS_SCANNED));
        mm.verify();
    }

    @Test
    void theOomKillerIsTheLastResort() {
        StandaloneMachine machine = machine("0");
        MemoryManager mm = machine.memoryManager();
        int small = mm.spawn("small");
        touch(mm, small, 10);
        int big = mm.spawn("big");
        touch(mm, big, 30);
        long got = machine.reclaimDaemon().directReclaim(Gfp.GFP_KERNEL, 0, normal(machine));
        assertThat(got).isPositive();
        assertThat(mm.alive(big)).isFalse();
        assertThat(mm.processes().get(big - 1).exitReason()).isEqualTo("oom-killed");
        assertThat(mm.alive(small)).isTrue();
        assertThat(machine.vmstat().get(VmItem.OOM_KILL)).isEqualTo(1);
        mm.verify();
    }
}
