package dev.mmkit.buddy;

import dev.mmkit.api.hw.Page;
import dev.mmkit.api.hw.PhysicalMemory;
import dev.mmkit.api.machine.Machine;
import dev.mmkit.api.machine.MemMap;
import dev.mmkit.api.machine.PageFlags;
import dev.mmkit.api.machine.VmItem;
import dev.mmkit.api.machine.VmStat;
import dev.mmkit.api.page.BadPageStateException;
import dev.mmkit.api.page.Gfp;
import dev.mmkit.api.page.PageAllocator;
import dev.mmkit.api.page.Watermark;
import dev.mmkit.api.page.Zone;
import dev.mmkit.api.page.ZoneType;
import dev.mmkit.api.reclaim.ReclaimDaemon;
import java.util.List;
import java.util.Map;

/**
 * What every zoned page allocator of this bundle shares: the zones, the zone fallback
 * table, watermarks, the GFP slow path with kswapd and direct reclaim, {@code mem_map}
 * bookkeeping and the vmstat counters. Subclasses supply the free-memory structure:
 * {@link #rmqueue} takes a block of 2^order frames out of one zone, {@link #release} puts
 * one back, {@link #checkAllocated} refuses a bad free before anything changes.
 *
 * <h2>The allocation path ({@code __alloc_pages_nodemask}, Linux 4.5)</h2>
 * <ol>
 *   <li>First the fast path without the walk: if the first populated zone of the zonelist
 *       passes its <b>low</b> watermark for the order and the subclass has a block at hand
 *       ({@link #rmqueueFast}: the buddy's per-CPU list for order 0, its free areas without
 *       coalescing otherwise), that block is the answer. This is exactly what step 2 would
 *       do in that case (the same zone, the same watermark test, the same block); when the
 *       subclass has nothing at hand it changed nothing, and step 2 runs as if this step had
 *       not been tried.</li>
 *   <li>Fast path: walk the zonelist of {@link Gfp#zone(int)} (a table, {@link #ZONELIST})
 *       and take from the first zone whose free pages stay above its <b>low</b> watermark.</li>
 *   <li>Slow path: wake kswapd ({@link ReclaimDaemon#wakeup}) for every zone of the list
 *       below low, if the flags carry {@code __GFP_KSWAPD_RECLAIM}; retry against <b>min</b>,
 *       lowered by half for {@code __GFP_HIGH} ({@code ALLOC_HIGH}) and by a further
 *       quarter for atomic requests ({@code ALLOC_HARDER}: {@code __GFP_HIGH} without
 *       {@code __GFP_DIRECT_RECLAIM}, as Linux 4.5 treats {@code __GFP_ATOMIC}).
 *       {@code GFP_NOWAIT} gets no such reserve. {@code __GFP_MEMALLOC} ignores watermarks.</li>
 *   <li>An allocation that may not block fails here.</li>
 *   <li>Direct reclaim ({@link ReclaimDaemon#directReclaim}, given the caller's gfp so that
 *       GFP_NOIO and GFP_NOFS reclaim without I/O or filesystem work), then retry; drain the
 *       per-CPU lists once if that fails; repeat while reclaim makes progress, at most
 *       {@code reclaim-retries} rounds ({@code MAX_RECLAIM_RETRIES}), once with
 *       {@code __GFP_NORETRY}. When reclaim frees nothing the allocation fails cleanly with
 *       {@link #NO_PAGE}, except {@code __GFP_NOFAIL}, which then ignores the watermarks and
 *       throws only if no zone has a block at all (Linux would loop forever).</li>
 * </ol>
 * The watermark test is {@code __zone_watermark_ok}: {@code free - 2^order + 1 > min}.
 * lowmem_reserve and highatomic reserves are not modelled. A machine without a reclaim
 * daemon (module tests) reclaims nothing and wakes nobody.
 *
 * <p>Not thread-safe: the machine calls the allocator from one thread.
 *
 * <p>Public only so that {@code dev.mmkit.buddy.fit} can extend it; the package is private
 * to the bundle.
 */
