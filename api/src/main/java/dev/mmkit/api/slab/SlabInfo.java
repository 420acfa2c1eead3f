package dev.mmkit.api.slab;

import java.util.List;
import java.util.Locale;

/**
 * Renders {@code /proc/slabinfo} exactly as Linux prints it ({@code mm/slab_common.c}:
 * {@code print_slabinfo_header} and {@code cache_show}), so that tools written for Linux
 * read mmkit's output unchanged.
 *
 * <pre>
 * slabinfo - version: 2.1
 * # name            &lt;active_objs&gt; &lt;num_objs&gt; &lt;objsize&gt; ... : tunables ... : slabdata ...
 * kmalloc-128         1440   1440    128   32    1 : tunables    0    0    0 : slabdata     45     45      0
 * </pre>
 *
 * Each row is {@code "%-17s %6lu %6lu %6u %4u %4d : tunables %4u %4u %4u : slabdata %6lu %6lu %6lu"}.
 * Linux keeps {@code slab_caches} newest first, so the rows come in reverse creation order:
 * the general caches made at boot are at the bottom.
 */
public final class SlabInfo {
    /** The first line. */
    public static final String VERSION_LINE = "slabinfo - version: 2.1";
    /** The second line: the column legend. */
    public static final String HEADER_LINE = "# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab>"
        + " : tunables <limit> <batchcount> <sharedfactor>"
        + " : slabdata <active_slabs> <num_slabs> <sharedavail>";

    private SlabInfo() {
    }

    /**
     * The whole file for {@code caches} given in creation order (as
     * {@link SlabAllocator#caches()} returns them), each line ending in a newline.
     */
    public static String render(List<? extends KmemCache> caches) {
        StringBuilder s = new StringBuilder(128 * (caches.size() + 2));
        s.append(VERSION_LINE).append('\n').append(HEADER_LINE).append('\n');
        for (int i = caches.size() - 1; i >= 0; i--) {
            s.append(row(caches.get(i))).append('\n');
        }
        return s.toString();
    }

    /** One cache's row, without the newline. */
    public static String row(KmemCache cache) {
        int[] tunables = cache.tunables();
        return String.format(Locale.ROOT,
            "%-17s %6d %6d %6d %4d %4d : tunables %4d %4d %4d : slabdata %6d %6d %6d",
            cache.name(), cache.activeObjects(), cache.totalObjects(), cache.slotSize(),
            cache.objectsPerSlab(), cache.pagesPerSlab(), tunables[0], tunables[1], tunables[2],
            cache.activeSlabs(), cache.totalSlabs(), cache.sharedAvail());
    }
}
