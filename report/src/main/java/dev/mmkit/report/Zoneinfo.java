package dev.mmkit.report;

import dev.mmkit.api.machine.VmItem;
import dev.mmkit.api.machine.VmStat;
import dev.mmkit.api.page.PageAllocator;
import dev.mmkit.api.page.Watermark;
import dev.mmkit.api.page.Zone;
import dev.mmkit.api.reclaim.ReclaimDaemon;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code /proc/zoneinfo} in the layout of Linux 5.15's {@code zoneinfo_show_print}: for each
 * zone its header, the per-node statistics under the first populated zone, the free count,
 * watermarks and sizes, {@code protection}, and for populated zones the zone statistics,
 * the per-CPU page sets, {@code node_unreclaimable} (1 once kswapd has given up on the
 * node: {@link ReclaimDaemon#nodeUnreclaimable}) and {@code start_pfn}.
 *
 * <pre>
 * Node 0, zone      DMA
 *   pages free     3840
 *         boost    0
 *         min      8
 *         ...
 *   pagesets
 *     cpu: 0
 *               count: 0
 *               high:  0
 *               batch: 1
 *   vm stats threshold: 0
 *   node_unreclaimable:  0
 *   start_pfn:           1
 * </pre>
 *
 * <h2>What mmkit knows per zone</h2>
 * The {@link Zone} view gives free pages, watermarks, sizes and the per-CPU lists' totals.
 * The other zone statistics ({@code nr_zone_inactive_anon}...) are kept machine-wide: they
 * are printed under the first populated zone and as 0 under the others, so that summing
 * them over zones gives the machine's count, as Linux's vmstat does (the zone LRU sizes and
 * {@code nr_zone_write_pending} derived as {@link Vmstat#zoneItem} says). Per-CPU list pages are
 * known per zone, not per CPU: they are shown under cpu 0. mmkit has no lowmem reserve
 * ({@code protection} is all zeros) and no watermark boost; its counters are exact, so the
 * per-CPU {@code vm stats threshold} is 0. Counters of the allocator's own that Linux has no
 * item for ({@link Zone#allocatorStats()}, such as the lazy buddy's deferred merges) follow
 * the zone statistics as lines of the same form.
 *
 * @see <a href="https://elixir.bootlin.com/linux/v5.15/source/mm/vmstat.c">mm/vmstat.c: zoneinfo_show_print</a>
 */
final class Zoneinfo {
    /** One zone's numbers. */
    record ZoneData(String name, boolean populated, long free, long boost, long min, long low, long high,
                    long spanned, long present, long managed, long cma, long[] protection,
                    Map<String, Long> nodeStats, Map<String, Long> zoneStats, List<long[]> pagesets,
                    boolean nodeUnreclaimable, long startPfn) {
    }

    private Zoneinfo() {
    }

    static List<ZoneData> values(ReportInput in) {
        List<ZoneData> zones = new ArrayList<>();
        PageAllocator allocator = in.pageAllocator();
        if (allocator == null) {
            return zones;
        }
        VmStat vm = in.machine().vmstat();
        boolean unreclaimable = in.reclaimDaemon() != null && in.reclaimDaemon().nodeUnreclaimable();
        List<? extends Zone> all = allocator.zones();
        boolean firstPopulatedSeen = false;
        for (Zone zone : all) {
            boolean populated = zone.presentPages() > 0;
            boolean first = populated && !firstPopulatedSeen;
            firstPopulatedSeen |= populated;
            Map<String, Long> nodeStats = new LinkedHashMap<>();
            if (first) {
                for (VmItem item : Vmstat.NODE_ITEMS) {
                    nodeStats.put(item.linuxName(), vm.get(item));
                }
            }
            Map<String, Long> zoneStats = new LinkedHashMap<>();
            List<long[]> pagesets = new ArrayList<>();
            if (populated) {
                for (VmItem item : Vmstat.ZONE_ITEMS) {
                    long value = item == VmItem.NR_FREE_PAGES ? zone.freePages() : first ? Vmstat.zoneItem(vm, item) : 0;
                    zoneStats.put(item.linuxName(), value);
                }
                zoneStats.putAll(zone.allocatorStats());
                for (int cpu = 0; cpu < in.machine().nrCpus(); cpu++) {
                    pagesets.add(new long[] {cpu, cpu == 0 ? zone.perCpuPages() : 0, zone.perCpuHigh(), zone.perCpuBatch()});
                }
            }
            zones.add(new ZoneData(zone.name(), populated, zone.freePages(), 0, zone.watermark(Watermark.MIN),
                zone.watermark(Watermark.LOW), zone.watermark(Watermark.HIGH), zone.spannedPages(), zone.presentPages(),
                zone.managedPages(), 0, new long[all.size()], nodeStats, zoneStats, pagesets, unreclaimable, zone.startPfn()));
        }
        return zones;
    }

    static String render(List<ZoneData> zones) {
        StringBuilder s = new StringBuilder(2048);
        for (ZoneData z : zones) {
            s.append(String.format(Locale.ROOT, "Node %d, zone %8s", 0, z.name()));
            if (!z.nodeStats().isEmpty()) {
                s.append("\n  per-node stats");
                z.nodeStats().forEach((name, value) -> s.append(String.format(Locale.ROOT, "\n      %-12s %d", name, value)));
            }
            s.append(String.format(Locale.ROOT,
                "\n  pages free     %d"
                    + "\n        boost    %d"
                    + "\n        min      %d"
                    + "\n        low      %d"
                    + "\n        high     %d"
                    + "\n        spanned  %d"
                    + "\n        present  %d"
                    + "\n        managed  %d"
                    + "\n        cma      %d",
                z.free(), z.boost(), z.min(), z.low(), z.high(), z.spanned(), z.present(), z.managed(), z.cma()));
            s.append("\n        protection: (");
            for (int i = 0; i < z.protection().length; i++) {
                s.append(i == 0 ? "" : ", ").append(z.protection()[i]);
            }
            s.append(')');
            if (!z.populated()) {
                s.append('\n');
                continue;
            }
            z.zoneStats().forEach((name, value) -> s.append(String.format(Locale.ROOT, "\n      %-12s %d", name, value)));
            s.append("\n  pagesets");
            for (long[] p : z.pagesets()) {
                s.append(String.format(Locale.ROOT,
                    "\n    cpu: %d"
                        + "\n              count: %d"
                        + "\n              high:  %d"
                        + "\n              batch: %d"
                        + "\n  vm stats threshold: %d",
                    p[0], p[1], p[2], p[3], 0));
            }
            s.append(String.format(Locale.ROOT,
                "\n  node_unreclaimable:  %d"
                    + "\n  start_pfn:           %d",
                z.nodeUnreclaimable() ? 1 : 0, z.startPfn()));
            s.append('\n');
        }
        return s.toString();
    }
}
