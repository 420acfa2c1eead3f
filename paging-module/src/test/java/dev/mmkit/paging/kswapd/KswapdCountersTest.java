package dev.mmkit.paging.kswapd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.machine.VmItem;
import dev.mmkit.api.machine.VmStat;
import dev.mmkit.api.mm.MemoryManager;
import dev.mmkit.api.page.Gfp;
import dev.mmkit.api.page.Zone;
import dev.mmkit.api.slab.KmemCache;
import dev.mmkit.api.workload.Mman;
import dev.mmkit.machine.StandaloneMachine;
import dev.mmkit.paging.TestMachine;
import org.junit.jupiter.api.Test;

// Reclaim counters, exactly. The machine: 1 MiB (256 frames) in one Normal zone with explicit
// watermarks min 8, low 40, high 64 and no per-CPU lists, so every allocation and every page
// freed shows in the zone's free count. Each process maps its memory at 1 GiB, inside one
// page table, so after the first store of a region every new page costs exactly one frame.
class KswapdCountersTest {
    private static final long BASE = 1L << 30;
    private static final int LOW = 40;
    private static final int HIGH = 64;
    private static final int BATCH = 32;

    private static StandaloneMachine machine(String swap, String extra) {
        return TestMachine.build("mmkit.machine.memory.size = 1MiB\n"
            + "mmkit.machine.zones = [ { name = Normal } ]\n"
            + "mmkit.machine.page-allocator.watermarks { Normal { min = 8, low = " + LOW + ", high = " + HIGH + " } }\n"
            + "mmkit.machine.page-allocator.pcp.high = 0\n"
            + "mmkit.machine.paging.swap.size = " + swap + "\n" + extra);
    }

    private static Zone normal(StandaloneMachine machine) {
        return machine.pageAllocator().zones().stream().filter(z -> z.managedPages() > 0).findFirst().orElseThrow();
    }

    private static long region(MemoryManager mm, int pid, int pages) {
        long a = mm.mmap(pid, BASE, pages * 4096L, Mman.PROT_READ | Mman.PROT_WRITE,
            Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS | Mman.MAP_FIXED, -1, 0);
        assertThat(a).isEqualTo(BASE);
        return a;
    }

    @Test
    void wakeupsAtLowReclaimOneBatchToHighAndASecondSoonAfterHitsQuickly() {
        StandaloneMachine machine = machine("4MiB", "");
        MemoryManager mm = machine.memoryManager();
        VmStat vm = machine.vmstat();
        Zone zone = normal(machine);
        int pid = mm.spawn("p");
        long a = region(mm, pid, 250);
        mm.store(pid, a, 8, 0);
        int touched = 1;
        long free = zone.freePages();
        // each store takes one frame; the one that finds free == low wakes kswapd, which runs
        // when that store returns: free is then low - 1
        while (free > LOW) {
            mm.store(pid, a + touched * 4096L, 8, touched);
            touched++;
            free--;
            assertThat(zone.freePages()).isEqualTo(free);
            assertThat(vm.get(VmItem.PAGEOUTRUN)).isZero();
        }
        mm.store(pid, a + touched * 4096L, 8, touched);
        touched++;
        // one pass of 32 (SWAP_CLUSTER_MAX): low - 1 + 32 = 71 >= high 64
        assertThat(vm.get(VmItem.PAGEOUTRUN)).isEqualTo(1);
        assertThat(zone.freePages()).isEqualTo(LOW - 1 + BATCH);
        assertThat(vm.get(VmItem.PGSCAN_KSWAPD)).isEqualTo(BATCH);
        assertThat(vm.get(VmItem.PGSTEAL_KSWAPD)).isEqualTo(BATCH);
        assertThat(vm.get(VmItem.PGSCAN_ANON)).isEqualTo(BATCH);
        assertThat(vm.get(VmItem.PGSTEAL_ANON)).isEqualTo(BATCH);
        assertThat(vm.get(VmItem.PSWPOUT)).isEqualTo(BATCH);
        assertThat(vm.get(VmItem.SLABS_SCANNED)).isZero();
        assertThat(vm.get(VmItem.PGSCAN_DIRECT)).isZero();
        assertThat(vm.get(VmItem.ALLOCSTALL)).isZero();
        assertThat(vm.get(VmItem.KSWAPD_LOW_WMARK_HIT_QUICKLY)).isZero();
        assertThat(vm.get(VmItem.KSWAPD_HIGH_WMARK_HIT_QUICKLY)).isZero();
        // again down to low: 31 stores, and the 32nd wakes kswapd within HZ/10 of its last run
        long runEnd = machine.clock().now();
        for (int i = 0; i < BATCH - 1; i++) {
            mm.store(pid, a + touched * 4096L, 8, touched);
            touched++;
        }
        assertThat(zone.freePages()).isEqualTo(LOW);
        assertThat(vm.get(VmItem.PAGEOUTRUN)).isEqualTo(1);
        mm.store(pid, a + touched * 4096L, 8, touched);
        touched++;
        assertThat(machine.clock().now() - runEnd).isLessThan(Kswapd.NAP_NANOS);
        assertThat(vm.get(VmItem.PAGEOUTRUN)).isEqualTo(2);
        assertThat(vm.get(VmItem.KSWAPD_LOW_WMARK_HIT_QUICKLY)).isEqualTo(1);
        assertThat(vm.get(VmItem.PGSTEAL_KSWAPD)).isEqualTo(2 * BATCH);
        assertThat(vm.get(VmItem.PSWPOUT)).isEqualTo(2 * BATCH);
        assertThat(zone.freePages()).isEqualTo(LOW - 1 + BATCH);
        // FIFO took the oldest: the first 64 pages are swapped out and read back right
        assertThat(mm.counters().get("swap_ins")).isZero();
        assertThat(mm.load(pid, a + 31 * 4096L, 8)).isEqualTo(31);
        assertThat(mm.counters().get("swap_ins")).isEqualTo(1);
        assertThat(mm.load(pid, a + 64 * 4096L, 8)).isEqualTo(64);
        assertThat(mm.counters().get("swap_ins")).isEqualTo(1);
        mm.verify();
    }

