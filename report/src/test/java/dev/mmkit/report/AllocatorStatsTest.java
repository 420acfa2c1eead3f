package dev.mmkit.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.page.ZoneType;
import dev.mmkit.machine.StandaloneMachine;
import dev.mmkit.report.Fakes.FakeAllocator;
import dev.mmkit.report.Fakes.FakeZone;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

// An allocator's own per-zone counters (Zone.allocatorStats) reach /proc/zoneinfo and the JSON report, in that zone's block only.
class AllocatorStatsTest {

    private static ReportInput input() {
        StandaloneMachine m = StandaloneMachine.builder(StandaloneMachine.config("")).runDirectory(Path.of("target/run")).build();
        FakeAllocator pa = new FakeAllocator();
        FakeZone dma = new FakeZone(ZoneType.DMA);
        dma.spanned = dma.present = dma.managed = 4096;
        dma.nrFree[0] = 3;
        FakeZone normal = new FakeZone(ZoneType.NORMAL);
        normal.startPfn = 4096;
        normal.spanned = normal.present = normal.managed = 4096;
        normal.nrFree[1] = 2;
        normal.allocatorStats.put("buddy_deferred_frees", 41L);
        normal.allocatorStats.put("buddy_deferred_merges", 17L);
        pa.zones.add(dma);
        pa.zones.add(normal);
        pa.zones.add(new FakeZone(ZoneType.HIGHMEM));
        return new ReportInput(m, pa, null, null, List.of(), 0);
    }

    @Test
    void zoneinfoPrintsThemAfterTheZoneStatisticsOfTheirZone() {
        String text = Report.zoneinfo(input());
        String normal = text.substring(text.indexOf("Node 0, zone   Normal"), text.indexOf("Node 0, zone  HighMem"));
        assertThat(normal).contains("      nr_bounce    0\n"
            + "      nr_free_cma  0\n"
            + "      buddy_deferred_frees 41\n"
            + "      buddy_deferred_merges 17\n"
            + "  pagesets\n");
        assertThat(text.substring(0, text.indexOf("Node 0, zone   Normal"))).doesNotContain("buddy_");
        assertThat(text.substring(text.indexOf("Node 0, zone  HighMem"))).doesNotContain("buddy_");
    }

    @Test
    @SuppressWarnings("unchecked")
    void jsonCarriesThemInTheZonesStats() {
        Map<Object, Object> json = (Map<Object, Object>) JsonParser.parse(Report.json(input()));
        Map<Object, Object> zoneinfo = (Map<Object, Object>) json.get("zoneinfo");
        Map<Object, Object> normal = (Map<Object, Object>) ((Map<Object, Object>) zoneinfo.get("Normal")).get("stats");
        assertThat(normal).containsEntry("buddy_deferred_frees", 41L).containsEntry("buddy_deferred_merges", 17L);
        Map<Object, Object> dma = (Map<Object, Object>) ((Map<Object, Object>) zoneinfo.get("DMA")).get("stats");
        assertThat(dma).doesNotContainKey("buddy_deferred_frees");
    }
}
