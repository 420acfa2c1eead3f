package dev.mmkit.buddy;

import dev.mmkit.api.page.ZoneType;

/**
 * Per-zone watermarks derived from {@code min_free_kbytes}, exactly as Linux 4.5 does it
 * ({@code mm/page_alloc.c}: {@code init_per_zone_wmark_min} and
 * {@code __setup_per_zone_wmarks}, the "classic" formula used before the
 * {@code watermark_scale_factor} of Linux 4.6):
 *
 * <pre>
 *   min_free_kbytes (default) = clamp(int_sqrt(lowmem_kbytes * 16), 128, 65536)
 *   pages_min    = min_free_kbytes &gt;&gt; (PAGE_SHIFT - 10)
 *   lowmem_pages = Σ managed pages of the zones that are not HighMem
 *   tmp          = pages_min * zone.managed / lowmem_pages        (the zone's share)
 *   min          = tmp, or for HighMem clamp(managed / 1024, SWAP_CLUSTER_MAX = 32, 128)
 *   low          = min + tmp / 4
 *   high         = min + tmp / 2
 * </pre>
 * A zone with no pages gets 0 for all three. The default {@code min_free_kbytes} counts
 * only lowmem (the zones that are not HighMem), as {@code nr_free_buffer_pages} does.
 */
final class Watermarks {
    /** {@code SWAP_CLUSTER_MAX}. */
    static final long SWAP_CLUSTER_MAX = 32;

    private Watermarks() {
    }

    /** {@code init_per_zone_wmark_min}: Linux's default min_free_kbytes for this much lowmem. */
    static long defaultMinFreeKbytes(long lowmemPages) {
        long lowmemKbytes = lowmemPages * 4;
        long minFree = (long) Math.floor(Math.sqrt((double) lowmemKbytes * 16));
        while (minFree * minFree > lowmemKbytes * 16) {
            minFree--;
        }
        while ((minFree + 1) * (minFree + 1) <= lowmemKbytes * 16) {
            minFree++;
        }
        return Math.max(128, Math.min(65536, minFree));
    }

    /**
     * {@code __setup_per_zone_wmarks}: {min, low, high} for each zone, indexed by
     * {@link ZoneType} ordinal.
     *
     * @param managed managed pages per zone
     * @param minFreeKbytes {@code min_free_kbytes}, or -1 for the default
     */
    static long[][] setupPerZoneWmarks(long[] managed, long minFreeKbytes) {
        long lowmemPages = 0;
        for (int z = 0; z < managed.length; z++) {
            if (z != ZoneType.HIGHMEM.ordinal()) {
                lowmemPages += managed[z];
            }
        }
        long kbytes = minFreeKbytes >= 0 ? minFreeKbytes : defaultMinFreeKbytes(lowmemPages);
        long pagesMin = kbytes >> (12 - 10);
        long[][] marks = new long[managed.length][3];
        for (int z = 0; z < managed.length; z++) {
            if (managed[z] == 0) {
                continue;
            }
            long tmp = lowmemPages == 0 ? 0 : pagesMin * managed[z] / lowmemPages;
            long min;
            if (z == ZoneType.HIGHMEM.ordinal()) {
                min = Math.max(SWAP_CLUSTER_MAX, Math.min(128, managed[z] / 1024));
            } else {
                min = tmp;
            }
            marks[z][0] = min;
            marks[z][1] = min + (tmp >> 2);
            marks[z][2] = min + (tmp >> 1);
        }
        return marks;
    }
}