public abstract class ZonedPageAllocator implements PageAllocator {
    /** alloc_flags: which watermark (index into the zone's marks). */
    protected static final int ALLOC_WMARK_MIN = 0;
    protected static final int ALLOC_WMARK_LOW = 1;
    protected static final int ALLOC_WMARK_MASK = 3;
    /** alloc_flags: ignore the watermarks. */
    protected static final int ALLOC_NO_WATERMARKS = 4;
    /** alloc_flags: atomic request, min lowered by a further quarter. */
    protected static final int ALLOC_HARDER = 0x10;
    /** alloc_flags: __GFP_HIGH, min lowered by half. */
    protected static final int ALLOC_HIGH = 0x20;

    protected static final int NR_ZONES = ZoneType.values().length;
    private static final int DMA = ZoneType.DMA.ordinal();
    private static final int NORMAL = ZoneType.NORMAL.ordinal();
    private static final int HIGHMEM = ZoneType.HIGHMEM.ordinal();

    /** The zone fallback order per preferred zone (Linux's zonelists): policy as data. */
    static final int[][] ZONELIST = {
        /* DMA     */ {DMA},
        /* Normal  */ {NORMAL, DMA},
        /* HighMem */ {HIGHMEM, NORMAL, DMA},
    };

    protected final Machine machine;
    protected final MemMap memMap;
    protected final VmStat vmstat;
    protected final PhysicalMemory memory;
    protected final int maxOrder;
    protected final long nrFrames;
    protected final long[] zoneStart = new long[NR_ZONES];
    protected final long[] zoneEnd = new long[NR_ZONES];
    /** NR_FREE_PAGES per zone: free pages on the free structure (per-CPU lists excluded). Subclasses keep it. */
    protected final long[] freePages = new long[NR_ZONES];
    /** {min, low, high} of zone z at 3z .. 3z+2. */
    private final long[] wmark = new long[NR_ZONES * 3];
    private final int reclaimRetries;
    /**
     * Per preferred zone (DMA, Normal, HighMem): the first populated zone of its {@link #ZONELIST},
     * or the list's first if none is. Fields rather than an array, so that the fast path
     * reads one field (none to bounds-check) for the gfp's preferred zone.
     */
    private final int firstPopulatedDma;
    private final int firstPopulatedNormal;
    private final int firstPopulatedHighmem;
    /** {@code zoneEnd[DMA]} and {@code zoneEnd[NORMAL]}: {@link #zoneIndex} compares with fields, not array elements. */
    private final long dmaEnd;
    private final long normalEnd;
    private final List<ZoneView> zones;

    private ReclaimDaemon reclaimDaemon;
    private boolean reclaimResolved;
    private long allocFailures;

    protected ZonedPageAllocator(Machine machine, AllocatorSettings settings, ZoneLayout layout) {
        this.machine = machine;
        this.memMap = machine.memMap();
        this.vmstat = machine.vmstat();
        this.memory = machine.memory();
        this.maxOrder = settings.maxOrder;
        this.nrFrames = memMap.nrFrames();
        if (layout.nrFrames() != nrFrames) {
            throw new IllegalArgumentException("zones cover " + layout.nrFrames() + " frames but memory has " + nrFrames);
        }
        if (nrFrames > Integer.MAX_VALUE - 1024) {
            throw new IllegalArgumentException("nrFrames: " + nrFrames + " (expected: at most " + (Integer.MAX_VALUE - 1024) + ")");
        }
        long[] managed = new long[NR_ZONES];
        for (int z = 0; z < NR_ZONES; z++) {
            zoneStart[z] = layout.start(z);
            zoneEnd[z] = layout.end(z);
            managed[z] = zoneEnd[z] - zoneStart[z];
        }
        this.dmaEnd = zoneEnd[DMA];
        this.normalEnd = zoneEnd[NORMAL];
        long[][] derived = Watermarks.setupPerZoneWmarks(managed, settings.minFreeKbytes);
        for (int z = 0; z < NR_ZONES; z++) {
            long[] marks = settings.watermarks[z] != null ? settings.watermarks[z] : derived[z];
            System.arraycopy(marks, 0, wmark, 3 * z, 3);
        }
        this.reclaimRetries = settings.reclaimRetries;
        int[] firstPopulated = new int[NR_ZONES];
        for (int preferred = 0; preferred < NR_ZONES; preferred++) {
            int[] zonelist = ZONELIST[preferred];
            firstPopulated[preferred] = zonelist[0];
            for (int i = zonelist.length - 1; i >= 0; i--) {
                if (zoneEnd[zonelist[i]] > zoneStart[zonelist[i]]) {
                    firstPopulated[preferred] = zonelist[i];
                }
            }
        }
        this.firstPopulatedDma = firstPopulated[DMA];
        this.firstPopulatedNormal = firstPopulated[NORMAL];
        this.firstPopulatedHighmem = firstPopulated[HIGHMEM];
        ZoneView[] views = new ZoneView[NR_ZONES];
        for (int z = 0; z < NR_ZONES; z++) {
            views[z] = new ZoneView(z);
        }
        this.zones = List.of(views);
    }

