package dev.mmkit.report;

import dev.mmkit.api.page.Fragmentation;
import dev.mmkit.api.page.PageAllocator;
import dev.mmkit.api.page.Zone;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The fragmentation indices of {@code /sys/kernel/debug/extfrag/}: per populated zone and
 * order, the unusable free space index ({@code unusable_index}) and the external
 * fragmentation index ({@code extfrag_index}), computed by {@link Fragmentation} and
 * printed as Linux's {@code unusable_show_print} ({@code "%d.%03d "}) and
 * {@code extfrag_show_print} ({@code "%2d.%03d "}) do.
 *
 * <pre>
 * Node 0, zone   Normal 0.000 0.000 0.001 0.003 0.010 0.029 0.067 0.141 0.286 0.562 1.000
 * Node 0, zone   Normal -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000  0.979
 * </pre>
 *
 * @see <a href="https://elixir.bootlin.com/linux/v6.6/source/mm/vmstat.c">mm/vmstat.c: unusable_show_print, extfrag_show_print</a>
 */
final class Extfrag {
    /** One zone's indices in thousandths, per order. */
    record ZoneIndices(int[] unusable, int[] extfrag) {
    }

    private Extfrag() {
    }

    static Map<String, ZoneIndices> values(PageAllocator allocator) {
        Map<String, ZoneIndices> zones = new LinkedHashMap<>();
        if (allocator == null) {
            return zones;
        }
        int maxOrder = allocator.maxOrder();
        for (Zone zone : allocator.zones()) {
            if (zone.presentPages() == 0) {
                continue;
            }
            int[] unusable = new int[maxOrder];
            int[] extfrag = new int[maxOrder];
            for (int order = 0; order < maxOrder; order++) {
                // Linux's unusable_free_index: "No free memory is interpreted as all free memory is
                // unusable" (1000); Fragmentation.unusableIndex answers 0 there.
                unusable[order] = zone.freePages() == 0 && noFreeBlock(zone, maxOrder) ? 1000
                    : Fragmentation.unusableIndex(zone, maxOrder, order);
                extfrag[order] = Fragmentation.extfragIndex(zone, maxOrder, order);
            }
            zones.put(zone.name(), new ZoneIndices(unusable, extfrag));
        }
        return zones;
    }

    private static boolean noFreeBlock(Zone zone, int maxOrder) {
        for (int order = 0; order < maxOrder; order++) {
            if (zone.nrFree(order) != 0) {
                return false;
            }
        }
        return true;
    }

    static String renderUnusable(Map<String, ZoneIndices> zones) {
        StringBuilder s = new StringBuilder();
        zones.forEach((name, z) -> {
            s.append(String.format(Locale.ROOT, "Node %d, zone %8s ", 0, name));
            for (int index : z.unusable()) {
                s.append(String.format(Locale.ROOT, "%d.%03d ", index / 1000, index % 1000));
            }
            s.append('\n');
        });
        return s.toString();
    }

    static String renderExtfrag(Map<String, ZoneIndices> zones) {
        StringBuilder s = new StringBuilder();
        zones.forEach((name, z) -> {
            s.append(String.format(Locale.ROOT, "Node %d, zone %8s ", 0, name));
            for (int index : z.extfrag()) {
                // As the kernel: a negative index other than -1000 (one large-ish free block, say -500)
                // prints its sign in the fraction (" 0.-500"), not as a positive " 0.500".
                s.append(String.format(Locale.ROOT, "%2d.%03d ", index / 1000, index % 1000));
            }
            s.append('\n');
        });
        return s.toString();
    }
}
