package dev.mmkit.pagecache;

import dev.mmkit.api.hw.Page;
import dev.mmkit.api.machine.Clock;
import dev.mmkit.api.machine.Machine;
import dev.mmkit.api.machine.VmItem;
import dev.mmkit.api.machine.VmStat;
import dev.mmkit.api.page.Watermark;
import dev.mmkit.api.page.Zone;
import dev.mmkit.api.page.ZoneType;
import dev.mmkit.api.pagecache.PageCache;
import dev.mmkit.api.reclaim.WritebackDaemon;
import java.util.Arrays;

/**
 * The flusher threads ({@code mm/page-writeback.c}, {@code fs/fs-writeback.c}; pdflush
 * before 2.6.32): the daemon that writes dirty file pages back in the background.
 *
 * <h2>When it writes</h2>
 * <ol>
 *   <li>Periodically ({@code wb_workfn} for "kupdate"): every {@code dirty-writeback-interval}
 *       (dirty_writeback_centisecs, 5 s) of virtual time, the files dirty for longer than
 *       {@code dirty-expire} (dirty_expire_centisecs, 30 s) are written whole, oldest first.</li>
 *   <li>In the background: as soon as a writer leaves more dirty pages than the background
 *       threshold, a run is started at once (on the clock, with no delay) that writes the
 *       oldest dirty files until dirty memory is back under the threshold, whatever its age.</li>
 *   <li>Throttling ({@code balance_dirty_pages}): a writer that finds dirty plus
 *       under-writeback pages above the dirty threshold is paused, virtual time advancing,
 *       until writeback completes enough of them; each pause lasts until the next
 *       completion, at most {@value #MAX_PAUSE_MS} ms.</li>
 * </ol>
 * The thresholds are Linux's ({@link #thresholds}): {@code (ratio × PAGE_SIZE / 100) ×
 * dirtyable / PAGE_SIZE} with dirtyable memory ({@code global_dirtyable_memory}) = free
 * pages − reserves (the high watermarks) + the file LRU − HighMem + 1; a background
 * threshold not below the dirty one is half of it. They are published as
 * {@code nr_dirty_threshold} and {@code nr_dirty_background_threshold} each time they are
 * computed (Linux computes them when {@code /proc/vmstat} is read).
 *
 * <h2>Why more than one thread</h2>
 * Writing is slow and each device is a queue of its own: a single thread that blocks on
 * one busy (congested) device stops writeback for every other device, whose dirty pages then
 * age and throttle their writers for nothing. Linux therefore ran several pdflush threads
 * (2 to 8, more when all were busy), and since 2.6.32 runs one flusher per backing device
 * ({@code bdi_writeback}), so that devices are written in parallel. Here each of the
 * {@code threads} flushers owns a queue: a file goes to queue {@code (id − 1) mod threads}
 * (the files directory striped over that many devices). A queue writes one page per
 * {@code cost.page-io}; its pages stay under writeback ({@code nr_writeback}, meminfo's
 * Writeback) until the queue reaches them. Queues run in parallel in virtual time, so with
 * more threads several files drain sooner, writers are throttled for less time, and pages
 * under writeback (which reclaim cannot take) are released sooner.
 *
 * <h2>Determinism and re-entrance</h2>
 * Everything runs on the machine's clock: the periodic timer, the background run, one
 * completion timer per batch. Pages are put in the file when a batch starts (the data a
 * file holds never lags); only the end of writeback waits. A page dirtied again meanwhile
 * is skipped by background writeback and waited for by fsync, as Linux does.
 *
 * <p>With another page cache than {@code radix} the flusher writes through the SPI's
 * {@link PageCache#writeback} primitive alone, synchronously, as one queue.
 */
final class Flusher implements WritebackDaemon {
    static final long MAX_PAUSE_MS = 200;
    /** {@code MAX_WRITEBACK_PAGES}: the most pages one batch holds; each batch's writeback ends on its own. */
    static final long CHUNK = 1024;

    private final Machine machine;
    private final Clock clock;
    private final long expire;
    private final int backgroundRatio;
    private final int dirtyRatio;
    private final long[] busyUntil;
    private boolean backgroundScheduled;
    private long threshold;
    private long backgroundThreshold;

    long periodicRuns;
    long backgroundRuns;
    long pagesKupdate;
    long pagesBackground;
    long throttledNanos;
    long throttles;

    Flusher(Machine machine, long expire, long interval, int backgroundRatio, int dirtyRatio, int threads) {
        this.machine = machine;
        this.clock = machine.clock();
        this.expire = expire;
        this.backgroundRatio = backgroundRatio;
        this.dirtyRatio = dirtyRatio;
        this.busyUntil = new long[threads];
        clock.every("flusher", interval, this::periodic);
    }

    private Boolean hasCache;

    /** The page cache; null on a machine without one ({@code page-cache.impl = none}): nothing to flush. */
    private PageCache cache() {
        if (hasCache == null) {
            var s = machine.settings();
            hasCache = s.has("page-cache.impl") && !s.getString("page-cache.impl").equals("none");
        }
        return hasCache ? machine.pageCache() : null;
    }

    /** {@code wb_workfn}: kupdate-style writeback of expired files, then background if needed. */
    void periodic() {
        periodicRuns++;
        long before = clock.now() - expire;
        PageCache cache = cache();
        if (cache == null) {
            return;
        }
        if (cache instanceof RadixPageCache radix) {
            for (FileAddressSpace as : radix.dirtyInodes()) {
                if (as.dirtiedWhen >= before) {
                    break;
                }
                pagesKupdate += submit(as, Long.MAX_VALUE);
            }
        } else {
            pagesKupdate += cache.writeback(before, Long.MAX_VALUE);
        }
        thresholds();
        if (cache.nrDirty() > backgroundThreshold) {
            background();
        }
    }