    @Test
    void periodicReclaimTopsUpBetweenLowAndHigh() {
        for (String interval : new String[] {"0s", "10ms"}) {
            StandaloneMachine machine = machine("4MiB", "mmkit.machine.reclaim.kswapd.interval = " + interval);
            Kswapd kswapd = (Kswapd) machine.reclaimDaemon();
            MemoryManager mm = machine.memoryManager();
            VmStat vm = machine.vmstat();
            Zone zone = normal(machine);
            int pid = mm.spawn("p");
            long a = region(mm, pid, 250);
            int touched = 0;
            while (zone.freePages() > LOW + 10) {
                mm.store(pid, a + touched * 4096L, 8, touched);
                touched++;
            }
            // 50 free: below high, above low; no wakeup, and within the first period
            assertThat(zone.freePages()).isEqualTo(LOW + 10);
            assertThat(machine.clock().now()).isLessThan(10_000_000L);
            assertThat(vm.get(VmItem.PAGEOUTRUN)).isZero();
            machine.clock().advance(10_000_000L);
            if (interval.equals("0s")) {
                // Linux: kswapd sleeps until woken
                assertThat(vm.get(VmItem.PAGEOUTRUN)).as(interval).isZero();
                assertThat(zone.freePages()).isEqualTo(LOW + 10);
            } else {
                // one run, one pass: 50 + 32 = 82 >= 64
                assertThat(kswapd.periodicRuns()).isEqualTo(1);
                assertThat(vm.get(VmItem.PAGEOUTRUN)).isEqualTo(1);
                assertThat(vm.get(VmItem.PGSTEAL_KSWAPD)).isEqualTo(BATCH);
                assertThat(zone.freePages()).isEqualTo(LOW + 10 + BATCH);
                // above high now: the next periods find nothing to do
                machine.clock().advance(30_000_000L);
                assertThat(kswapd.periodicRuns()).isEqualTo(1);
                assertThat(vm.get(VmItem.PAGEOUTRUN)).isEqualTo(1);
            }
            mm.verify();
        }
    }

    @Test
    void kswapdShrinksTheSlabCachesToo() {
        StandaloneMachine machine = machine("4MiB", "");
        MemoryManager mm = machine.memoryManager();
        VmStat vm = machine.vmstat();
        Zone zone = normal(machine);
        // objects allocated and freed again leave empty slabs behind
        KmemCache cache = machine.slab().createCache("test-objects", 1024, 8, 0, null);
        long[] objs = new long[64];
        for (int i = 0; i < objs.length; i++) {
            objs[i] = cache.alloc(Gfp.GFP_KERNEL);
        }
        for (long objp : objs) {
            cache.free(objp);
        }
        int pid = mm.spawn("p");
        long a = region(mm, pid, 250);
        mm.store(pid, a, 8, 0); // its page tables and anon_vma: no kernel allocation after this
        int touched = 1;
        long slabPages = machine.slab().slabPages();
        while (vm.get(VmItem.PAGEOUTRUN) == 0) {
            mm.store(pid, a + touched * 4096L, 8, touched);
            touched++;
        }
        long slabFreed = slabPages - machine.slab().slabPages();
        assertThat(slabFreed).isPositive();
        assertThat(vm.get(VmItem.SLABS_SCANNED)).isEqualTo(slabFreed);
        assertThat(vm.get(VmItem.PGSTEAL_KSWAPD)).isEqualTo(BATCH);
        // the run began at low - 1 and freed one batch and the empty slabs
        assertThat(zone.freePages()).isEqualTo(LOW - 1 + BATCH + slabFreed);
        mm.verify();
    }

