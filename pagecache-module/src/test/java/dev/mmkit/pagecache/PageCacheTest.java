package dev.mmkit.pagecache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.hw.Page;
import dev.mmkit.api.machine.PageFlags;
import dev.mmkit.api.machine.VmItem;
import dev.mmkit.api.machine.VmStat;
import dev.mmkit.api.mm.MemoryManager;
import dev.mmkit.api.workload.Mman;
import dev.mmkit.machine.StandaloneMachine;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

// The radix page cache in a whole machine: real file bytes, Linux's counters, the replacement policy's reclaim.
class PageCacheTest {
    private static final int PAGE = Page.SIZE;
    private static final int RW = Mman.PROT_READ | Mman.PROT_WRITE;

    private final StandaloneMachine machine = Machines.build("4MiB", false, "");
    private final MemoryManager mm = Machines.mm(machine);
    private final VmStat vm = machine.vmstat();

    @Test
    void writesReachTheFileOnFsyncAndShutdown() {
        int pid = mm.spawn("w");
        int fd = mm.open(pid, "dir/a.bin", true);
        assertThat(fd).isNotNegative();
        byte[] data = Machines.pattern(3 * PAGE + 100, 1);
        assertThat(mm.pwrite(pid, fd, data, data.length, 0)).isEqualTo(data.length);
        // write() is buffered: the pages are dirty in the cache, the file still empty
        assertThat(vm.get(VmItem.NR_FILE_PAGES)).isEqualTo(4);
        assertThat(vm.get(VmItem.NR_DIRTY)).isEqualTo(4);
        assertThat(vm.get(VmItem.NR_DIRTIED)).isEqualTo(4);
        assertThat(Machines.disk(machine, "dir/a.bin")).isEmpty();
        byte[] back = new byte[data.length];
        assertThat(mm.pread(pid, fd, back, back.length, 0)).isEqualTo(data.length);
        assertThat(back).isEqualTo(data);
        assertThat(mm.fsync(pid, fd)).isZero();
        assertThat(Machines.disk(machine, "dir/a.bin")).isEqualTo(data);
        assertThat(vm.get(VmItem.NR_DIRTY)).isZero();
        assertThat(vm.get(VmItem.NR_WRITEBACK)).isZero();
        assertThat(vm.get(VmItem.NR_WRITTEN)).isEqualTo(4);
        // pgpgout is in KiB, as /proc/vmstat prints it: 4 pages of 4 KiB
        assertThat(vm.get(VmItem.PGPGOUT)).isEqualTo(16);
        // an overwrite in the middle, then a clean shutdown
        byte[] patch = {9, 9, 9};
        assertThat(mm.pwrite(pid, fd, patch, 3, PAGE - 1)).isEqualTo(3);
        System.arraycopy(patch, 0, data, PAGE - 1, 3);
        Machines.cache(machine).verify();
        mm.shutdown();
        assertThat(Machines.disk(machine, "dir/a.bin")).isEqualTo(data);
    }

    @Test
    void readsTheFilesBytesAndCountsPgpginInKib() {
        byte[] data = Machines.pattern(10 * PAGE, 2);
        Machines.createFile(machine, "r.bin", data);
        int pid = mm.spawn("r");
        int fd = mm.open(pid, "r.bin", false);
        byte[] buf = new byte[100];
        assertThat(mm.pread(pid, fd, buf, 100, 5)).isEqualTo(100);
        assertThat(buf).isEqualTo(Arrays.copyOfRange(data, 5, 105));
        // the first read of page 0 reads the initial window of 4 pages (read-ahead): 16 KiB
        assertThat(vm.get(VmItem.PGPGIN)).isEqualTo(16);
        assertThat(vm.get(VmItem.NR_FILE_PAGES)).isEqualTo(4);
        // reading on: page 1 is the window's marker, so the next window (8 pages, cut at the end of the file) comes in
        assertThat(mm.pread(pid, fd, buf, 100, PAGE)).isEqualTo(100);
        assertThat(vm.get(VmItem.NR_FILE_PAGES)).isEqualTo(10);
        assertThat(Machines.cache(machine).counters()).containsEntry("ra_windows", 2L).containsEntry("ra_async_hits", 1L)
            .containsEntry("pages_read", 10L).containsEntry("read_io_requests", 2L);
        assertThat(mm.pread(pid, fd, buf, 100, 10 * PAGE - 50)).isEqualTo(50);
        assertThat(mm.pread(pid, fd, buf, 100, 10 * PAGE)).isZero();
        assertThat(mm.open(pid, "missing.bin", false)).isEqualTo(-2);
        assertThat(mm.open(pid, "../escape.bin", true)).isEqualTo(-5);
        Machines.cache(machine).verify();
    }

