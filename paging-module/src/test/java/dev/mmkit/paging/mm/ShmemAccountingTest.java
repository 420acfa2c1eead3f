package dev.mmkit.paging.mm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.hw.Pte;
import dev.mmkit.api.machine.VmItem;
import dev.mmkit.api.machine.VmStat;
import dev.mmkit.api.page.Gfp;
import dev.mmkit.api.workload.Mman;
import dev.mmkit.machine.StandaloneMachine;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

// MAP_SHARED|MAP_ANONYMOUS memory is a shmem object in Linux (shmem_zero_setup): its pages count
// in Cached and Shmem (shmem_add_to_page_cache) and, while mapped, once in Mapped
// (page_add_file_rmap), never in AnonPages; swap-out moves them to the swap cache
// (shmem_writepage), swap-in back (shmem_swapin_page); shmem_acct_size charges the object's
// whole size to Committed_AS from setup until its last VMA goes. Every expected figure below is
// worked out by hand from those rules, as a delta from the machine's state before the mapping.
class ShmemAccountingTest {
    private static final int RW = Mman.PROT_READ | Mman.PROT_WRITE;
    private static final int SHARED_ANON = Mman.MAP_SHARED | Mman.MAP_ANONYMOUS;
    private static final int PRIVATE_ANON = Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS;
    private static final int PAGE = 4096;
    private static final VmItem[] ITEMS = {VmItem.NR_ANON_PAGES, VmItem.NR_SHMEM, VmItem.NR_FILE_PAGES, VmItem.NR_MAPPED,
        VmItem.NR_SWAPCACHED};

    private final StandaloneMachine machine = Machines.small("8MiB", "1MiB", "");
    private final LinuxMemoryManager mm = Machines.mm(machine);
    private final VmStat vm = machine.vmstat();
    private final Map<VmItem, Long> start = new EnumMap<>(VmItem.class);
    private long startAnonLru;
    private long startSwapFree;

    /** The counters as they are now: what every later figure is a delta from. */
    private void baseline() {
        for (VmItem item : ITEMS) {
            start.put(item, vm.get(item));
        }
        startAnonLru = anonLru();
        startSwapFree = mm.swapFreePages();
    }

    private long anonLru() {
        return vm.get(VmItem.NR_ACTIVE_ANON) + vm.get(VmItem.NR_INACTIVE_ANON);
    }

    private long delta(VmItem item) {
        return vm.get(item) - start.get(item);
    }

    /** /proc/meminfo's Cached in pages: NR_FILE_PAGES − SwapCached (Buffers is 0). */
    private long cachedDelta() {
        return delta(VmItem.NR_FILE_PAGES) - delta(VmItem.NR_SWAPCACHED);
    }

    /** AnonPages, Shmem, Cached, Mapped and SwapCached moved by these many pages since the baseline; verified. */
    private void expect(long anon, long shmem, long mapped, long swapCached) {
        assertThat(delta(VmItem.NR_ANON_PAGES)).as("AnonPages").isEqualTo(anon);
        assertThat(delta(VmItem.NR_SHMEM)).as("Shmem").isEqualTo(shmem);
        assertThat(cachedDelta()).as("Cached").isEqualTo(shmem);
        assertThat(delta(VmItem.NR_MAPPED)).as("Mapped").isEqualTo(mapped);
        assertThat(delta(VmItem.NR_SWAPCACHED)).as("SwapCached").isEqualTo(swapCached);
        mm.verify();
    }

    private long rss(int pid) {
        return mm.processes().get(pid - 1).residentPages();
    }

    /** A new {@code pages}-page MAP_SHARED|MAP_ANONYMOUS mapping of {@code pid}, its first {@code touched} pages written. */
    private long sharedMapping(int pid, int pages, int touched) {
        long a = mm.mmap(pid, 0, (long) pages * PAGE, RW, SHARED_ANON, -1, 0);
        assertThat(a).isPositive();
        touch(pid, a, 0, touched);
        return a;
    }

    /** Reads back what {@link #touch} wrote to pages [0, pages). */
    private void readBack(int pid, long base, int pages) {
        for (int i = 0; i < pages; i++) {
            assertThat(mm.load(pid, base + (long) i * PAGE, 8)).isEqualTo(1000 + i);
        }
    }

