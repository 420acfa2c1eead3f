package dev.mmkit.paging.kswapd;

import dev.mmkit.api.machine.Machine;
import dev.mmkit.api.machine.VmItem;
import dev.mmkit.api.page.Gfp;
import dev.mmkit.api.page.Watermark;
import dev.mmkit.api.page.Zone;
import dev.mmkit.api.page.ZoneType;
import dev.mmkit.api.reclaim.ReclaimDaemon;
import dev.mmkit.api.reclaim.Vmscan;
import java.util.List;

/**
 * kswapd, the background reclaimer, and direct reclaim ({@code try_to_free_pages}).
 *
 * <h2>Background reclaim: [wakeup(zone, order)]</h2>
 * The page allocator calls {@code wakeup} when an allocation leaves a zone below its low
 * watermark. kswapd is a timer on the machine's virtual clock: a wakeup schedules one run
 * with no delay (it runs when the clock next advances, never inside the allocation), and
 * further wakeups before it runs are absorbed. A run ({@code balance_pgdat}) counts
 * {@code pageoutrun} and reclaims {@code batch} pages at a time (SWAP_CLUSTER_MAX) with
 * {@link Vmscan#shrinkNode} as kswapd, until every zone is balanced: above its high watermark
 * for the largest order woken for, by the allocator's own test ({@code zone_balanced}:
 * {@link Zone#watermarkOk}, {@code free - 2^order + 1 > high}), the order dropping to 0 once
 * twice the allocation has been reclaimed ({@code compact_gap}), as Linux does,
 * or a pass frees nothing in the zones still below it. Reclaim takes the replacement
 * policy's victims wherever they are, so a zone that reclaim cannot help (its pages are
 * the kernel's: page tables, slab, pages allocated directly) would otherwise make kswapd
 * evict every page of the other zones; Linux's {@code balance_pgdat} leaves such a zone
 * alone too (4.5: {@code zone_reclaimable}; since 4.8 one balanced eligible zone is enough).
 * Each pass also shrinks the slab caches ({@code shrink_node}
 * calls {@code shrink_slab}: slabs_scanned). A wakeup that finds every zone already above
 * high counts {@code kswapd_high_wmark_hit_quickly}; one that comes within {@code HZ/10}
 * (100 ms of virtual time) of the end of the previous run counts
 * {@code kswapd_low_wmark_hit_quickly} (Linux counts these when kswapd is woken during its
 * short pre-sleep nap).
 *
 * <h2>Giving up: [kswapd_failures]</h2>
 * A run that was needed (some zone below high) but reclaimed nothing counts a failure;
 * after {@value #MAX_RECLAIM_RETRIES} in a row the node is hopeless ({@code
 * node_unreclaimable} in {@code /proc/zoneinfo}): wakeups are ignored, and so are periodic
 * runs, and reclaim is left to the allocations that need it. Any run, background or
 * direct, that reclaims a page resets the count, so a successful direct reclaim revives
 * kswapd. (Linux: {@code balance_pgdat} counts, {@code wakeup_kswapd} ignores a hopeless
 * node, {@code shrink_node} resets on progress.) Without it, a machine whose every page is
 * anonymous with the swap area full would run a futile scan of the whole set at every
 * allocation below low.
 *
 * <h2>Periodic reclaim: [interval]</h2>
 * With {@code interval} above 0, a clock timer runs every interval from the daemon's
 * creation: when no run is pending and a zone is below its high watermark, it runs
 * {@code balance_pgdat} as a wakeup would (the BSD page daemon's periodic scan), so that
 * free memory between low and high is topped up before allocations fall to low.
 *
 * <h2>Direct reclaim: [directReclaim(gfp, order, zone)]</h2>
 * An allocation that may block is below the min watermark: count {@code allocstall},
 * reclaim {@code batch << order} pages as the allocating task (honouring the caller's
 * {@code __GFP_IO}/{@code __GFP_FS}) and shrink the slab caches; when neither frees
 * anything, the OOM killer ({@link Vmscan#outOfMemory}) is the last resort, and the pages
 * it freed count as reclaimed. As in Linux ({@code __alloc_pages_may_oom}), an allocation
 * without {@code __GFP_FS} never calls the OOM killer: its reclaim was limited, not
 * hopeless; nor does one with {@code __GFP_NORETRY} (it fails instead), one of an order
 * above {@code PAGE_ALLOC_COSTLY_ORDER} (killing will not make a large block), or one that
 * may only use ZONE_DMA (no task is killed for lowmem), unless it is {@code __GFP_NOFAIL}.
 */
final class Kswapd implements ReclaimDaemon {
    static final long NAP_NANOS = 100_000_000L;
    /** {@code MAX_RECLAIM_RETRIES}: failed runs after which kswapd gives up on the node. */
    static final int MAX_RECLAIM_RETRIES = 16;

    private final Machine machine;
    private final int batch;
    private final boolean oomKiller;
    private boolean scheduled;
    /** {@code kswapd_order}: the largest order woken for since the last run. */
    private int order;
    private long lastRunEnd = Long.MIN_VALUE / 2;
    private long runs;
    private long periodicRuns;
    /** {@code pgdat->kswapd_failures}: needed runs in a row that reclaimed nothing. */
    private int failures;

    Kswapd(Machine machine, int batch, boolean oomKiller, long intervalNanos) {
        this.machine = machine;
        this.batch = batch;
        this.oomKiller = oomKiller;
        if (intervalNanos > 0) {
            machine.clock().every("kswapd periodic reclaim", intervalNanos, this::periodic);
        }
    }