    // ---- what subclasses provide -------------------------------------------------------

    /** Takes a block of 2^order frames from zone {@code z}; {@link #NO_PAGE} if it has none. */
    protected abstract long rmqueue(int z, int order);

    /**
     * The fast path: a block of 2^order frames of zone {@code z} that is at hand, taken as
     * {@link #rmqueue} would take it (the same block, the same counts) and marked allocated;
     * {@link #NO_PAGE} if there is none, and then nothing changed, so that {@link #rmqueue}
     * may run next as if this had not been tried (it may then refill, coalesce or search).
     * The zone has passed its low watermark for the order. Allocators without such a fast
     * path keep this default.
     */
    protected long rmqueueFast(int z, int order) {
        return NO_PAGE;
    }

    /** Throws {@link BadPageStateException} unless {@code pfn} heads an allocated block of {@code order}. */
    protected abstract void checkAllocated(int z, long pfn, int order);

    /** Returns a checked block to zone {@code z}. */
    protected abstract void release(int z, long pfn, int order);

    /** Free blocks of exactly {@code order} in zone {@code z}. */
    protected abstract long nrFree(int z, int order);

    /** Pages on zone {@code z}'s per-CPU lists. */
    protected long perCpuPages(int z) {
        return 0;
    }

    protected int perCpuHigh(int z) {
        return 0;
    }

    protected int perCpuBatch(int z) {
        return 0;
    }

    /** The allocator's own counters for zone {@code z} ({@link Zone#allocatorStats()}); none by default. */
    protected Map<String, Long> allocatorStats(int z) {
        return Map.of();
    }

    /** Re-derives zone {@code z}'s invariants; throws {@link IllegalStateException}. */
    protected abstract void verifyZone(int z);

    // ---- PageAllocator -----------------------------------------------------------------

    @Override
    public final long allocPages(int gfp, int order) {
        if (order >= 0 && order < maxOrder) {
            int z = firstPopulatedZone(gfp);
            // __zone_watermark_ok(z, order, low, 0): free - (2^order - 1) > low
            if (freePages[z] - ((1L << order) - 1) > wmark[3 * z + ALLOC_WMARK_LOW]) {
                long pfn = rmqueueFast(z, order);
                if (pfn >= 0) {
                    vmstat.add(pgalloc(z), 1L << order);
                    prepNewPage(pfn, order, gfp);
                    return pfn;
                }
            }
        }
        return allocPagesNodemask(gfp, order);
    }

    /** {@code __alloc_pages_nodemask} without the fast path. */
    private long allocPagesNodemask(int gfp, int order) {
        if (order < 0 || order >= maxOrder) {
            throw badOrder(order);
        }
        int[] zonelist = ZONELIST[gfpZone(gfp)];
        long pfn = getPageFromFreelist(order, ALLOC_WMARK_LOW, zonelist);
        if (pfn < 0) {
            pfn = allocSlowpath(gfp, order, zonelist);
            if (pfn < 0) {
                return NO_PAGE;
            }
        }
        prepNewPage(pfn, order, gfp);
        return pfn;
    }