    /**
     * Linux's {@code kswapd_failures}: with no swap, no anonymous page can go, so a run scans
     * nothing ({@code get_scan_count}) and reclaims nothing; each such run counts a failure,
     * and after {@code MAX_RECLAIM_RETRIES} (16) kswapd ignores its wakeups. Each store below
     * low takes one frame and wakes kswapd, whose run follows the store: from low - 1 down,
     * 16 stores make 16 failed runs, and the stores after them make none.
     */
    @Test
    void withoutSwapKswapdScansNothingAndGivesUpAfterSixteenFailedRuns() {
        StandaloneMachine machine = machine("0", "");
        MemoryManager mm = machine.memoryManager();
        VmStat vm = machine.vmstat();
        Kswapd kswapd = (Kswapd) machine.reclaimDaemon();
        Zone zone = normal(machine);
        int pid = mm.spawn("p");
        long a = region(mm, pid, 250);
        int touched = 0;
        while (zone.freePages() > LOW) {
            mm.store(pid, a + touched * 4096L, 8, touched);
            touched++;
        }
        assertThat(vm.get(VmItem.PAGEOUTRUN)).isZero();
        for (int run = 1; run <= 16; run++) {
            assertThat(kswapd.nodeUnreclaimable()).as("before run %d", run).isFalse();
            mm.store(pid, a + touched * 4096L, 8, touched);
            touched++;
            assertThat(vm.get(VmItem.PAGEOUTRUN)).isEqualTo(run);
        }
        assertThat(kswapd.nodeUnreclaimable()).isTrue();
        for (int i = 0; i < 8; i++) {
            mm.store(pid, a + touched * 4096L, 8, touched);
            touched++;
        }
        assertThat(vm.get(VmItem.PAGEOUTRUN)).as("no run once hopeless").isEqualTo(16);
        assertThat(zone.freePages()).isEqualTo(LOW - 24);
        assertThat(vm.get(VmItem.PGSCAN_KSWAPD)).isZero();
        assertThat(vm.get(VmItem.PGSTEAL_KSWAPD)).isZero();
        assertThat(vm.get(VmItem.ALLOCSTALL)).isZero();
        mm.verify();
    }

    /**
     * A direct reclaim that frees pages revives a kswapd that gave up (Linux: {@code
     * shrink_node} resets {@code kswapd_failures} on progress). Swap of 16 KiB holds three
     * pages; once they are out, every anonymous page needs a slot there is not, kswapd fails
     * 16 times and gives up. Unmapping the swapped-out pages frees their slots: the next
     * direct reclaim swaps out again, and kswapd answers wakeups again.
     */
    @Test
    void aDirectReclaimThatFreesPagesRevivesKswapd() {
        StandaloneMachine machine = machine("16KiB", "");
        MemoryManager mm = machine.memoryManager();
        VmStat vm = machine.vmstat();
        Kswapd kswapd = (Kswapd) machine.reclaimDaemon();
        Zone zone = normal(machine);
        int pid = mm.spawn("p");
        long a = region(mm, pid, 250);
        int touched = 0;
        while (!kswapd.nodeUnreclaimable()) {
            mm.store(pid, a + touched * 4096L, 8, touched);
            touched++;
        }
        assertThat(vm.get(VmItem.PSWPOUT)).as("the swap area's three slots").isEqualTo(3);
        assertThat(mm.swapFreePages()).isZero();
        // the run that filled the swap area stopped scanning there, and no run since scanned
        assertThat(vm.get(VmItem.PGSCAN_KSWAPD)).isEqualTo(3);
        assertThat(vm.get(VmItem.PGSTEAL_KSWAPD)).isEqualTo(3);
        long runs = vm.get(VmItem.PAGEOUTRUN);
        // FIFO swapped out the first three pages: unmapping them frees their slots
        assertThat(mm.munmap(pid, a, 3 * 4096L)).isZero();
        assertThat(mm.swapFreePages()).isEqualTo(3);
        long reclaimed = kswapd.directReclaim(Gfp.GFP_KERNEL, 0, zone);
        assertThat(reclaimed).isEqualTo(3);
        assertThat(vm.get(VmItem.PSWPOUT)).isEqualTo(6);
        assertThat(kswapd.nodeUnreclaimable()).isFalse();
        // awake again: the next store below low runs kswapd, which fails (swap full again)
        mm.store(pid, a + touched * 4096L, 8, touched);
        assertThat(vm.get(VmItem.PAGEOUTRUN)).isEqualTo(runs + 1);
        mm.verify();
    }

