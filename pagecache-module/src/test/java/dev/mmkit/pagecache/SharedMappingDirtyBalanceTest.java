package dev.mmkit.pagecache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.hw.Page;
import dev.mmkit.api.machine.VmItem;
import dev.mmkit.api.mm.MemoryManager;
import dev.mmkit.api.workload.Mman;
import dev.mmkit.machine.StandaloneMachine;
import org.junit.jupiter.api.Test;

// Stores through a shared file mapping dirty pages as pwrite does: past the background threshold the flusher starts at once
// (WritebackDaemon contract; Linux's fault_dirty_shared_page calls balance_dirty_pages_ratelimited).
class SharedMappingDirtyBalanceTest {
    private static final int PAGE = Page.SIZE;

    @Test
    void storesThroughASharedMappingStartBackgroundWriteback() {
        StandaloneMachine m = Machines.build("4MiB", true, "");
        int pages = 200;
        Machines.createFile(m, "mapped.bin", new byte[pages * PAGE]);
        MemoryManager mm = Machines.mm(m);
        int pid = mm.spawn("w");
        int fd = mm.open(pid, "mapped.bin", false);
        long a = mm.mmap(pid, 0, (long) pages * PAGE, Mman.PROT_READ | Mman.PROT_WRITE, Mman.MAP_SHARED, fd, 0);
        assertThat(a).isPositive();
        for (int p = 0; p < pages; p++) {
            assertThat(mm.store(pid, a + (long) p * PAGE, 8, p)).isTrue();
        }
        Flusher f = Machines.flusher(m);
        f.thresholds();
        // 200 dirty pages against a background threshold of about 90 and a dirty threshold of about 180
        assertThat(m.vmstat().get(VmItem.NR_DIRTY)).isGreaterThan(f.backgroundThreshold());
        m.clock().advance(1);
        assertThat(f.backgroundRuns).as("background runs").isPositive();
        assertThat(m.vmstat().get(VmItem.NR_DIRTY)).isLessThanOrEqualTo(f.backgroundThreshold());
    }

    @Test
    void theSameDirtyingThroughPwriteDoes() {
        StandaloneMachine m = Machines.build("4MiB", true, "");
        int pages = 200;
        Machines.createFile(m, "written.bin", new byte[pages * PAGE]);
        MemoryManager mm = Machines.mm(m);
        int pid = mm.spawn("w");
        int fd = mm.open(pid, "written.bin", false);
        byte[] page = new byte[PAGE];
        for (int p = 0; p < pages; p++) {
            assertThat(mm.pwrite(pid, fd, page, PAGE, (long) p * PAGE)).isEqualTo(PAGE);
        }
        Flusher f = Machines.flusher(m);
        m.clock().advance(1);
        assertThat(f.backgroundRuns).isPositive();
        assertThat(m.vmstat().get(VmItem.NR_DIRTY)).isLessThanOrEqualTo(f.backgroundThreshold());
    }
}
