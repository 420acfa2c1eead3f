package dev.mmkit.pagecache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.hw.Page;
import dev.mmkit.api.machine.VmItem;
import dev.mmkit.api.machine.VmStat;
import dev.mmkit.api.mm.MemoryManager;
import dev.mmkit.api.page.Watermark;
import dev.mmkit.api.page.Zone;
import dev.mmkit.api.workload.Mman;
import dev.mmkit.machine.StandaloneMachine;
import dev.mmkit.paging.TestMachine;
import org.junit.jupiter.api.Test;

// The flusher on virtual time: kupdate expiry at 30 s every 5 s, background above 10%, throttling above 20%, parallel queues.
class FlusherTest {
    private static final int PAGE = Page.SIZE;
    private static final long S = 1_000_000_000L;
    /** cost.page-io's default: 100 µs per page. */
    private static final long IO = 100_000L;

    private static void writePages(MemoryManager mm, int pid, int fd, int pages) {
        byte[] page = new byte[PAGE];
        for (int p = 0; p < pages; p++) {
            page[0] = (byte) p;
            assertThat(mm.pwrite(pid, fd, page, PAGE, (long) p * PAGE)).isEqualTo(PAGE);
        }
    }

    @Test
    void pagesDirtyLongerThanDirtyExpireAreWrittenAtTheNextInterval() {
        StandaloneMachine m = Machines.build("4MiB", true, "");
        MemoryManager mm = Machines.mm(m);
        VmStat vm = m.vmstat();
        m.clock().advance(S);
        int pid = mm.spawn("w");
        int fd = mm.open(pid, "old.bin", true);
        writePages(mm, pid, fd, 1);
        assertThat(vm.get(VmItem.NR_DIRTY)).isEqualTo(1);
        // dirtied at 1 s: the passes at 5..30 s find it younger than 30 s; the one at 35 s writes it
        m.clock().advance(34 * S - 1);
        assertThat(vm.get(VmItem.NR_DIRTY)).isEqualTo(1);
        assertThat(Machines.flusher(m).periodicRuns).isEqualTo(6);
        m.clock().advance(1);
        assertThat(m.clock().now()).isEqualTo(35 * S);
        assertThat(vm.get(VmItem.NR_DIRTY)).isZero();
        assertThat(vm.get(VmItem.NR_WRITEBACK)).isEqualTo(1);
        assertThat(Machines.disk(m, "old.bin")).hasSize(PAGE);
        // its queue finishes one page-io later
        m.clock().advance(IO - 1);
        assertThat(vm.get(VmItem.NR_WRITEBACK)).isEqualTo(1);
        m.clock().advance(1);
        assertThat(vm.get(VmItem.NR_WRITEBACK)).isZero();
        assertThat(vm.get(VmItem.NR_WRITTEN)).isEqualTo(1);
        Machines.cache(m).verify();
    }

    private static long diskLong(StandaloneMachine m, String path, int offset) {
        return java.nio.ByteBuffer.wrap(Machines.disk(m, path)).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong(offset);
    }

