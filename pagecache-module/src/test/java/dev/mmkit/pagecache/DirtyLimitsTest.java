package dev.mmkit.pagecache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.machine.VmItem;
import dev.mmkit.api.machine.VmStat;
import dev.mmkit.api.mm.MemoryManager;
import dev.mmkit.api.page.Watermark;
import dev.mmkit.api.page.Zone;
import dev.mmkit.machine.StandaloneMachine;
import org.junit.jupiter.api.Test;

// /proc/vmstat's nr_dirty_threshold and nr_dirty_background_threshold as Linux computes them
// (global_dirty_limits): dirtyable memory + 1, ratios made per-PAGE_SIZE before multiplying.
class DirtyLimitsTest {
    /** Writes {@code pages} pages of a new file (page-cache pages on the file LRU), then computes the thresholds. */
    private static void writeAndComputeThresholds(StandaloneMachine m, int pages) {
        MemoryManager mm = Machines.mm(m);
        int pid = mm.spawn("w");
        int fd = mm.open(pid, "d.bin", true);
        byte[] page = new byte[4096];
        for (int p = 0; p < pages; p++) {
            assertThat(mm.pwrite(pid, fd, page, page.length, p * 4096L)).isEqualTo(page.length);
        }
        Machines.flusher(m).thresholds();
    }

    @Test
    void thresholdsFollowGlobalDirtyLimits() {
        StandaloneMachine m = Machines.build("4MiB", true, "mmkit.machine.page-allocator.min-free-kbytes = 268");
        writeAndComputeThresholds(m, 40);

        // One Normal zone of 1024 pages and min_free_kbytes = 268: min = 67 pages,
        // high = 67 + 67 / 2 = 100 (the only reserve).
        Zone normal = m.pageAllocator().zones().get(1);
        assertThat(normal.watermark(Watermark.HIGH)).isEqualTo(100);
        VmStat vm = m.vmstat();
        long free = normal.freePages();
        long fileLru = vm.get(VmItem.NR_INACTIVE_FILE) + vm.get(VmItem.NR_ACTIVE_FILE);
        assertThat(fileLru).isEqualTo(40);
        // global_dirtyable_memory: free − 100 + 40 file pages + 1;
        // domain_dirty_limits: 20 % is 20 × 4096 / 100 = 819 per 4096, 10 % is 409 per 4096.
        long avail = free - 100 + 40 + 1;
        assertThat(vm.get(VmItem.NR_DIRTY_THRESHOLD)).isEqualTo(819 * avail / 4096);
        assertThat(vm.get(VmItem.NR_DIRTY_BACKGROUND_THRESHOLD)).isEqualTo(409 * avail / 4096);
        // this state tells the two readings apart: ratio × (avail − 1) / 100 is one page more
        assertThat(409 * avail / 4096).isEqualTo(10 * (avail - 1) / 100 - 1);
    }

    @Test
    void highMemFreePagesAreNotDirtyable() {
        StandaloneMachine m = Machines.build("4MiB", true,
            "mmkit.machine.zones = [ { name = Normal, size = 2MiB }, { name = HighMem } ]");
        writeAndComputeThresholds(m, 10);

        Zone normal = m.pageAllocator().zones().get(1);
        Zone high = m.pageAllocator().zones().get(2);
        assertThat(high.presentPages()).isEqualTo(512);
        VmStat vm = m.vmstat();
        long free = normal.freePages() + high.freePages();
        long reserve = normal.watermark(Watermark.HIGH) + high.watermark(Watermark.HIGH);
        long fileLru = vm.get(VmItem.NR_INACTIVE_FILE) + vm.get(VmItem.NR_ACTIVE_FILE);
        // highmem_dirtyable_memory (vm_highmem_is_dirtyable = 0): HighMem's free pages above its
        // high watermark come off; global_dirtyable_memory adds 1.
        long highFree = high.freePages() - Math.min(high.freePages(), high.watermark(Watermark.HIGH));
        assertThat(highFree).isPositive();
        long avail = free - Math.min(free, reserve) + fileLru - highFree + 1;
        assertThat(vm.get(VmItem.NR_DIRTY_THRESHOLD)).isEqualTo(819 * avail / 4096);
        assertThat(vm.get(VmItem.NR_DIRTY_BACKGROUND_THRESHOLD)).isEqualTo(409 * avail / 4096);
    }
}
