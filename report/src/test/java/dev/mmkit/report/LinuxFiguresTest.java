package dev.mmkit.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.machine.VmItem;
import dev.mmkit.api.page.ZoneType;
import dev.mmkit.machine.StandaloneMachine;
import dev.mmkit.report.Fakes.FakeAllocator;
import dev.mmkit.report.Fakes.FakeZone;
import java.util.List;
import org.junit.jupiter.api.Test;

// Figures Linux derives from other state when it prints /proc: the zone LRU sizes and write-pending pages, the direct map.
class LinuxFiguresTest {
    @Test
    void zoneLruSizesAndWritePendingAreTheNodeCounts() {
        StandaloneMachine m = ProcFormatsTest.machine("");
        m.vmstat().add(VmItem.NR_INACTIVE_ANON, 5761);
        m.vmstat().add(VmItem.NR_ACTIVE_ANON, 12);
        m.vmstat().add(VmItem.NR_INACTIVE_FILE, 16);
        m.vmstat().add(VmItem.NR_ACTIVE_FILE, 3);
        m.vmstat().add(VmItem.NR_DIRTY, 5);
        m.vmstat().add(VmItem.NR_WRITEBACK, 2);
        FakeAllocator pa = new FakeAllocator();
        pa.zones.add(ProcFormatsTest.zone(ZoneType.DMA, 0, 4096, 4096, 4096, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4));
        pa.zones.add(ProcFormatsTest.zone(ZoneType.NORMAL, 4096, 12288, 12288, 12288, 12));
        ReportInput in = new ReportInput(m, pa, null, null, List.of(), 0);

        // update_lru_size changes NR_ZONE_LRU_BASE + lru with NR_LRU_BASE + lru, so on one node the
        // zone sizes summed are the node's; NR_ZONE_WRITE_PENDING moves with NR_FILE_DIRTY and
        // NR_WRITEBACK: 5 + 2 = 7.
        String vmstat = Report.vmstat(in);
        assertThat(vmstat).contains("\nnr_zone_inactive_anon 5761\nnr_zone_active_anon 12\nnr_zone_inactive_file 16\n"
            + "nr_zone_active_file 3\nnr_zone_unevictable 0\nnr_zone_write_pending 7\n");
        assertThat(vmstat).contains("\nnr_inactive_anon 5761\n");

        // zoneinfo: the machine-wide counts under the first populated zone, 0 under the next.
        String zoneinfo = Report.zoneinfo(in);
        String dma = zoneinfo.substring(0, zoneinfo.indexOf("Node 0, zone   Normal"));
        String normal = zoneinfo.substring(zoneinfo.indexOf("Node 0, zone   Normal"));
        assertThat(dma).contains("\n      nr_free_pages 4096\n      nr_zone_inactive_anon 5761\n      nr_zone_active_anon 12\n"
            + "      nr_zone_inactive_file 16\n      nr_zone_active_file 3\n      nr_zone_unevictable 0\n"
            + "      nr_zone_write_pending 7\n");
        assertThat(normal).contains("\n      nr_free_pages 12\n      nr_zone_inactive_anon 0\n");
        assertThat(normal).contains("\n      nr_zone_write_pending 0\n");
    }

    @Test
    void highMemIsNotInTheDirectMap() {
        StandaloneMachine m = ProcFormatsTest.machine("mmkit.machine.page-table.impl = x86-32");
        FakeAllocator pa = new FakeAllocator();
        pa.zones.add(ProcFormatsTest.zone(ZoneType.DMA, 0, 4096, 4096, 4000, 1));
        pa.zones.add(ProcFormatsTest.zone(ZoneType.NORMAL, 4096, 1000, 1000, 900, 100));
        pa.zones.add(ProcFormatsTest.zone(ZoneType.HIGHMEM, 5096, 500, 500, 500, 20));
        String meminfo = Report.meminfo(new ReportInput(m, pa, null, null, List.of(), 0));
        // A 32-bit kernel's direct mapping stops at max_low_pfn: the 4096 + 1000 lowmem pages
        // (20384 kB), not the 500 HighMem ones; all of it in 4 KiB pages here.
        assertThat(meminfo).contains("\nDirectMap4k:       20384 kB\nDirectMap4M:           0 kB\n");
        assertThat(meminfo).contains("\nHighTotal:          2000 kB\n");
    }
}