    @Test
    void storesThroughASharedMappingAreWrittenByTheFlusherWithoutAnUnmap() {
        StandaloneMachine m = Machines.build("4MiB", true, "");
        Machines.createFile(m, "mapped.bin", new byte[PAGE]);
        MemoryManager mm = Machines.mm(m);
        VmStat vm = m.vmstat();
        m.clock().advance(S);
        int pid = mm.spawn("w");
        int fd = mm.open(pid, "mapped.bin", false);
        long a = mm.mmap(pid, 0, PAGE, Mman.PROT_READ | Mman.PROT_WRITE, Mman.MAP_SHARED, fd, 0);
        long faults = vm.get(VmItem.PGFAULT);
        // the first store faults once (the page is read in) and dirties the page at once
        assertThat(mm.store(pid, a, 8, 0x1111)).isTrue();
        assertThat(vm.get(VmItem.PGFAULT)).isEqualTo(faults + 1);
        assertThat(vm.get(VmItem.NR_DIRTY)).isEqualTo(1);
        // dirtied just after 1 s: the pass at 35 s writes it, still mapped
        m.clock().advance(35 * S - m.clock().now());
        assertThat(vm.get(VmItem.NR_DIRTY)).isZero();
        assertThat(vm.get(VmItem.NR_WRITEBACK)).isEqualTo(1);
        assertThat(diskLong(m, "mapped.bin", 0)).isEqualTo(0x1111);
        m.clock().advance(IO);
        assertThat(vm.get(VmItem.NR_WRITEBACK)).isZero();
        // writeback write-protected the PTE: the second store faults once more and re-dirties it
        assertThat(mm.store(pid, a + 8, 8, 0x2222)).isTrue();
        assertThat(vm.get(VmItem.PGFAULT)).isEqualTo(faults + 2);
        assertThat(vm.get(VmItem.NR_DIRTY)).isEqualTo(1);
        // a third store finds the PTE writable again: no fault
        assertThat(mm.store(pid, a + 16, 8, 0x3333)).isTrue();
        assertThat(vm.get(VmItem.PGFAULT)).isEqualTo(faults + 2);
        // dirtied just after 35 s: the passes up to 65 s find it younger than 30 s, the one at 70 s writes it
        m.clock().advance(70 * S - 1 - m.clock().now());
        assertThat(vm.get(VmItem.NR_DIRTY)).isEqualTo(1);
        m.clock().advance(1 + IO);
        assertThat(vm.get(VmItem.NR_DIRTY)).isZero();
        assertThat(vm.get(VmItem.NR_WRITEBACK)).isZero();
        assertThat(diskLong(m, "mapped.bin", 0)).isEqualTo(0x1111);
        assertThat(diskLong(m, "mapped.bin", 8)).isEqualTo(0x2222);
        assertThat(diskLong(m, "mapped.bin", 16)).isEqualTo(0x3333);
        Machines.cache(m).verify();
    }

    /**
     * Linux's thresholds re-derived (no HighMem here): global_dirtyable_memory = free − Σ high
     * watermarks + the file LRU + 1; domain_dirty_limits: (ratio × 4096 / 100) × that / 4096.
     */
    private static long threshold(StandaloneMachine m, int ratio) {
        long free = 0;
        long reserve = 0;
        for (Zone z : m.pageAllocator().zones()) {
            free += z.freePages();
            reserve += Math.min(z.watermark(Watermark.HIGH), z.managedPages());
        }
        long fileLru = m.vmstat().get(VmItem.NR_INACTIVE_FILE) + m.vmstat().get(VmItem.NR_ACTIVE_FILE);
        return (ratio * 4096L / 100) * (Math.max(0, free - reserve) + fileLru + 1) / 4096;
    }

    @Test
    void backgroundWritebackStartsAtOnceAboveTheBackgroundRatio() {
        StandaloneMachine m = Machines.build("4MiB", true, "");
        MemoryManager mm = Machines.mm(m);
        VmStat vm = m.vmstat();
        int pid = mm.spawn("w");
        int fd = mm.open(pid, "bg.bin", true);
        writePages(mm, pid, fd, 150);
        long bg = threshold(m, 10);
        assertThat(bg).isBetween(60L, 140L);
        assertThat(vm.get(VmItem.NR_DIRTY)).isEqualTo(150);
        assertThat(vm.get(VmItem.NR_DIRTY_BACKGROUND_THRESHOLD)).isEqualTo(bg);
        assertThat(vm.get(VmItem.NR_DIRTY_THRESHOLD)).isEqualTo(threshold(m, 20));
        // the background run is on the clock with no delay: it runs at the next tick, long before 5 s
        m.clock().advance(1);
        assertThat(vm.get(VmItem.NR_DIRTY)).isEqualTo(bg);
        assertThat(vm.get(VmItem.NR_WRITEBACK)).isEqualTo(150 - bg);
        assertThat(Machines.flusher(m).backgroundRuns).isEqualTo(1);
        assertThat(Machines.flusher(m).periodicRuns).isZero();
        m.clock().advance((150 - bg) * IO);
        assertThat(vm.get(VmItem.NR_WRITEBACK)).isZero();
        Machines.cache(m).verify();
    }

