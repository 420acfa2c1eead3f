package dev.mmkit.buddy;

import dev.mmkit.api.machine.ConfigurationException;
import dev.mmkit.api.machine.Settings;
import dev.mmkit.api.page.ZoneType;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code mmkit.machine.page-allocator} block, read and checked once. Every problem is
 * reported through {@link Settings#reportProblem} (so a run lists them all) and kept here
 * so that {@code create} can refuse to build an allocator from a bad block.
 *
 * <p>Public only so that the first-, best- and worst-fit allocators of
 * {@code dev.mmkit.buddy.fit} can share it; the package is private to the bundle.
 */
public final class AllocatorSettings {
    /** Largest {@code max-order} accepted: a block of 2^23 frames is 32 GiB. */
    static final int MAX_MAX_ORDER = 24;

    /** {@code MAX_ORDER}: orders 0 to maxOrder-1. */
    public final int maxOrder;
    /** {@code merge = lazy}: freed blocks are parked unmerged and coalesced later. */
    public final boolean lazyMerge;
    /** Virtual-time period of the background coalescing timer; 0 disables the timer. */
    public final long lazyCoalescePeriodNanos;
    /** {@code min_free_kbytes}, or -1 for Linux's default {@code sqrt(lowmem_kbytes * 16)}. */
    public final long minFreeKbytes;
    /** Explicit watermarks per zone ({@link ZoneType} ordinal) as {min, low, high} pages, or null. */
    public final long[][] watermarks = new long[ZoneType.values().length][];
    /** Per-CPU list batch, or -1 for Linux's {@code zone_batchsize}. */
    public final int pcpBatch;
    /** Per-CPU list high mark, or -1 for {@code 6 * batch}; 0 disables the per-CPU lists. */
    public final int pcpHigh;
    /** Rounds of direct reclaim before a blocking allocation fails ({@code MAX_RECLAIM_RETRIES}). */
    public final int reclaimRetries;

    private final List<String> problems = new ArrayList<>();

    private AllocatorSettings(Settings s) {
        maxOrder = s.getInt("max-order");
        if (maxOrder < 1 || maxOrder > MAX_MAX_ORDER) {
            report(s, "max-order", maxOrder + " (expected: 1-" + MAX_MAX_ORDER + ")");
        }
        String merge = s.getString("merge");
        lazyMerge = merge.equals("lazy");
        if (!lazyMerge && !merge.equals("eager")) {
            report(s, "merge", "Unknown merge policy [" + merge + "], known options [eager, lazy]");
        }
        lazyCoalescePeriodNanos = s.getNanos("lazy-coalesce-period");
        if (lazyCoalescePeriodNanos < 0) {
            report(s, "lazy-coalesce-period", lazyCoalescePeriodNanos + "ns (expected: 0 or more)");
        }
        // Linux's min_free_kbytes is an int (sysctl range 0..INT_MAX); larger values would also
        // overflow pages_min * managed in __setup_per_zone_wmarks.
        minFreeKbytes = autoOrNumber(s, "min-free-kbytes", Integer.MAX_VALUE);
        Settings marks = s.getBlock("watermarks");
        for (ZoneType type : ZoneType.values()) {
            String key = type.linuxName();
            if (!marks.has(key)) {
                continue;
            }
            Settings zone = marks.getBlock(key);
            long min = zone.getLong("min");
            long low = zone.getLong("low");
            long high = zone.getLong("high");
            if (min < 0 || low < min || high < low) {
                report(zone, "min", "min " + min + ", low " + low + ", high " + high
                    + " (expected: 0 <= min <= low <= high, in pages)");
            }
            watermarks[type.ordinal()] = new long[] {min, low, high};
        }
        Settings pcp = s.getBlock("pcp");
        pcpBatch = (int) autoOrNumber(pcp, "batch", Integer.MAX_VALUE);
        if (pcpBatch == 0) {
            report(pcp, "batch", "0 (expected: auto or 1 or more)");
        }
        pcpHigh = (int) autoOrNumber(pcp, "high", Integer.MAX_VALUE);
        if (pcpHigh < 0 && pcpBatch > Integer.MAX_VALUE / 6) {
            // high = auto is 6 * batch, an int
            report(pcp, "batch", pcpBatch + " (expected: at most " + Integer.MAX_VALUE / 6 + " while high = auto, 6 * batch)");
        }
        if (pcpHigh > 0 && pcpBatch > 0 && pcpHigh < pcpBatch) {
            report(pcp, "high", pcpHigh + " (expected: 0, auto, or at least batch = " + pcpBatch + ")");
        }
        reclaimRetries = s.getInt("reclaim-retries");
        if (reclaimRetries < 1 || reclaimRetries > 1000) {
            report(s, "reclaim-retries", reclaimRetries + " (expected: 1-1000)");
        }
    }

    /** Reads the block, reporting every problem through {@code settings}. */
    public static AllocatorSettings read(Settings settings) {
        return new AllocatorSettings(settings);
    }

    /** Reads the block and throws every problem at once. */
    public static AllocatorSettings readValid(Settings settings) {
        AllocatorSettings read = new AllocatorSettings(settings);
        if (!read.problems.isEmpty()) {
            throw new ConfigurationException(read.problems);
        }
        return read;
    }

    /** The problems found, each as {@code origin: path: problem}. */
    public List<String> problems() {
        return List.copyOf(problems);
    }

    private long autoOrNumber(Settings s, String key, long max) {
        String value = s.getString(key).trim();
        if (value.equals("auto")) {
            return -1;
        }
        try {
            long n = Long.parseLong(value);
            if (n < 0 || n > max) {
                report(s, key, value + " (expected: auto or 0-" + max + ")");
                return -1;
            }
            return n;
        } catch (NumberFormatException e) {
            report(s, key, value + " (expected: auto or a whole number)");
            return -1;
        }
    }

    private void report(Settings s, String key, String problem) {
        s.reportProblem(key, problem);
        problems.add(s.origin(key) + ": " + s.path() + "." + key + ": " + problem);
    }
}
