package dev.mmkit.paging.mm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.hw.Pte;
import dev.mmkit.api.machine.PageFlags;
import dev.mmkit.api.machine.VmItem;
import dev.mmkit.api.machine.VmStat;
import dev.mmkit.api.page.Gfp;
import dev.mmkit.api.workload.Mman;
import dev.mmkit.machine.StandaloneMachine;
import dev.mmkit.paging.TestPageCache;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

// The file LRU (page-cache pages evictable mapped or not, entering once) and the machine's
// NR_INACTIVE_/NR_ACTIVE_ and pgscan/pgsteal accounting by anon and file.
class LruAccountingTest {
    private static final int RW = Mman.PROT_READ | Mman.PROT_WRITE;
    private static final int ANON = Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS;

    private final List<RecordingPolicy> policies = new ArrayList<>();
    private final StandaloneMachine machine = RecordingPolicy.machine("8MiB", "4MiB", "", policies);
    private final LinuxMemoryManager mm = Machines.mm(machine);
    private final TestPageCache cache = (TestPageCache) machine.pageCache();
    private final VmStat vm = machine.vmstat();

    private int openFile(int pid, int pages) {
        byte[] bytes = new byte[pages * 4096];
        for (int i = 0; i < pages; i++) {
            bytes[i * 4096] = (byte) (i + 1);
        }
        cache.disk.put("f", bytes);
        return mm.open(pid, "f", false);
    }

    private long pfnOf(int pid, long va) {
        Task t = (Task) mm.processes().get(pid - 1);
        return Pte.pfn(machine.pageTable().getPte(t.mm.root, va));
    }

    @Test
    void pageCachePagesEnterOnceWhicheverComesFirstAndStayWhenUnmapped() {
        int pid = mm.spawn("p");
        int fd = openFile(pid, 2);
        RecordingPolicy lru = policies.get(0);
        // read: page 0 enters the LRU through the page cache's lruAdd
        mm.pread(pid, fd, new byte[8], 8, 0);
        assertThat(lru.size()).isEqualTo(1);
        assertThat(vm.get(VmItem.NR_INACTIVE_FILE)).isEqualTo(1);
        // mapping page 0 does not add it again; page 1, first brought in by a fault, enters once
        long a = mm.mmap(pid, 0, 2 * 4096, Mman.PROT_READ, Mman.MAP_SHARED, fd, 0);
        assertThat(mm.load(pid, a, 1)).isEqualTo(1);
        assertThat(lru.size()).isEqualTo(1);
        assertThat(mm.load(pid, a + 4096, 1)).isEqualTo(2);
        assertThat(lru.size()).isEqualTo(2);
        assertThat(vm.get(VmItem.NR_INACTIVE_FILE)).isEqualTo(2);
        assertThat(vm.get(VmItem.NR_MAPPED)).isEqualTo(2);
        long anon = mm.mmap(pid, 0, 4096, RW, ANON, -1, 0);
        mm.store(pid, anon, 8, 1);
        assertThat(lru.size()).isEqualTo(3);
        assertThat(vm.get(VmItem.NR_INACTIVE_ANON)).isEqualTo(1);
        mm.verify();
        // unmapped, the file pages stay evictable
        assertThat(mm.munmap(pid, a, 2 * 4096)).isZero();
        assertThat(vm.get(VmItem.NR_MAPPED)).isZero();
        assertThat(lru.size()).isEqualTo(3);
        assertThat(vm.get(VmItem.NR_INACTIVE_FILE)).isEqualTo(2);
        mm.verify();
        // truncate drops them through lruDel
        assertThat(mm.ftruncate(pid, fd, 0)).isZero();
        assertThat(lru.size()).isEqualTo(1);
        assertThat(vm.get(VmItem.NR_INACTIVE_FILE)).isZero();
        assertThat(vm.get(VmItem.NR_INACTIVE_ANON)).isEqualTo(1);
        mm.verify();
    }

    @Test
    void reclaimDropsUnmappedCleanFilePagesAndCountsThemAsFile() {
        int pid = mm.spawn("p");
        int fd = openFile(pid, 2);
        // FIFO order: file page 0, file page 1, the anonymous page
        mm.pread(pid, fd, new byte[8], 8, 0);
        mm.pread(pid, fd, new byte[8], 8, 4096);
        long anon = mm.mmap(pid, 0, 4096, RW, ANON, -1, 0);
        mm.store(pid, anon, 8, 77);
        assertThat(mm.shrinkNode(2, Gfp.GFP_KERNEL, true)).isEqualTo(2);
        assertThat(cache.nrPages()).isZero();
        assertThat(vm.get(VmItem.PGSCAN_KSWAPD)).isEqualTo(2);
        assertThat(vm.get(VmItem.PGSTEAL_KSWAPD)).isEqualTo(2);
        assertThat(vm.get(VmItem.PGSCAN_FILE)).isEqualTo(2);
        assertThat(vm.get(VmItem.PGSTEAL_FILE)).isEqualTo(2);
        assertThat(vm.get(VmItem.PGSCAN_ANON)).isZero();
        assertThat(vm.get(VmItem.PGSTEAL_ANON)).isZero();
        assertThat(vm.get(VmItem.NR_INACTIVE_FILE)).isZero();
        assertThat(vm.get(VmItem.NR_INACTIVE_ANON)).isEqualTo(1);
        mm.verify();
        // the file reads back from its backing; then the anonymous page goes to swap
        byte[] b = new byte[1];
        mm.pread(pid, fd, b, 1, 4096);
        assertThat(b[0]).isEqualTo((byte) 2);
        assertThat(mm.shrinkNode(1, Gfp.GFP_KERNEL, false)).isEqualTo(1);
        assertThat(vm.get(VmItem.PGSCAN_DIRECT)).isEqualTo(1);
        assertThat(vm.get(VmItem.PGSCAN_ANON)).isEqualTo(1);
        assertThat(vm.get(VmItem.PGSTEAL_ANON)).isEqualTo(1);
        assertThat(vm.get(VmItem.PSWPOUT)).isEqualTo(1);
        assertThat(mm.load(pid, anon, 8)).isEqualTo(77);
        mm.verify();
    }