    @Override
    public final void freePages(long pfn, int order) {
        if (order < 0 || order >= maxOrder || pfn < 0 || pfn >= nrFrames) {
            throw badFree(pfn, order);
        }
        int z = zoneIndex(pfn);
        checkAllocated(z, pfn, order);
        // free_pages_prepare: the caller need not clear what it set. Order 0, a user page's
        // every free, without the loop, whose set-up cost it more than the one reset
        if (order == 0) {
            memMap.reset(pfn);
        } else {
            for (long p = pfn, end = pfn + (1L << order); p < end; p++) {
                memMap.reset(p);
            }
        }
        vmstat.add(VmItem.PGFREE, 1L << order);
        release(z, pfn, order);
    }

    // Cold paths live in their own methods so that the hot ones stay small enough to inline.

    private IllegalArgumentException badOrder(int order) {
        return new IllegalArgumentException("order: " + order + " (expected: 0-" + (maxOrder - 1) + ")");
    }

    private BadPageStateException badFree(long pfn, int order) {
        if (order < 0 || order >= maxOrder) {
            return new BadPageStateException(pfn, order, "order out of range (expected: 0-" + (maxOrder - 1) + ")");
        }
        return new BadPageStateException(pfn, order, "outside memory (0x0-" + Page.hex(nrFrames - 1) + ")");
    }

    @Override
    public final int maxOrder() {
        return maxOrder;
    }

    @Override
    public final List<? extends Zone> zones() {
        return zones;
    }

    @Override
    public final Zone zoneOf(long pfn) {
        if (pfn < 0 || pfn >= nrFrames) {
            throw new IndexOutOfBoundsException("pfn " + Page.hex(pfn) + " outside memory (0x0-" + Page.hex(nrFrames - 1) + ")");
        }
        return zones.get(zoneIndex(pfn));
    }

    @Override
    public void drainPerCpuLists() {
    }

    @Override
    public final void verify() {
        long at = 0;
        for (int z = 0; z < NR_ZONES; z++) {
            if (zoneStart[z] != at || zoneEnd[z] < zoneStart[z]) {
                throw new IllegalStateException("zone " + zones.get(z).name() + ": spans " + Page.hex(zoneStart[z]) + "-"
                    + Page.hex(zoneEnd[z]) + " (expected: to start at " + Page.hex(at) + ")");
            }
            at = zoneEnd[z];
        }
        if (at != nrFrames) {
            throw new IllegalStateException("zones end at " + Page.hex(at) + " but memory has " + nrFrames + " frames");
        }
        for (int z = 0; z < NR_ZONES; z++) {
            verifyZone(z);
        }
    }

    /** Allocations that failed (returned {@link #NO_PAGE}). */
    public final long allocFailures() {
        return allocFailures;
    }

    // ---- the allocation path -----------------------------------------------------------

    /** {@link Gfp#zone(int)} as a zone index, without the enum. */
    private static int gfpZone(int gfp) {
        return (gfp & (Gfp.__GFP_DMA | Gfp.__GFP_DMA32)) != 0 ? DMA : (gfp & Gfp.__GFP_HIGHMEM) != 0 ? HIGHMEM : NORMAL;
    }

    /** The first populated zone of the zonelist of {@link #gfpZone}{@code (gfp)}. */
    private int firstPopulatedZone(int gfp) {
        return (gfp & (Gfp.__GFP_DMA | Gfp.__GFP_DMA32)) != 0 ? firstPopulatedDma
            : (gfp & Gfp.__GFP_HIGHMEM) != 0 ? firstPopulatedHighmem : firstPopulatedNormal;
    }