    private void touch(int pid, long base, int from, int to) {
        for (int i = from; i < to; i++) {
            assertThat(mm.store(pid, base + (long) i * PAGE, 8, 1000 + i)).isTrue();
        }
    }

    @Test
    void sharedPagesAreShmemThroughForkAndLeaveWithTheLastSharer() {
        int parent = mm.spawn("parent");
        baseline();
        long a = mm.mmap(parent, 0, 16 * PAGE, RW, SHARED_ANON, -1, 0);
        // shmem_acct_size: the whole object, 16 pages, at setup; no page yet
        assertThat(mm.shmemCommittedPages()).isEqualTo(16);
        expect(0, 0, 0, 0);

        touch(parent, a, 0, 10);
        // 10 pages of the object: Shmem and Cached 10 (40 kB), each mapped once: Mapped 10;
        // swap-backed, so on the anon LRU lists
        expect(0, 10, 10, 0);
        assertThat(anonLru() - startAnonLru).isEqualTo(10);

        int child = mm.fork(parent);
        assertThat(child).isPositive();
        // the child maps the same 10 pages: Mapped counts pages, not mappings; still one object
        expect(0, 10, 10, 0);
        assertThat(mm.shmemCommittedPages()).isEqualTo(16);
        touch(child, a, 10, 13);
        // 13 resident pages of the object, 52 kB of Shmem, each mapped by both (rss 13 each)
        expect(0, 13, 13, 0);
        assertThat(rss(parent)).isEqualTo(13);
        assertThat(rss(child)).isEqualTo(13);
        assertThat(anonLru() - startAnonLru).isEqualTo(13);
        assertThat(mm.load(parent, a + 12L * PAGE, 8)).isEqualTo(1012);

        // the parent unmaps the whole range: the child still maps the object, nothing leaves
        assertThat(mm.munmap(parent, a, 16 * PAGE)).isZero();
        expect(0, 13, 13, 0);
        assertThat(mm.shmemCommittedPages()).isEqualTo(16);

        // the last sharer exits: every page and the object's charge go
        mm.exit(child);
        expect(0, 0, 0, 0);
        assertThat(anonLru()).isEqualTo(startAnonLru);
        assertThat(mm.shmemCommittedPages()).isZero();
    }

    @Test
    void privateAnonymousMemoryStaysAnonPages() {
        int p = mm.spawn("p");
        baseline();
        long priv = mm.mmap(p, 0, 4 * PAGE, RW, PRIVATE_ANON, -1, 0);
        long shared = mm.mmap(p, 0, 2 * PAGE, RW, SHARED_ANON, -1, 0);
        touch(p, priv, 0, 4);
        touch(p, shared, 0, 2);
        // 4 private pages in AnonPages (not Mapped: NR_FILE_MAPPED is file and shmem pages), 2 shmem pages
        expect(4, 2, 2, 0);
        // a fork shares the private pages copy-on-write; a write in the child copies one
        int child = mm.fork(p);
        assertThat(mm.store(child, priv, 8, 7)).isTrue();
        expect(5, 2, 2, 0);
        // only the shared mapping is charged by the core (private ones: by the report, from maps)
        assertThat(mm.shmemCommittedPages()).isEqualTo(2);
        mm.exit(child);
        assertThat(mm.munmap(p, priv, 4 * PAGE)).isZero();
        assertThat(mm.munmap(p, shared, 2 * PAGE)).isZero();
        expect(0, 0, 0, 0);
        assertThat(mm.shmemCommittedPages()).isZero();
    }

    @Test
    void theObjectIsChargedWholeWhateverItsProtectionUntilItsLastPieceGoes() {
        int p = mm.spawn("p");
        // shmem_acct_size does not look at PROT_WRITE: a read-only object is charged too
        long ro = mm.mmap(p, 0, 3 * PAGE, Mman.PROT_READ, SHARED_ANON, -1, 0);
        long rw = mm.mmap(p, 0, 4 * PAGE, RW, SHARED_ANON, -1, 0);
        assertThat(mm.shmemCommittedPages()).isEqualTo(3 + 4);
        // unmapping a piece leaves the object (and its charge of 4) while another piece maps it
        assertThat(mm.munmap(p, rw, PAGE)).isZero();
        assertThat(mm.munmap(p, rw + 3L * PAGE, PAGE)).isZero();
        assertThat(mm.shmemCommittedPages()).isEqualTo(3 + 4);
        mm.verify();
        assertThat(mm.munmap(p, rw + PAGE, 2 * PAGE)).isZero();
        assertThat(mm.shmemCommittedPages()).isEqualTo(3);
        mm.exit(p);
        assertThat(mm.shmemCommittedPages()).isZero();
    }

