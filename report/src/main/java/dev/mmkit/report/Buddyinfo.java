package dev.mmkit.report;

import dev.mmkit.api.page.PageAllocator;
import dev.mmkit.api.page.Zone;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@code /proc/buddyinfo}: per populated zone, the free blocks of each order, as Linux's
 * {@code frag_show_print} prints them: {@code "Node %d, zone %8s "} and then
 * {@code "%6lu "} per order (every column, the last one too, is followed by a space).
 *
 * <pre>
 * Node 0, zone      DMA      1      1      0      0      2      1      1      0      1      1      3
 * </pre>
 *
 * @see <a href="https://elixir.bootlin.com/linux/v6.6/source/mm/vmstat.c">mm/vmstat.c: frag_show_print</a>
 */
final class Buddyinfo {
    private Buddyinfo() {
    }

    /** Per populated zone name, {@code nr_free} of each order. */
    static Map<String, long[]> values(PageAllocator allocator) {
        Map<String, long[]> zones = new LinkedHashMap<>();
        if (allocator == null) {
            return zones;
        }
        for (Zone zone : allocator.zones()) {
            if (zone.presentPages() == 0) {
                continue;
            }
            long[] counts = new long[allocator.maxOrder()];
            for (int order = 0; order < counts.length; order++) {
                counts[order] = zone.nrFree(order);
            }
            zones.put(zone.name(), counts);
        }
        return zones;
    }

    static String render(Map<String, long[]> zones) {
        StringBuilder s = new StringBuilder();
        zones.forEach((name, counts) -> {
            s.append(String.format(Locale.ROOT, "Node %d, zone %8s ", 0, name));
            for (long count : counts) {
                s.append(String.format(Locale.ROOT, "%6d ", count));
            }
            s.append('\n');
        });
        return s.toString();
    }
}