    /** {@code get_page_from_freelist}: the first zone of the list that passes the watermark and has a block. */
    private long getPageFromFreelist(int order, int allocFlags, int[] zonelist) {
        for (int z : zonelist) {
            if (zoneEnd[z] == zoneStart[z]) {
                continue;
            }
            if ((allocFlags & ALLOC_NO_WATERMARKS) == 0
                && !watermarkOk(z, order, wmark[3 * z + (allocFlags & ALLOC_WMARK_MASK)], allocFlags)) {
                continue;
            }
            long pfn = rmqueue(z, order);
            if (pfn >= 0) {
                vmstat.add(pgalloc(z), 1L << order);
                return pfn;
            }
        }
        return NO_PAGE;
    }

    /** {@code __zone_watermark_ok} of Linux 4.5, without lowmem_reserve and highatomic reserves. */
    final boolean watermarkOk(int z, int order, long mark, int allocFlags) {
        long min = mark;
        long free = freePages[z] - ((1L << order) - 1);
        if ((allocFlags & ALLOC_HIGH) != 0) {
            min -= min / 2;
        }
        if ((allocFlags & ALLOC_HARDER) != 0) {
            min -= min / 4;
        }
        return free > min;
    }

    /** {@code gfp_to_alloc_flags}. */
    static int gfpToAllocFlags(int gfp) {
        int flags = ALLOC_WMARK_MIN;
        if ((gfp & Gfp.__GFP_HIGH) != 0) {
            flags |= ALLOC_HIGH;
            if (!Gfp.allowsBlocking(gfp) && (gfp & Gfp.__GFP_NOMEMALLOC) == 0) {
                flags |= ALLOC_HARDER;
            }
        }
        if ((gfp & Gfp.__GFP_MEMALLOC) != 0 && (gfp & Gfp.__GFP_NOMEMALLOC) == 0) {
            flags |= ALLOC_NO_WATERMARKS;
        }
        return flags;
    }

    /** {@code __alloc_pages_slowpath}. */
    private long allocSlowpath(int gfp, int order, int[] zonelist) {
        if (Gfp.wakesKswapd(gfp)) {
            wakeAllKswapds(order, zonelist);
        }
        int allocFlags = gfpToAllocFlags(gfp);
        long pfn = getPageFromFreelist(order, allocFlags, zonelist);
        if (pfn >= 0 || !Gfp.allowsBlocking(gfp)) {
            return failedIfNone(pfn);
        }
        Zone preferred = preferredZone(zonelist);
        boolean nofail = (gfp & Gfp.__GFP_NOFAIL) != 0;
        boolean drained = false;
        for (int round = 1; ; round++) {
            ReclaimDaemon reclaim = reclaimDaemon();
            long reclaimed = reclaim == null ? 0 : reclaim.directReclaim(gfp, order, preferred);
            pfn = getPageFromFreelist(order, allocFlags, zonelist);
            if (pfn < 0 && !drained) {
                drainPerCpuLists();
                drained = true;
                pfn = getPageFromFreelist(order, allocFlags, zonelist);
            }
            if (pfn >= 0) {
                return pfn;
            }
            if (reclaimed <= 0 || (gfp & Gfp.__GFP_NORETRY) != 0 || (round >= reclaimRetries && !nofail)
                || round >= reclaimRetries * 64) {
                break;
            }
        }
        if (nofail) {
            pfn = getPageFromFreelist(order, allocFlags | ALLOC_NO_WATERMARKS, zonelist);
            if (pfn < 0) {
                throw new IllegalStateException("__GFP_NOFAIL allocation of order " + order + " (" + Gfp.describe(gfp)
                    + ") cannot be satisfied: no zone of " + preferred.name() + "'s zonelist has a free block of that order"
                    + " and reclaim frees nothing");
            }
            return pfn;
        }
        return failedIfNone(NO_PAGE);
    }

    private long failedIfNone(long pfn) {
        if (pfn < 0) {
            allocFailures++;
        }
        return pfn;
    }