    @Test
    void aDirtyUnmappedFilePageWaitsForAReclaimThatMayEnterTheFilesystem() {
        int pid = mm.spawn("p");
        int fd = openFile(pid, 1);
        byte[] hello = "hello".getBytes(StandardCharsets.US_ASCII);
        assertThat(mm.pwrite(pid, fd, hello, hello.length, 0)).isEqualTo(5);
        assertThat(cache.nrDirty()).isEqualTo(1);
        assertThat(mm.shrinkNode(1, Gfp.GFP_NOFS, false)).isZero();
        assertThat(vm.get(VmItem.PGSCAN_FILE)).isEqualTo(1);
        assertThat(vm.get(VmItem.PGSTEAL_FILE)).isZero();
        // back on the LRU, counted inactive again
        assertThat(policies.get(0).size()).isEqualTo(1);
        assertThat(vm.get(VmItem.NR_INACTIVE_FILE)).isEqualTo(1);
        mm.verify();
        assertThat(mm.shrinkNode(1, Gfp.GFP_KERNEL, false)).isEqualTo(1);
        assertThat(Arrays.copyOf(cache.disk.get("f"), 5)).isEqualTo(hello);
        assertThat(cache.nrPages()).isZero();
        assertThat(vm.get(VmItem.PGSTEAL_FILE)).isEqualTo(1);
        mm.verify();
    }

    @Test
    void aPageLeavingTheLruIsUncountedFromTheListItsActiveFlagNames() {
        int pid = mm.spawn("p");
        long a = mm.mmap(pid, 0, 2 * 4096, RW, ANON, -1, 0);
        mm.store(pid, a, 8, 1);
        mm.store(pid, a + 4096, 8, 2);
        assertThat(vm.get(VmItem.NR_INACTIVE_ANON)).isEqualTo(2);
        // what a two-list policy does when it promotes a page
        long pfn = pfnOf(pid, a);
        machine.memMap().setFlag(pfn, PageFlags.PG_ACTIVE);
        vm.add(VmItem.NR_INACTIVE_ANON, -1);
        vm.add(VmItem.NR_ACTIVE_ANON, 1);
        mm.verify();
        assertThat(mm.munmap(pid, a, 4096)).isZero();
        assertThat(vm.get(VmItem.NR_ACTIVE_ANON)).isZero();
        assertThat(vm.get(VmItem.NR_INACTIVE_ANON)).isEqualTo(1);
        assertThat(machine.memMap().testFlag(pfn, PageFlags.PG_ACTIVE)).isFalse();
        mm.verify();
        // evicted the same way: the remaining page is promoted, then reclaimed
        long other = pfnOf(pid, a + 4096);
        machine.memMap().setFlag(other, PageFlags.PG_ACTIVE);
        vm.add(VmItem.NR_INACTIVE_ANON, -1);
        vm.add(VmItem.NR_ACTIVE_ANON, 1);
        assertThat(mm.shrinkNode(1, Gfp.GFP_KERNEL, true)).isEqualTo(1);
        assertThat(vm.get(VmItem.NR_ACTIVE_ANON)).isZero();
        assertThat(vm.get(VmItem.NR_INACTIVE_ANON)).isZero();
        mm.verify();
    }

    @Test
    void verifyNamesACounterThatDisagreesWithTheLists() {
        int pid = mm.spawn("p");
        long a = mm.mmap(pid, 0, 4096, RW, ANON, -1, 0);
        mm.store(pid, a, 8, 1);
        vm.add(VmItem.NR_INACTIVE_ANON, 1);
        org.assertj.core.api.Assertions.assertThatThrownBy(mm::verify)
            .hasMessage("nr_inactive_anon 2 but 1 pages on that list");
    }

    @Test
    void underAResidentLimitCachedPagesAreChargedToTheReaderAndOutliveIt() {
        List<RecordingPolicy> own = new ArrayList<>();
        StandaloneMachine m = RecordingPolicy.machine("8MiB", "4MiB", "mmkit.machine.paging.resident-limit = 4", own);
        LinuxMemoryManager k = Machines.mm(m);
        TestPageCache c = (TestPageCache) m.pageCache();
        c.disk.put("f", new byte[4096]);
        int pid = k.spawn("p");
        int fd = k.open(pid, "f", false);
        k.pread(pid, fd, new byte[8], 8, 0);
        // the reader's own set holds the page
        assertThat(own).hasSize(1);
        assertThat(own.get(0).size()).isEqualTo(1);
        k.exit(pid);
        // still cached, now in the machine-wide set of unowned page-cache pages
        assertThat(c.nrPages()).isEqualTo(1);
        assertThat(own).hasSize(2);
        assertThat(own.get(1).size()).isEqualTo(1);
        assertThat(m.vmstat().get(VmItem.NR_INACTIVE_FILE)).isEqualTo(1);
        k.verify();
        assertThat(k.shrinkNode(1, Gfp.GFP_KERNEL, true)).isEqualTo(1);
        assertThat(c.nrPages()).isZero();
        k.verify();
    }
}