    /** {@code wb_start_background_writeback}: oldest files first, until under the background threshold. */
    void background() {
        backgroundScheduled = false;
        backgroundRuns++;
        PageCache cache = cache();
        if (cache == null) {
            return;
        }
        thresholds();
        long excess = cache.nrDirty() - backgroundThreshold;
        if (excess <= 0) {
            return;
        }
        if (cache instanceof RadixPageCache radix) {
            for (FileAddressSpace as : radix.dirtyInodes()) {
                if (excess <= 0) {
                    break;
                }
                long n = submit(as, excess);
                pagesBackground += n;
                excess -= n;
            }
        } else {
            pagesBackground += cache.writeback(Long.MAX_VALUE, excess);
        }
    }

    /**
     * Starts writing up to {@code max} dirty pages of one file on its thread's queue, in
     * batches of {@link #CHUNK}; each batch's writeback ends when the queue gets through it.
     */
    private long submit(FileAddressSpace as, long max) {
        int q = (as.id() - 1) % busyUntil.length;
        long total = 0;
        while (total < max) {
            LongArray batch = new LongArray();
            long n = as.writepages(Math.min(CHUNK, max - total), false, batch::add);
            if (n == 0) {
                break;
            }
            total += n;
            long now = clock.now();
            long done = Math.max(now, busyUntil[q]) + n * machine.cost().pageIo();
            busyUntil[q] = done;
            clock.schedule("flusher-" + q, done - now, () -> {
                for (int i = 0; i < batch.size; i++) {
                    as.endWriteback(batch.values[i]);
                }
            });
        }
        return total;
    }

    @Override
    public void dirtied(long nrPages) {
        PageCache cache = cache();
        if (cache == null) {
            return;
        }
        thresholds();
        if (cache.nrDirty() > backgroundThreshold && !backgroundScheduled) {
            backgroundScheduled = true;
            clock.schedule("flusher-background", 0, this::background);
        }
        long maxPause = MAX_PAUSE_MS * 1_000_000L;
        for (int pauses = 0; cache.nrDirty() + cache.nrWriteback() > threshold && pauses < 1000; pauses++) {
            long now = clock.now();
            long wake = Long.MAX_VALUE;
            for (long t : busyUntil) {
                if (t > now) {
                    wake = Math.min(wake, t);
                }
            }
            if (wake == Long.MAX_VALUE && !backgroundScheduled) {
                // nothing in flight: the writer's own pause lets background writeback start
                backgroundScheduled = true;
                clock.schedule("flusher-background", 0, this::background);
            }
            long pause = wake == Long.MAX_VALUE ? 1_000_000L : Math.min(maxPause, wake - now);
            throttles++;
            throttledNanos += pause;
            clock.advance(pause);
            thresholds();
        }
    }

    /**
     * {@code global_dirty_limits}: both thresholds from dirtyable memory, published in vmstat.
     * {@code global_dirtyable_memory}: free pages less {@code totalreserve_pages} (never below
     * 0), plus the file LRU, less the HighMem zones' free pages above their high watermark
     * ({@code highmem_dirtyable_memory}, as {@code vm_highmem_is_dirtyable} is 0; their file
     * pages are not known per zone, mmkit keeps the LRU per node), plus 1 "to never return 0".
     * {@code domain_dirty_limits}: the ratios are first made per-{@code PAGE_SIZE}
     * ({@code ratio * PAGE_SIZE / 100}) "for higher precision", then
     * {@code thresh = ratio * avail / PAGE_SIZE}.
     */
    void thresholds() {
        long free = 0;
        long reserve = 0;
        long highmem = 0;
        for (Zone z : machine.pageAllocator().zones()) {
            long high = z.watermark(Watermark.HIGH);
            free += z.freePages();
            reserve += Math.min(high, z.managedPages());
            if (z.type() == ZoneType.HIGHMEM && z.presentPages() > 0) {
                highmem += z.freePages() - Math.min(z.freePages(), high);
            }
        }
        VmStat vm = machine.vmstat();
        long dirtyable = free - Math.min(free, reserve) + vm.get(VmItem.NR_INACTIVE_FILE) + vm.get(VmItem.NR_ACTIVE_FILE);
        dirtyable -= Math.min(highmem, dirtyable);
        dirtyable++;
        long thresh = (dirtyRatio * (long) Page.SIZE / 100) * dirtyable / Page.SIZE;
        long bg = (backgroundRatio * (long) Page.SIZE / 100) * dirtyable / Page.SIZE;
        if (bg >= thresh) {
            bg = thresh / 2;
        }
        machine.vmstat().add(VmItem.NR_DIRTY_THRESHOLD, thresh - threshold);
        machine.vmstat().add(VmItem.NR_DIRTY_BACKGROUND_THRESHOLD, bg - backgroundThreshold);
        threshold = thresh;
        backgroundThreshold = bg;
    }

    long threshold() {
        return threshold;
    }

    long backgroundThreshold() {
        return backgroundThreshold;
    }

    /** The time each queue is busy until. */
    long[] busyUntil() {
        return busyUntil.clone();
    }

    /** A growable list of page indices (one batch). */
    private static final class LongArray {
        long[] values = new long[16];
        int size;

        void add(long v) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = v;
        }
    }
}
