package dev.mmkit.api.page;

import java.util.Map;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A read-only view of one zone of a page allocator, enough to print {@code /proc/buddyinfo}
 * and {@code /proc/zoneinfo} and for reclaim to check watermarks. Counts are in pages.
 */
@ConsumerType
public interface Zone {
    ZoneType type();

    /** The name Linux prints: DMA, Normal or HighMem. */
    default String name() {
        return type().linuxName();
    }

    long startPfn();

    /** Pages from the first to the last pfn, holes included. */
    long spannedPages();

    /** Pages that exist. */
    long presentPages();

    /** Pages the allocator manages (present less reserved). */
    long managedPages();

    /** Free pages, per-CPU lists excluded ({@code NR_FREE_PAGES}). */
    long freePages();

    /**
     * Free blocks of exactly {@code order} ({@code free_area[order].nr_free}); allocators
     * without per-order lists report the aligned blocks of that order they could hand out.
     */
    long nrFree(int order);

    long watermark(Watermark mark);

    /** Pages sitting on the per-CPU lists of this zone. */
    long perCpuPages();

    /** The per-CPU lists' {@code high} and {@code batch}, 0 when there are none. */
    int perCpuHigh();

    int perCpuBatch();

    /**
     * The allocator's own counters for this zone that Linux has no item for (the lazy
     * buddy's deferred work, say), name to value in the order to print: extra lines of the
     * zone's block in {@code /proc/zoneinfo}, after the zone statistics. Empty by default.
     */
    default Map<String, Long> allocatorStats() {
        return Map.of();
    }

    /** Whether a zone has at least {@code mark} free pages after allocating 2^order. */
    default boolean watermarkOk(int order, Watermark mark) {
        return freePages() - (1L << order) >= watermark(mark);
    }
}