    @Test
    void swapOutMovesShmemToSwapAndSwapInBringsItBack() {
        int parent = mm.spawn("parent");
        baseline();
        long a = sharedMapping(parent, 4, 4);
        int child = mm.fork(parent);
        expect(0, 4, 4, 0);

        // reclaim takes 2 of the 4 pages: each is unmapped from both sharers, moved from the
        // object to the swap cache (shmem_writepage), written and freed: Shmem and Mapped 2,
        // SwapCached back to 0, 2 slots in use (each named by both sharers' entries)
        assertThat(mm.shrinkNode(2, Gfp.GFP_KERNEL, true)).isEqualTo(2);
        expect(0, 2, 2, 0);
        assertThat(startSwapFree - mm.swapFreePages()).isEqualTo(2);
        assertThat(vm.get(VmItem.PSWPOUT)).isEqualTo(2);
        assertThat(rss(parent)).isEqualTo(2);
        assertThat(rss(child)).isEqualTo(2);

        // the parent reads all 4: 2 major faults; each page read returns to the object
        // (shmem_swapin_page): mapped by both again, out of the swap cache, its slot freed
        readBack(parent, a, 4);
        assertThat(vm.get(VmItem.PSWPIN)).isEqualTo(2);
        expect(0, 4, 4, 0);
        assertThat(mm.swapFreePages()).isEqualTo(startSwapFree);
        assertThat(rss(child)).isEqualTo(4);
        // the child's reads need no swap-in: its entries were replaced with the pages
        long faults = vm.get(VmItem.PGFAULT);
        readBack(child, a, 4);
        assertThat(vm.get(VmItem.PGFAULT)).isEqualTo(faults);
        assertThat(vm.get(VmItem.PSWPIN)).isEqualTo(2);

        mm.exit(child);
        mm.exit(parent);
        expect(0, 0, 0, 0);
        assertThat(mm.swapFreePages()).isEqualTo(startSwapFree);
        assertThat(mm.shmemCommittedPages()).isZero();
    }

    @Test
    void aSwappedOutPageUnmappedEverywhereFreesItsSlot() {
        int parent = mm.spawn("parent");
        baseline();
        long a = sharedMapping(parent, 2, 2);
        int child = mm.fork(parent);
        assertThat(mm.shrinkNode(2, Gfp.GFP_KERNEL, true)).isEqualTo(2);
        // both pages in swap, none resident
        expect(0, 0, 0, 0);
        assertThat(startSwapFree - mm.swapFreePages()).isEqualTo(2);
        mm.exit(parent);
        assertThat(startSwapFree - mm.swapFreePages()).isEqualTo(2);
        mm.exit(child);
        expect(0, 0, 0, 0);
        assertThat(mm.swapFreePages()).isEqualTo(startSwapFree);
    }

    @Test
    void aPageWrittenAheadOfEvictionCountsAsSwapCachedUntilItGoes() {
        // a policy's early writeback (startWriteback) moves the page from its object to the swap
        // cache as shmem_writepage does: Shmem and Cached 0, SwapCached 1; it stays Mapped
        int p = mm.spawn("p");
        baseline();
        long a = sharedMapping(p, 1, 1);
        Task t = (Task) mm.processes().get(p - 1);
        long pfn = Pte.pfn(machine.pageTable().getPte(t.mm.root, a));
        assertThat(mm.startWriteback(pfn)).isTrue();
        assertThat(vm.get(VmItem.PSWPOUT)).isEqualTo(1);
        expect(0, 0, 1, 1);
        assertThat(startSwapFree - mm.swapFreePages()).isEqualTo(1);
        // the last unmap frees it from the swap cache, and its slot
        assertThat(mm.munmap(p, a, PAGE)).isZero();
        expect(0, 0, 0, 0);
        assertThat(mm.swapFreePages()).isEqualTo(startSwapFree);
    }
}
