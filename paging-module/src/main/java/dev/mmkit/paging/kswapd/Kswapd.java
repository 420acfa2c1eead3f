package dev.mmkit.paging.kswapd;

import dev.mmkit.api.machine.Machine;
import dev.mmkit.api.machine.VmItem;
import dev.mmkit.api.page.Gfp;
import dev.mmkit.api.page.Watermark;
import dev.mmkit.api.page.Zone;
import dev.mmkit.api.reclaim.ReclaimDaemon;
import dev.mmkit.api.reclaim.Vmscan;

/**
 * kswapd, the background reclaimer, and direct reclaim ({@code try_to_free_pages}).
 *
 * <h2>Background reclaim: [wakeup(zone, order)]</h2>
 * The page allocator calls {@code wakeup} when an allocation leaves a zone below its low
 * watermark. kswapd is a timer on the machine's virtual clock: a wakeup schedules one run
 * with no delay (it runs when the clock next advances, never inside the allocation), and
 * further wakeups before it runs are absorbed. A run ({@code balance_pgdat}) counts
 * {@code pageoutrun} and reclaims {@code batch} pages at a time (SWAP_CLUSTER_MAX) with
 * {@link Vmscan#shrinkNode} as kswapd, until every zone is at or above its high watermark
 * or a pass frees nothing. Each pass also shrinks the slab caches ({@code shrink_node}
 * calls {@code shrink_slab}: slabs_scanned). A wakeup that finds every zone already above
 * high counts {@code kswapd_high_wmark_hit_quickly}; one that comes within {@code HZ/10}
 * (100 ms of virtual time) of the end of the previous run counts
 * {@code kswapd_low_wmark_hit_quickly} (Linux counts these when kswapd is woken during its
 * short pre-sleep nap).
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
 * it freed count as reclaimed. As in Linux, an allocation without {@code __GFP_FS} never
 * calls the OOM killer: its reclaim was limited, not hopeless.
 */
final class Kswapd implements ReclaimDaemon {
    static final long NAP_NANOS = 100_000_000L;

    private final Machine machine;
    private final int batch;
    private final boolean oomKiller;
    private boolean scheduled;
    private long lastRunEnd = Long.MIN_VALUE / 2;
    private long runs;
    private long periodicRuns;

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
        if (scheduled || allAboveHigh()) {
            return;
        }
        periodicRuns++;
        balance();
    }

    private Vmscan vmscan() {
        return machine.memoryManager().vmscan();
    }

    @Override
    public void wakeup(Zone zone, int order) {
        if (scheduled) {
            return;
        }
        if (allAboveHigh()) {
            machine.vmstat().inc(VmItem.KSWAPD_HIGH_WMARK_HIT_QUICKLY);
            return;
        }
        if (machine.clock().now() - lastRunEnd < NAP_NANOS) {
            machine.vmstat().inc(VmItem.KSWAPD_LOW_WMARK_HIT_QUICKLY);
        }
        scheduled = true;
        machine.clock().schedule("kswapd", 0, this::balance);
    }

    private boolean allAboveHigh() {
        for (Zone z : machine.pageAllocator().zones()) {
            if (z.managedPages() > 0 && z.freePages() < z.watermark(Watermark.HIGH)) {
                return false;
            }
        }
        return true;
    }

    /** {@code balance_pgdat}: reclaims until every zone is balanced at high. */
    void balance() {
        scheduled = false;
        runs++;
        machine.vmstat().inc(VmItem.PAGEOUTRUN);
        Vmscan vmscan = vmscan();
        while (!allAboveHigh()) {
            long freed = vmscan.shrinkNode(batch, Gfp.GFP_KERNEL, true);
            freed += vmscan.shrinkSlab(Gfp.GFP_KERNEL);
            if (freed == 0) {
                break;
            }
        }
        lastRunEnd = machine.clock().now();
    }

    @Override
    public long directReclaim(int gfp, int order, Zone preferred) {
        machine.vmstat().inc(VmItem.ALLOCSTALL);
        Vmscan vmscan = vmscan();
        long reclaimed = vmscan.shrinkNode((long) batch << order, gfp, false);
        reclaimed += vmscan.shrinkSlab(gfp);
        if (reclaimed == 0 && oomKiller && Gfp.allowsBlocking(gfp) && Gfp.mayFs(gfp)) {
            long before = freePages();
            if (vmscan.outOfMemory(gfp, order)) {
                reclaimed = Math.max(1, freePages() - before);
            }
        }
        return reclaimed;
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