    private void wakeAllKswapds(int order, int[] zonelist) {
        for (int z : zonelist) {
            if (zoneEnd[z] > zoneStart[z] && !watermarkOk(z, order, wmark[3 * z + ALLOC_WMARK_LOW], 0)) {
                ReclaimDaemon reclaim = reclaimDaemon();
                if (reclaim != null) {
                    reclaim.wakeup(zones.get(z), order);
                }
            }
        }
    }

    private Zone preferredZone(int[] zonelist) {
        for (int z : zonelist) {
            if (zoneEnd[z] > zoneStart[z]) {
                return zones.get(z);
            }
        }
        return zones.get(zonelist[0]);
    }

    /** The machine's reclaim daemon, or null when the machine has none (module tests). */
    private ReclaimDaemon reclaimDaemon() {
        if (!reclaimResolved) {
            reclaimResolved = true;
            try {
                reclaimDaemon = machine.reclaimDaemon();
            } catch (IllegalStateException none) {
                reclaimDaemon = null;
            }
        }
        return reclaimDaemon;
    }

    /** {@code prep_new_page}: refcount 1 on the head, compound head flag, zeroing. */
    private void prepNewPage(long pfn, int order, int gfp) {
        memMap.setRefcount(pfn, 1);
        if ((gfp & Gfp.__GFP_COMP) != 0 && order > 0) {
            memMap.setFlag(pfn, PageFlags.PG_HEAD);
        }
        if ((gfp & Gfp.__GFP_ZERO) != 0) {
            clearFrames(pfn, order);
        }
    }

    /** {@code __GFP_ZERO}: the block's contents become zeros. */
    private void clearFrames(long pfn, int order) {
        for (long p = pfn, end = pfn + (1L << order); p < end; p++) {
            memory.clearFrame(p);
        }
    }

    /** The pgalloc_&lt;zone&gt; counter of zone {@code z}, chosen by comparisons: no array to load and bounds-check. */
    private static VmItem pgalloc(int z) {
        return z == NORMAL ? VmItem.PGALLOC_NORMAL : z == DMA ? VmItem.PGALLOC_DMA : VmItem.PGALLOC_HIGH;
    }

    /** {@code page_zonenum}. */
    protected final int zoneIndex(long pfn) {
        return pfn < dmaEnd ? DMA : pfn < normalEnd ? NORMAL : HIGHMEM;
    }

    /** The zone's name for messages. */
    protected final String zoneName(int z) {
        return ZoneType.values()[z].linuxName();
    }

    /** The read-only view of one zone. */
    private final class ZoneView implements Zone {
        private final int z;
        private final ZoneType type;

        ZoneView(int z) {
            this.z = z;
            this.type = ZoneType.values()[z];
        }

        @Override
        public ZoneType type() {
            return type;
        }

        @Override
        public long startPfn() {
            return zoneStart[z];
        }

        @Override
        public long spannedPages() {
            return zoneEnd[z] - zoneStart[z];
        }

        @Override
        public long presentPages() {
            return spannedPages();
        }

        @Override
        public long managedPages() {
            return spannedPages();
        }

        @Override
        public long freePages() {
            return freePages[z];
        }

        @Override
        public long nrFree(int order) {
            if (order < 0 || order >= maxOrder) {
                throw new IllegalArgumentException("order: " + order + " (expected: 0-" + (maxOrder - 1) + ")");
            }
            return ZonedPageAllocator.this.nrFree(z, order);
        }

        @Override
        public long watermark(Watermark mark) {
            return wmark[3 * z + mark.ordinal()];
        }

        @Override
        public long perCpuPages() {
            return ZonedPageAllocator.this.perCpuPages(z);
        }

        @Override
        public int perCpuHigh() {
            return ZonedPageAllocator.this.perCpuHigh(z);
        }

        @Override
        public int perCpuBatch() {
            return ZonedPageAllocator.this.perCpuBatch(z);
        }

        @Override
        public Map<String, Long> allocatorStats() {
            return ZonedPageAllocator.this.allocatorStats(z);
        }

        @Override
        public String toString() {
            return "zone " + name() + " " + Page.hex(startPfn()) + "+" + spannedPages() + " free " + freePages();
        }
    }
}