    @Test
    void writersAreThrottledAboveTheDirtyRatio() {
        StandaloneMachine m = Machines.build("4MiB", true, "");
        MemoryManager mm = Machines.mm(m);
        VmStat vm = m.vmstat();
        Flusher flusher = Machines.flusher(m);
        int pid = mm.spawn("w");
        int fd = mm.open(pid, "t.bin", true);
        byte[] page = new byte[PAGE];
        for (int p = 0; p < 600; p++) {
            mm.pwrite(pid, fd, page, PAGE, (long) p * PAGE);
            assertThat(vm.get(VmItem.NR_DIRTY) + vm.get(VmItem.NR_WRITEBACK)).isLessThanOrEqualTo(flusher.threshold());
        }
        assertThat(flusher.throttles).isPositive();
        assertThat(flusher.throttledNanos).isPositive();
        // the writer waited in virtual time: at least for the pages beyond the threshold to be written
        assertThat(m.clock().now()).isGreaterThanOrEqualTo((600 - flusher.threshold()) * IO);
        Machines.cache(m).verify();
    }

    /** Two files of 100 dirty pages each, dirtied at 1 s, written by the 35 s pass. */
    private static StandaloneMachine twoFiles(int threads) {
        StandaloneMachine m = Machines.build("4MiB", true, "mmkit.machine.reclaim.writeback {\n"
            + "threads = " + threads + "\ndirty-background-ratio = 80\ndirty-ratio = 90 }");
        MemoryManager mm = Machines.mm(m);
        m.clock().advance(S);
        int pid = mm.spawn("w");
        writePages(mm, pid, mm.open(pid, "a.bin", true), 100);
        writePages(mm, pid, mm.open(pid, "b.bin", true), 100);
        m.clock().advance(34 * S);
        assertThat(m.vmstat().get(VmItem.NR_WRITEBACK)).isEqualTo(200);
        return m;
    }

    @Test
    void moreFlusherThreadsWriteFilesInParallel() {
        // one queue: a.bin ends at 35 s + 100 × 100 µs, b.bin after it at + 200 × 100 µs
        StandaloneMachine one = twoFiles(1);
        one.clock().advance(100 * IO);
        assertThat(one.vmstat().get(VmItem.NR_WRITEBACK)).isEqualTo(100);
        one.clock().advance(100 * IO);
        assertThat(one.vmstat().get(VmItem.NR_WRITEBACK)).isZero();
        // two queues: both files end together at 35 s + 100 × 100 µs
        StandaloneMachine two = twoFiles(2);
        two.clock().advance(100 * IO);
        assertThat(two.vmstat().get(VmItem.NR_WRITEBACK)).isZero();
        assertThat(Machines.flusher(two).busyUntil()).containsExactly(35 * S + 100 * IO, 35 * S + 100 * IO);
    }

    @Test
    void withoutAPageCacheTheFlusherHasNothingToDo() {
        StandaloneMachine m = TestMachine.build("mmkit.machine.memory.size = 1MiB\nmmkit.machine.zones = [ { name = Normal } ]\n"
            + "mmkit.machine.page-cache.impl = none\nmmkit.machine.reclaim.writeback.impl = flusher",
            (b, at) -> b.writebackDaemon(mm -> new FlusherProvider().create(at.apply("mmkit.machine.reclaim.writeback"), mm)));
        Flusher flusher = (Flusher) m.writebackDaemon();
        m.clock().advance(60 * S);
        assertThat(flusher.periodicRuns).isEqualTo(12);
        assertThat(flusher.pagesKupdate).isZero();
    }
}
