package dev.mmkit.paging.mm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.hw.Pte;
import dev.mmkit.api.machine.VmItem;
import dev.mmkit.api.machine.VmStat;
import dev.mmkit.api.page.Gfp;
import dev.mmkit.api.workload.Mman;
import dev.mmkit.machine.StandaloneMachine;
import dev.mmkit.paging.TestPageCache;
import org.junit.jupiter.api.Test;

// Linux counts swap-cache pages in NR_FILE_PAGES as well as in NR_SWAPCACHED, and meminfo's
// Cached is NR_FILE_PAGES - SwapCached (- Buffers, 0 here): the machine keeps both counts so.
class SwapCacheAccountingTest {
    private static final int RW = Mman.PROT_READ | Mman.PROT_WRITE;
    private static final int ANON = Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS;

    private final StandaloneMachine machine = Machines.small("8MiB", "4MiB", "mmkit.machine.page-cache.impl = test");
    private final LinuxMemoryManager mm = Machines.mm(machine);
    private final VmStat vm = machine.vmstat();

    private long cachedAsMeminfoPrintsIt() {
        return vm.get(VmItem.NR_FILE_PAGES) - vm.get(VmItem.NR_SWAPCACHED);
    }

    @Test
    void swapCachePagesCountInFilePagesOnceAndMeminfoSubtractsThem() {
        TestPageCache cache = (TestPageCache) machine.pageCache();
        cache.disk.put("f", new byte[2 * 4096]);
        int pid = mm.spawn("p");
        int fd = mm.open(pid, "f", false);
        mm.pread(pid, fd, new byte[2 * 4096], 2 * 4096, 0);
        assertThat(vm.get(VmItem.NR_FILE_PAGES)).isEqualTo(2);
        long a = mm.mmap(pid, 0, 4096, RW, ANON, -1, 0);
        mm.store(pid, a, 8, 5);
        Task t = (Task) mm.processes().get(0);
        long pfn = Pte.pfn(machine.pageTable().getPte(t.mm.root, a));
        // written to swap but kept: a swap-cache page, counted in both
        assertThat(mm.startWriteback(pfn)).isTrue();
        assertThat(vm.get(VmItem.NR_SWAPCACHED)).isEqualTo(1);
        assertThat(vm.get(VmItem.NR_FILE_PAGES)).isEqualTo(3);
        assertThat(cachedAsMeminfoPrintsIt()).isEqualTo(2).isEqualTo(cache.nrPages());
        mm.verify();
        // it leaves the swap cache with its last mapping
        mm.munmap(pid, a, 4096);
        assertThat(vm.get(VmItem.NR_SWAPCACHED)).isZero();
        assertThat(vm.get(VmItem.NR_FILE_PAGES)).isEqualTo(2);
        mm.verify();
    }

    @Test
    void aSwapInStaysInTheSwapCacheUntilItsPageIsWritten() {
        int pid = mm.spawn("p");
        long a = mm.mmap(pid, 0, 4096, RW, ANON, -1, 0);
        mm.store(pid, a, 8, 5);
        assertThat(mm.shrinkNode(1, Gfp.GFP_KERNEL, true)).isEqualTo(1);
        // evicted: out of the swap cache and out of memory; one page written = 4 KiB out
        assertThat(vm.get(VmItem.NR_SWAPCACHED)).isZero();
        assertThat(vm.get(VmItem.NR_FILE_PAGES)).isZero();
        assertThat(vm.get(VmItem.PSWPOUT)).isEqualTo(1);
        assertThat(vm.get(VmItem.PGPGOUT)).isEqualTo(4);
        assertThat(mm.load(pid, a, 8)).isEqualTo(5);
        // read back: a swap-cache page again (its slot still holds a copy), 4 KiB in
        assertThat(vm.get(VmItem.PSWPIN)).isEqualTo(1);
        assertThat(vm.get(VmItem.PGPGIN)).isEqualTo(4);
        assertThat(vm.get(VmItem.NR_SWAPCACHED)).isEqualTo(1);
        assertThat(vm.get(VmItem.NR_FILE_PAGES)).isEqualTo(1);
        assertThat(cachedAsMeminfoPrintsIt()).isZero();
        mm.verify();
        // the write reuses the page and frees the slot: it leaves the swap cache
        mm.store(pid, a, 8, 6);
        assertThat(vm.get(VmItem.NR_SWAPCACHED)).isZero();
        assertThat(vm.get(VmItem.NR_FILE_PAGES)).isZero();
        mm.verify();
    }
}