    @Test
    void sharedMappingsAreThePageCachesPagesAndCountAsMapped() {
        byte[] data = Machines.pattern(4 * PAGE, 3);
        Machines.createFile(machine, "m.bin", data);
        int pid = mm.spawn("m");
        int fd = mm.open(pid, "m.bin", false);
        long a = mm.mmap(pid, 0, 4 * PAGE, RW, Mman.MAP_SHARED, fd, 0);
        assertThat(mm.load(pid, a + PAGE + 8, 1)).isEqualTo(data[PAGE + 8] & 0xff);
        assertThat(vm.get(VmItem.NR_MAPPED)).isEqualTo(1);
        assertThat(mm.store(pid, a + 2 * PAGE, 8, 0x1122334455667788L)).isTrue();
        assertThat(vm.get(VmItem.NR_MAPPED)).isEqualTo(2);
        assertThat(vm.get(VmItem.NR_DIRTY)).isEqualTo(1);
        byte[] word = new byte[8];
        assertThat(mm.pread(pid, fd, word, 8, 2 * PAGE)).isEqualTo(8);
        assertThat(word[0]).isEqualTo((byte) 0x88);
        assertThat(mm.fsync(pid, fd)).isZero();
        assertThat(Machines.disk(machine, "m.bin")[2 * PAGE + 7]).isEqualTo((byte) 0x11);
        assertThat(mm.munmap(pid, a, 4 * PAGE)).isZero();
        assertThat(vm.get(VmItem.NR_MAPPED)).isZero();
        mm.verify();
        Machines.cache(machine).verify();
    }

    @Test
    void sharedMappingsShareTheCachedPageAndPrivateOnesCopyOnWrite() {
        byte[] data = Machines.pattern(2 * PAGE, 10);
        Machines.createFile(machine, "s2.bin", data);
        int a = mm.spawn("a");
        int b = mm.spawn("b");
        int fa = mm.open(a, "s2.bin", false);
        int fb = mm.open(b, "s2.bin", false);
        long ma = mm.mmap(a, 0, 2 * PAGE, RW, Mman.MAP_SHARED, fa, 0);
        long mb = mm.mmap(b, 0, 2 * PAGE, RW, Mman.MAP_SHARED, fb, 0);
        long pb = mm.mmap(b, 0, 2 * PAGE, RW, Mman.MAP_PRIVATE, fb, 0);
        assertThat(mm.store(a, ma + 16, 8, 0x5555)).isTrue();
        // b's shared mapping sees a's store: both map the one cached page
        assertThat(mm.load(b, mb + 16, 8)).isEqualTo(0x5555);
        assertThat(Machines.cache(machine).nrPages()).isEqualTo(2);
        // b's private mapping gets a copy on its write; neither the file nor a sees it
        assertThat(mm.store(b, pb + PAGE, 8, 0x6666)).isTrue();
        assertThat(mm.load(b, pb + PAGE, 8)).isEqualTo(0x6666);
        assertThat(mm.load(a, ma + PAGE, 8)).isNotEqualTo(0x6666);
        mm.shutdown();
        byte[] disk = Machines.disk(machine, "s2.bin");
        assertThat(disk[16]).isEqualTo((byte) 0x55);
        assertThat(Arrays.copyOfRange(disk, PAGE, 2 * PAGE)).isEqualTo(Arrays.copyOfRange(data, PAGE, 2 * PAGE));
    }

    @Test
    void aStoreThroughAMappingAfterWritebackStillReachesTheFile() {
        int pid = mm.spawn("s");
        int fd = mm.open(pid, "s.bin", true);
        mm.pwrite(pid, fd, new byte[PAGE], PAGE, 0);
        long a = mm.mmap(pid, 0, PAGE, RW, Mman.MAP_SHARED, fd, 0);
        assertThat(mm.store(pid, a, 8, 0x1111)).isTrue();
        assertThat(mm.fsync(pid, fd)).isZero();
        // the page is clean now; a second store through the same (still writable) mapping
        // must make it dirty again, for fsync and for the shutdown
        assertThat(mm.store(pid, a + 8, 8, 0x2222)).isTrue();
        assertThat(mm.fsync(pid, fd)).isZero();
        assertThat(Machines.disk(machine, "s.bin")[8]).isEqualTo((byte) 0x22);
        assertThat(mm.store(pid, a + 16, 8, 0x3333)).isTrue();
        mm.shutdown();
        assertThat(Machines.disk(machine, "s.bin")[16]).isEqualTo((byte) 0x33);
    }