    /**
     * Linux 4.8+ counts a direct reclaim in allocstall_<zone> of {@code sc.reclaim_idx}, the
     * highest zone the allocation may use ({@code gfp_zone}), whatever zone the memory came
     * from: here a machine whose only zone is Normal.
     */
    @Test
    void aDirectReclaimCountsInTheAllocationsHighestZone() {
        StandaloneMachine machine = machine("0", "");
        VmStat vm = machine.vmstat();
        Zone zone = normal(machine);
        machine.reclaimDaemon().directReclaim(Gfp.GFP_HIGHUSER, 0, zone);
        machine.reclaimDaemon().directReclaim(Gfp.GFP_HIGHUSER, 0, zone);
        machine.reclaimDaemon().directReclaim(Gfp.GFP_KERNEL | Gfp.GFP_DMA, 0, zone);
        assertThat(vm.get(VmItem.ALLOCSTALL_HIGH)).isEqualTo(2);
        assertThat(vm.get(VmItem.ALLOCSTALL_DMA)).isEqualTo(1);
        assertThat(vm.get(VmItem.ALLOCSTALL_NORMAL)).isZero();
        assertThat(vm.get(VmItem.ALLOCSTALL)).isEqualTo(3);
    }

    @Test
    void theOomKillerTakesTheLargestResidentSetAndFreesAllOfIt() {
        StandaloneMachine machine = machine("0", "");
        MemoryManager mm = machine.memoryManager();
        VmStat vm = machine.vmstat();
        Zone zone = normal(machine);
        int small = mm.spawn("small");
        long a = region(mm, small, 10);
        for (int i = 0; i < 10; i++) {
            mm.store(small, a + i * 4096L, 8, i);
        }
        int big = mm.spawn("big");
        region(mm, big, 30);
        for (int i = 0; i < 30; i++) {
            mm.store(big, a + i * 4096L, 8, i);
        }
        long free = zone.freePages();
        long tables = mm.counters().get("page_table_pages");
        long slabPages = machine.slab().slabPages();
        long got = machine.reclaimDaemon().directReclaim(Gfp.GFP_KERNEL, 0, zone);
        // no swap: none of the 40 anonymous pages can go, so none is scanned (Linux's
        // get_scan_count scans no anonymous list without free swap); then the OOM killer
        assertThat(vm.get(VmItem.ALLOCSTALL)).isEqualTo(1);
        assertThat(vm.get(VmItem.ALLOCSTALL_NORMAL)).as("GFP_KERNEL's highest zone").isEqualTo(1);
        assertThat(vm.get(VmItem.ALLOCSTALL_DMA) + vm.get(VmItem.ALLOCSTALL_HIGH)).isZero();
        assertThat(vm.get(VmItem.PGSCAN_DIRECT)).isZero();
        assertThat(vm.get(VmItem.PGSTEAL_DIRECT)).isZero();
        assertThat(vm.get(VmItem.OOM_KILL)).isEqualTo(1);
        assertThat(mm.counters().get("oom_kills")).isEqualTo(1);
        assertThat(mm.alive(big)).isFalse();
        assertThat(mm.processes().get(big - 1).exitReason()).isEqualTo("oom-killed");
        assertThat(mm.alive(small)).isTrue();
        assertThat(vm.get(VmItem.NR_ANON_PAGES)).isEqualTo(10);
        // big's 30 pages and its 4 page-table pages (PML4, PDPT, PD, PT) are free again, with
        // whatever slab pages its mm_struct, VMAs and anon_vma emptied
        assertThat(mm.counters().get("page_table_pages")).isEqualTo(tables - 4);
        long slabFreed = slabPages - machine.slab().slabPages();
        assertThat(zone.freePages()).isEqualTo(free + 30 + 4 + slabFreed);
        assertThat(got).isEqualTo(30 + 4 + slabFreed + vm.get(VmItem.SLABS_SCANNED));
        assertThat(mm.load(small, a + 9 * 4096L, 8)).isEqualTo(9);
        mm.verify();
    }
}
