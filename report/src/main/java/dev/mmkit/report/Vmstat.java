package dev.mmkit.report;

import dev.mmkit.api.machine.VmItem;
import dev.mmkit.api.machine.VmStat;
import dev.mmkit.api.page.Zone;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /proc/vmstat}: one {@code name value} line per counter, in Linux's order (the
 * zone items, the node items, the writeback thresholds, then the events; {@link VmItem}
 * is declared in that order) and under Linux's names.
 *
 * <p>As Linux's {@code vmstat_show} does since 5.8, the file ends with the deprecated
 * {@code nr_unstable 0}, kept "to avoid breaking userspace".
 *
 * <p>{@code nr_free_pages} is summed from the zones, as Linux sums {@code NR_FREE_PAGES}
 * over {@code zone->vm_stat}; without a page allocator it is the counter as kept.
 *
 * <p>The zone LRU sizes ({@code nr_zone_inactive_anon} ... {@code nr_zone_unevictable}) are
 * the node's: Linux changes both in the same step ({@code update_lru_size}:
 * {@code __mod_lruvec_state} of {@code NR_LRU_BASE + lru} and {@code __mod_zone_page_state}
 * of {@code NR_ZONE_LRU_BASE + lru}), so on one node their sum over the zones is the node
 * count. {@code nr_zone_write_pending} is {@code nr_dirty + nr_writeback}: Linux counts it
 * wherever it counts those two ({@code folio_account_dirtied}, {@code folio_account_cleaned},
 * {@code __folio_start_writeback}, {@code __folio_end_writeback}). mmkit's parts keep only
 * the node items; {@link #zoneItem} derives the zone ones.
 *
 * @see <a href="https://elixir.bootlin.com/linux/v6.6/source/mm/vmstat.c">mm/vmstat.c: vmstat_start, vmstat_show</a>
 */
final class Vmstat {
    /** {@code enum zone_stat_item}, the items {@code /proc/zoneinfo} prints per zone. */
    static final VmItem[] ZONE_ITEMS = {
        VmItem.NR_FREE_PAGES, VmItem.NR_ZONE_INACTIVE_ANON, VmItem.NR_ZONE_ACTIVE_ANON, VmItem.NR_ZONE_INACTIVE_FILE,
        VmItem.NR_ZONE_ACTIVE_FILE, VmItem.NR_ZONE_UNEVICTABLE, VmItem.NR_ZONE_WRITE_PENDING, VmItem.NR_MLOCK,
        VmItem.NR_BOUNCE, VmItem.NR_FREE_CMA};

    /** {@code enum node_stat_item}, the {@code per-node stats} of {@code /proc/zoneinfo}. */
    static final VmItem[] NODE_ITEMS = {
        VmItem.NR_INACTIVE_ANON, VmItem.NR_ACTIVE_ANON, VmItem.NR_INACTIVE_FILE, VmItem.NR_ACTIVE_FILE,
        VmItem.NR_UNEVICTABLE, VmItem.NR_SLAB_RECLAIMABLE, VmItem.NR_SLAB_UNRECLAIMABLE, VmItem.NR_ISOLATED_ANON,
        VmItem.NR_ISOLATED_FILE, VmItem.NR_ANON_PAGES, VmItem.NR_MAPPED, VmItem.NR_FILE_PAGES, VmItem.NR_DIRTY,
        VmItem.NR_WRITEBACK, VmItem.NR_SHMEM, VmItem.NR_VMSCAN_WRITE, VmItem.NR_VMSCAN_IMMEDIATE_RECLAIM,
        VmItem.NR_DIRTIED, VmItem.NR_WRITTEN, VmItem.NR_KERNEL_STACK, VmItem.NR_PAGE_TABLE_PAGES, VmItem.NR_SWAPCACHED};

    /** {@code NR_ZONE_LRU_BASE + lru} and {@code NR_LRU_BASE + lru}, lru by lru ({@code enum lru_list}). */
    private static final VmItem[][] ZONE_LRU = {
        {VmItem.NR_ZONE_INACTIVE_ANON, VmItem.NR_INACTIVE_ANON},
        {VmItem.NR_ZONE_ACTIVE_ANON, VmItem.NR_ACTIVE_ANON},
        {VmItem.NR_ZONE_INACTIVE_FILE, VmItem.NR_INACTIVE_FILE},
        {VmItem.NR_ZONE_ACTIVE_FILE, VmItem.NR_ACTIVE_FILE},
        {VmItem.NR_ZONE_UNEVICTABLE, VmItem.NR_UNEVICTABLE}};

    /** Every item in Linux's print order: {@link VmItem} is declared in it. */
    static final List<VmItem> LINUX_ORDER = List.of(VmItem.values());

    private Vmstat() {
    }

    /** Every counter by its Linux name, in print order. */
    static Map<String, Long> values(ReportInput in) {
        Map<String, Long> values = new LinkedHashMap<>();
        for (VmItem item : LINUX_ORDER) {
            if (item == VmItem.ALLOCSTALL) {
                continue; // since Linux 4.8 only per zone: allocstall_<zone>
            }
            long value = zoneItem(in.machine().vmstat(), item);
            if (item == VmItem.NR_FREE_PAGES && in.pageAllocator() != null) {
                value = 0;
                for (Zone zone : in.pageAllocator().zones()) {
                    value += zone.freePages();
                }
            }
            values.put(item.linuxName(), value);
        }
        values.put("nr_unstable", 0L);
        return values;
    }

    /**
     * The machine-wide value of {@code item}: for a zone LRU size the node's, for
     * {@code NR_ZONE_WRITE_PENDING} dirty plus writeback pages, otherwise the counter as kept.
     */
    static long zoneItem(VmStat vm, VmItem item) {
        if (item == VmItem.NR_ZONE_WRITE_PENDING) {
            return vm.get(VmItem.NR_DIRTY) + vm.get(VmItem.NR_WRITEBACK);
        }
        for (VmItem[] pair : ZONE_LRU) {
            if (pair[0] == item) {
                return vm.get(pair[1]);
            }
        }
        return vm.get(item);
    }

    static String render(Map<String, Long> values) {
        StringBuilder s = new StringBuilder(values.size() * 24);
        values.forEach((name, value) -> s.append(name).append(' ').append(value).append('\n'));
        return s.toString();
    }
}