    /** The periodic timer: a run when a zone is below high and none is pending. */
    private void periodic() {
        if (scheduled || nodeUnreclaimable() || allAboveHigh(0)) {
            return;
        }
        periodicRuns++;
        balance();
    }

    private Vmscan vmscan() {
        return machine.memoryManager().vmscan();
    }

    @Override
    public boolean nodeUnreclaimable() {
        return failures >= MAX_RECLAIM_RETRIES;
    }

    @Override
    public void wakeup(Zone zone, int order) {
        if (nodeUnreclaimable()) {
            return; // hopeless: left to direct reclaim
        }
        if (scheduled) {
            this.order = Math.max(this.order, order);
            return;
        }
        if (allAboveHigh(order)) {
            machine.vmstat().inc(VmItem.KSWAPD_HIGH_WMARK_HIT_QUICKLY);
            return;
        }
        if (machine.clock().now() - lastRunEnd < NAP_NANOS) {
            machine.vmstat().inc(VmItem.KSWAPD_LOW_WMARK_HIT_QUICKLY);
        }
        scheduled = true;
        this.order = Math.max(this.order, order);
        machine.clock().schedule("kswapd", 0, this::balance);
    }

    /** Every zone with pages is balanced for {@code order} ({@code zone_balanced}). */
    private boolean allAboveHigh(int order) {
        for (Zone z : machine.pageAllocator().zones()) {
            if (z.managedPages() > 0 && !z.watermarkOk(order, Watermark.HIGH)) {
                return false;
            }
        }
        return true;
    }

    /** {@code balance_pgdat}: reclaims until every zone is balanced at high. */
    void balance() {
        scheduled = false;
        int order = this.order;
        this.order = 0;
        runs++;
        machine.vmstat().inc(VmItem.PAGEOUTRUN);
        Vmscan vmscan = vmscan();
        List<? extends Zone> zones = machine.pageAllocator().zones();
        long[] before = new long[zones.size()];
        long reclaimed = 0;
        boolean needed = false;
        while (!allAboveHigh(order)) {
            needed = true;
            for (int i = 0; i < before.length; i++) {
                Zone z = zones.get(i);
                before[i] = z.watermarkOk(order, Watermark.HIGH) ? -1 : z.freePages() + z.perCpuPages();
            }
            long freed = vmscan.shrinkNode(batch, Gfp.GFP_KERNEL, true);
            freed += vmscan.shrinkSlab(Gfp.GFP_KERNEL);
            reclaimed += freed;
            if (freed == 0 || !helped(zones, before)) {
                break;
            }
            if (order > 0 && reclaimed >= 2L << order) {
                order = 0; // compact_gap: fragmentation is compaction's business, not reclaim's
            }
        }
        if (reclaimed > 0) {
            failures = 0; // progress, even where it did not help the zone below high
        } else if (needed) {
            failures++;
        }
        lastRunEnd = machine.clock().now();
    }

    /** Whether the pass gave a page back to a zone that was below high before it ({@code before[i] >= 0}). */
    private static boolean helped(List<? extends Zone> zones, long[] before) {
        for (int i = 0; i < before.length; i++) {
            Zone z = zones.get(i);
            if (before[i] >= 0 && z.freePages() + z.perCpuPages() > before[i]) {
                return true;
            }
        }
        return false;
    }

    @Override
    public long directReclaim(int gfp, int order, Zone preferred) {
        machine.vmstat().inc(VmItem.ALLOCSTALL);
        machine.vmstat().inc(switch (Gfp.zone(gfp)) { // __count_zid_vm_events(ALLOCSTALL, sc.reclaim_idx = gfp_zone)
            case DMA -> VmItem.ALLOCSTALL_DMA;
            case NORMAL -> VmItem.ALLOCSTALL_NORMAL;
            case HIGHMEM -> VmItem.ALLOCSTALL_HIGH;
        });
        Vmscan vmscan = vmscan();
        long reclaimed = vmscan.shrinkNode((long) batch << order, gfp, false);
        reclaimed += vmscan.shrinkSlab(gfp);
        if (reclaimed > 0) {
            failures = 0;
        }
        if (reclaimed == 0 && oomKiller && mayOom(gfp, order)) {
            long before = freePages();
            if (vmscan.outOfMemory(gfp, order)) {
                reclaimed = Math.max(1, freePages() - before);
            }
        }
        return reclaimed;
    }

    /** {@code PAGE_ALLOC_COSTLY_ORDER}. */
    static final int PAGE_ALLOC_COSTLY_ORDER = 3;

    /** Whether an allocation whose reclaim freed nothing may call the OOM killer ({@code __alloc_pages_may_oom}). */
    private static boolean mayOom(int gfp, int order) {
        if (!Gfp.allowsBlocking(gfp) || !Gfp.mayFs(gfp) || (gfp & Gfp.__GFP_NORETRY) != 0) {
            return false;
        }
        if ((gfp & Gfp.__GFP_NOFAIL) != 0) {
            return true;
        }
        return order <= PAGE_ALLOC_COSTLY_ORDER && Gfp.zone(gfp) != ZoneType.DMA;
    }

    private long freePages() {
        long free = 0;
        for (Zone z : machine.pageAllocator().zones()) {
            free += z.freePages();
        }
        return free;
    }

    /** Background runs so far (woken and periodic). */
    long runs() {
        return runs;
    }

    /** Background runs the periodic timer started. */
    long periodicRuns() {
        return periodicRuns;
    }
}