    @Test
    void truncateDropsPagesAndZeroesTheTail() {
        int pid = mm.spawn("t");
        int fd = mm.open(pid, "t.bin", true);
        byte[] data = Machines.pattern(5 * PAGE, 4);
        mm.pwrite(pid, fd, data, data.length, 0);
        assertThat(mm.ftruncate(pid, fd, PAGE + 10)).isZero();
        assertThat(vm.get(VmItem.NR_FILE_PAGES)).isEqualTo(2);
        assertThat(vm.get(VmItem.NR_DIRTY)).isEqualTo(2);
        assertThat(Machines.cache(machine).byId(1).size()).isEqualTo(PAGE + 10);
        // grow again: the bytes between the old and the new end read as zeros
        assertThat(mm.ftruncate(pid, fd, 3 * PAGE)).isZero();
        byte[] buf = new byte[20];
        assertThat(mm.pread(pid, fd, buf, 20, PAGE)).isEqualTo(20);
        assertThat(Arrays.copyOfRange(buf, 0, 10)).isEqualTo(Arrays.copyOfRange(data, PAGE, PAGE + 10));
        assertThat(Arrays.copyOfRange(buf, 10, 20)).containsOnly(0);
        mm.shutdown();
        byte[] disk = Machines.disk(machine, "t.bin");
        assertThat(disk).hasSize(3 * PAGE);
        assertThat(Arrays.copyOfRange(disk, 0, PAGE + 10)).isEqualTo(Arrays.copyOfRange(data, 0, PAGE + 10));
        assertThat(Arrays.copyOfRange(disk, PAGE + 10, 3 * PAGE)).containsOnly(0);
    }

    @Test
    void cleanPagesAreReclaimedThroughThePolicyAndReadAgain() {
        // a 6 MiB file through 4 MiB of RAM: reading it must evict its own earlier pages
        byte[] data = Machines.pattern(6 << 20, 5);
        Machines.createFile(machine, "big.bin", data);
        int pid = mm.spawn("big");
        int fd = mm.open(pid, "big.bin", false);
        byte[] buf = new byte[64 << 10];
        for (int pos = 0; pos < data.length; pos += buf.length) {
            assertThat(mm.pread(pid, fd, buf, buf.length, pos)).isEqualTo(buf.length);
            assertThat(buf).isEqualTo(Arrays.copyOfRange(data, pos, pos + buf.length));
        }
        long cached = vm.get(VmItem.NR_FILE_PAGES);
        assertThat(cached).isLessThan((6 << 20) / PAGE).isPositive();
        assertThat(vm.get(VmItem.PGSTEAL_FILE) + vm.get(VmItem.PGSTEAL_KSWAPD) + vm.get(VmItem.PGSTEAL_DIRECT)).isPositive();
        // every page was read exactly once: pgpgin is the file's size in KiB
        assertThat(vm.get(VmItem.PGPGIN)).isEqualTo((6 << 20) / 1024);
        // and the first pages, long evicted, read back right
        assertThat(mm.pread(pid, fd, buf, buf.length, 0)).isEqualTo(buf.length);
        assertThat(buf).isEqualTo(Arrays.copyOfRange(data, 0, buf.length));
        assertThat(Machines.cache(machine).nrPages()).isEqualTo(vm.get(VmItem.NR_FILE_PAGES));
        Machines.cache(machine).verify();
        mm.verify();
    }

    @Test
    void dirtyPagesAreWrittenBeforeReclaimDropsThem() {
        int pid = mm.spawn("d");
        int fd = mm.open(pid, "d.bin", true);
        byte[] data = Machines.pattern(6 << 20, 6);
        for (int pos = 0; pos < data.length; pos += 1 << 16) {
            assertThat(mm.pwrite(pid, fd, Arrays.copyOfRange(data, pos, pos + (1 << 16)), 1 << 16, pos)).isEqualTo(1 << 16);
        }
        assertThat(vm.get(VmItem.NR_FILE_PAGES)).isLessThan((6 << 20) / PAGE);
        assertThat(vm.get(VmItem.NR_VMSCAN_WRITE)).isPositive();
        byte[] buf = new byte[PAGE];
        for (int pos = 0; pos < data.length; pos += 97 * PAGE) {
            assertThat(mm.pread(pid, fd, buf, PAGE, pos)).isEqualTo(PAGE);
            assertThat(buf).isEqualTo(Arrays.copyOfRange(data, pos, pos + PAGE));
        }
        Machines.cache(machine).verify();
        mm.shutdown();
        assertThat(Machines.disk(machine, "d.bin")).isEqualTo(data);
    }

    @Test
    void aCachedPageIsFoundByIndexWithItsMapping() throws Exception {
        int pid = mm.spawn("f");
        int fd = mm.open(pid, "f.bin", true);
        mm.pwrite(pid, fd, new byte[PAGE], PAGE, 7L * PAGE);
        RadixPageCache cache = Machines.cache(machine);
        FileAddressSpace as = cache.byId(1);
        long pfn = as.findPage(7);
        assertThat(pfn).isNotNegative();
        assertThat(machine.memMap().mapping(pfn)).isEqualTo(as.id());
        assertThat(machine.memMap().index(pfn)).isEqualTo(7);
        assertThat(machine.memMap().testFlag(pfn, PageFlags.PG_UPTODATE)).isTrue();
        assertThat(as.findPage(6)).isEqualTo(-1);
        // a page written whole past the end is not read from the file
        assertThat(vm.get(VmItem.PGPGIN)).isZero();
        assertThat(as.nrPages()).isEqualTo(1);
        assertThat(machine.slab().caches()).anyMatch(c -> c.name().equals("radix_tree_node") && c.activeObjects() > 0);
    }
}
