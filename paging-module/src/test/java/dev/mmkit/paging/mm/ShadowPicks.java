package dev.mmkit.paging.mm;

import dev.mmkit.api.page.PageAllocator;
import dev.mmkit.api.page.Zone;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.SplittableRandom;

/**
 * What the shadow-model tests ({@link DataIntegrityTest}, {@link ProcessLifecycleFuzzTest}, and
 * the whole-machine fuzz of the replacement module) share: the bounded operation log printed
 * with a failure, the random choice of an 8-byte slot in a mapped page and of the ranges
 * that munmap and mprotect take, and the free-page count that must come back once every
 * process has exited.
 */
public final class ShadowPicks {
    private static final long P = 4096;

    private ShadowPicks() {
    }

    /** Appends {@code line}, keeping the last {@code keep} lines. */
    public static void log(ArrayDeque<String> log, String line, int keep) {
        if (log.size() == keep) {
            log.removeFirst();
        }
        log.addLast(line);
    }

    /** One of the regions ({@code [start, end)}), or null when there is none. */
    private static long[] randomRegion(List<long[]> regions, SplittableRandom random) {
        return regions.isEmpty() ? null : regions.get(random.nextInt(regions.size()));
    }

    /** The address of a random page of region {@code r} ({@code [start, end)}). */
    private static long randomPage(long[] r, SplittableRandom random) {
        return r[0] + random.nextInt((int) ((r[1] - r[0]) / P)) * P;
    }

    /**
     * An 8-byte slot of a page of a random region that {@code pages} says is mapped, or −1.
     * Slots of a page are few (eight, two offsets each), so values get overwritten and read.
     */
    public static long randomSlot(List<long[]> regions, Map<Long, ?> pages, SplittableRandom random) {
        long[] r = randomRegion(regions, random);
        if (r == null) {
            return -1;
        }
        long page = randomPage(r, random);
        if (!pages.containsKey(page)) {
            return -1;
        }
        return page + random.nextInt(8) * 512L + (random.nextBoolean() ? 0 : 8);
    }

    /** Free pages of every zone, per-CPU lists included: what comes back once every process has exited. */
    public static long freePages(PageAllocator a) {
        long n = 0;
        for (Zone z : a.zones()) {
            n += z.freePages() + z.perCpuPages();
        }
        return n;
    }

    /** munmap's range: 1-8 pages from a random page of a random region, {start, length}; null when there is no region. */
    public static long[] randomUnmapRange(List<long[]> regions, SplittableRandom random) {
        long[] r = randomRegion(regions, random);
        if (r == null) {
            return null;
        }
        long start = randomPage(r, random);
        return new long[] {start, (1 + random.nextInt(8)) * P};
    }

    /**
     * mprotect's range: 1-8 pages from a random page of a random region, cut at its end,
     * {start, end}; null when there is no region or a page of the range is not mapped.
     */
    public static long[] randomMappedRange(List<long[]> regions, NavigableMap<Long, ?> pages, SplittableRandom random) {
        long[] r = randomRegion(regions, random);
        if (r == null) {
            return null;
        }
        long start = randomPage(r, random);
        long end = Math.min(r[1], start + (1 + random.nextInt(8)) * P);
        return pages.subMap(start, end).size() == (end - start) / P ? new long[] {start, end} : null;
    }
}
