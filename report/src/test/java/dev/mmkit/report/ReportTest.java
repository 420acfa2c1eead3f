package dev.mmkit.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.mmkit.api.machine.VmItem;
import dev.mmkit.api.mm.SwapArea;
import dev.mmkit.api.page.ZoneType;
import dev.mmkit.api.workload.Mman;
import dev.mmkit.machine.StandaloneMachine;
import dev.mmkit.report.Fakes.FakeAllocator;
import dev.mmkit.report.Fakes.FakeCache;
import dev.mmkit.report.Fakes.FakeMm;
import dev.mmkit.report.Fakes.FakeProcess;
import dev.mmkit.report.Fakes.FakeSlab;
import dev.mmkit.report.Fakes.FakeTlb;
import dev.mmkit.report.Fakes.FakeVma;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

// Checks the whole report: the effective access time against the textbook's worked example, the text sections, and the JSON read back.
@SuppressWarnings("unchecked")
class ReportTest {
    /** Silberschatz §8.4.2's numbers: a 20 ns TLB and 100 ns memory. */
    private static StandaloneMachine textbookMachine() {
        return ProcFormatsTest.machine("mmkit.machine.cost { tlb-hit = 20ns, memory = 100ns, page-fault = 8ms, minor-fault = 1us }");
    }

    private static ReportInput full(StandaloneMachine m) {
        FakeAllocator pa = new FakeAllocator();
        pa.zones.add(ProcFormatsTest.zone(ZoneType.DMA, 0, 4096, 4096, 4000, 1, 2, 3));
        pa.zones.add(ProcFormatsTest.zone(ZoneType.NORMAL, 4096, 12288, 12288, 12000, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7));
        FakeSlab slab = new FakeSlab();
        slab.caches.add(new FakeCache("mm_struct", 1024, 1024, 3, 16, 16, 4, 1, 1));
        slab.pages = 4;
        FakeMm mm = new FakeMm();
        mm.counters.put("references", 100L);
        mm.counters.put("walks", 20L);
        mm.counters.put("walk_memory_references", 20L);
        mm.swapAreas.add(new SwapArea("/run/mmkit/swapfile", false, 16383, 256, -2));
        mm.processes.add(new FakeProcess(1, "init", true, "", 3, List.of(
            new FakeVma(0x600000, 0x602000, Mman.PROT_READ | Mman.PROT_WRITE, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS, 0, "00:00", 0, "[heap]"),
            new FakeVma(0x7f0000000000L, 0x7f0000001000L, Mman.PROT_READ, Mman.MAP_SHARED, 0, "08:01", 42, "/tmp/a \"quoted\"\\name\n\u0001"))));
        mm.processes.add(new FakeProcess(2, "segv", false, "SIGSEGV at 0x1000", 0, List.of()));
        FakeTlb tlb = new FakeTlb();
        tlb.hits = 80;
        tlb.misses = 20;
        tlb.counters.put("L1d.hits", 80L);
        tlb.counters.put("L1d.misses", 20L);
        return ReportInput.of(m, pa, slab, mm, List.of(tlb));
    }

    @Test
    void effectiveAccessTimeOfTheTextbook() {
        StandaloneMachine m = textbookMachine();
        m.clock().advance(14_000);
        AccessTime.Eat e = AccessTime.compute(full(m));
        // 0.80 × 120 + 0.20 × 220 = 140 ns (Silberschatz, 8th ed., §8.4.2)
        assertThat(e.hitRatio()).isEqualTo(0.8);
        assertThat(e.walk()).isEqualTo(1.0);
        assertThat(e.formula()).isCloseTo(140.0, within(1e-9));
        assertThat(e.measured()).isCloseTo(140.0, within(1e-9));
        assertThat(e.withFaults()).isCloseTo(140.0, within(1e-9));
        assertThat(Report.eat(full(m))).contains("formula EAT         h x (tlb + mem) + (1 - h) x (tlb + walk x mem + mem)"
            + " = 0.800000 x 120 + 0.200000 x 220.00 = 140.00 ns");
    }

    @Test
    void faultsAddTheirServiceTime() {
        StandaloneMachine m = textbookMachine();
        m.vmstat().add(VmItem.PGFAULT, 10);
        m.vmstat().add(VmItem.PGMAJFAULT, 1);
        AccessTime.Eat e = AccessTime.compute(full(m));
        // (1 - 0.01 - 0.09) × 140 + 0.01 × 8 ms + 0.09 × 1 us = 126 + 80000 + 90
        assertThat(e.withFaults()).isCloseTo(80_216.0, within(1e-6));
    }

    @Test
    void withoutReferencesTheRatiosAreUnknown() {
        AccessTime.Eat e = AccessTime.compute(new ReportInput(textbookMachine(), null, null, null, List.of(), -1));
        assertThat(e.references()).isZero();
        assertThat(e.hitRatio()).isNaN();
        assertThat(e.walk()).isEqualTo(4.0); // x86-64's four levels when nothing was walked
        assertThat(Report.eat(new ReportInput(textbookMachine(), null, null, null, List.of(), -1))).contains("measured EAT        n/a");
    }

    @Test
    void tlbStatisticsListEveryCounter() {
        String text = Report.tlb(full(textbookMachine()));
        assertThat(text).isEqualTo("cpu0 hits 80 misses 20 hit_ratio 0.800000\n"
            + "cpu0.L1d.hits 80\n"
            + "cpu0.L1d.misses 20\n"
            + "total hits 80 misses 20 hit_ratio 0.800000\n");
    }

    @Test
    void textHasEverySectionAndOnlyLiveProcessesMaps() {
        String text = Report.text(full(textbookMachine()));
        assertThat(text).startsWith("==> /proc/meminfo <==\nMemTotal:          64000 kB\n");
        assertThat(text).contains("\n==> /proc/vmstat <==\nnr_free_pages ", "\n==> /proc/buddyinfo <==\n",
            "\n==> /proc/zoneinfo <==\n", "\n==> /proc/slabinfo <==\nslabinfo - version: 2.1\n",
            "\n==> /proc/swaps <==\n" + Swaps.HEADER + "/run/mmkit/swapfile                     file\t\t65532\t\t1024\t\t-2\n",
            "\n==> /proc/1/maps <==\n00600000-00602000 rw-p 00000000 00:00 0 ", "\n==> /sys/kernel/debug/extfrag/unusable_index <==\n",
            "\n==> processes <==\n", "    2 segv             dead            0 SIGSEGV at 0x1000\n",
            "\n==> mmu counters <==\nreferences 100\n", "\n==> tlb <==\n", "\n==> effective access time <==\n");
        assertThat(text).doesNotContain("/proc/2/maps");
        // A newline in a path prints as \012, as Linux's seq_file_path escapes it.
        assertThat(text).contains(" 42                         /tmp/a \"quoted\"\\name\\012\u0001\n");
    }

    @Test
    void aMachineWithoutCollaboratorsStillReports() {
        String text = Report.text(new ReportInput(textbookMachine(), null, null, null, List.of(), 0));
        assertThat(text).contains("==> /proc/meminfo <==", "==> /proc/vmstat <==", "==> effective access time <==")
            .doesNotContain("buddyinfo", "slabinfo", "maps", "==> tlb");
        // 64 MiB of RAM, the machine's default
        assertThat(text).contains("MemTotal:          65536 kB\n");
        Map<Object, Object> json = (Map<Object, Object>) JsonParser.parse(Report.json(new ReportInput(textbookMachine(), null, null, null, List.of(), 0)));
        assertThat((Map<Object, Object>) json.get("buddyinfo")).isEmpty();
        assertThat((List<Object>) json.get("slabinfo")).isEmpty();
    }

    @Test
    void jsonCarriesTheSameDataAndParsesBack() {
        StandaloneMachine m = textbookMachine();
        m.vmstat().add(VmItem.PGFAULT, 1234);
        m.clock().advance(14_000);
        ReportInput in = full(m);
        Map<Object, Object> json = (Map<Object, Object>) JsonParser.parse(Report.json(in));
        assertThat(json.keySet()).containsExactly("vmstat", "meminfo", "buddyinfo", "zoneinfo", "slabinfo", "swaps",
            "processes", "fragmentation", "tlb", "mm", "eat");
        assertThat((List<Object>) json.get("swaps")).containsExactly(Map.of("filename", "/run/mmkit/swapfile", "type", "file",
            "size", 65532L, "used", 1024L, "priority", -2L));

        Map<Object, Object> vmstat = (Map<Object, Object>) json.get("vmstat");
        assertThat(vmstat.get("pgfault")).isEqualTo(1234L);
        assertThat(vmstat.get("nr_free_pages")).isEqualTo(1L + 4 + 12 + 5 + 7 * 1024);
        // /proc/vmstat's lines: every item but the total allocstall (per zone only), and nr_unstable
        assertThat(vmstat.keySet()).hasSize(VmItem.values().length).contains("allocstall_normal", "nr_unstable")
            .doesNotContain("allocstall");

        Map<Object, Object> meminfo = (Map<Object, Object>) json.get("meminfo");
        assertThat(meminfo.get("MemTotal")).isEqualTo(64000L);
        assertThat(meminfo.get("Slab")).isEqualTo(16L);
        // Every meminfo field of the text, with the same value.
        for (String line : Report.meminfo(in).split("\n")) {
            String name = line.substring(0, line.indexOf(':'));
            long value = Long.parseLong(line.substring(line.indexOf(':') + 1).replace("kB", "").trim());
            assertThat(meminfo.get(name)).as(name).isEqualTo(value);
        }

        assertThat((List<Object>) ((Map<Object, Object>) json.get("buddyinfo")).get("Normal"))
            .containsExactly(5L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 7L);
        Map<Object, Object> normal = (Map<Object, Object>) ((Map<Object, Object>) json.get("zoneinfo")).get("Normal");
        assertThat(normal.get("managed")).isEqualTo(12000L);
        assertThat(normal.get("start_pfn")).isEqualTo(4096L);

        List<Object> slabinfo = (List<Object>) json.get("slabinfo");
        assertThat((Map<Object, Object>) slabinfo.get(0)).containsEntry("name", "mm_struct").containsEntry("num_objs", 16L)
            .containsEntry("pagesperslab", 4L);

        Map<Object, Object> init = (Map<Object, Object>) ((Map<Object, Object>) json.get("processes")).get("1");
        assertThat(init.get("name")).isEqualTo("init");
        List<Object> maps = (List<Object>) init.get("maps");
        assertThat((Map<Object, Object>) maps.get(0)).containsEntry("start", "00600000").containsEntry("perms", "rw-p")
            .containsEntry("pathname", "[heap]");
        // Quotes, backslashes and control characters survive the round trip.
        assertThat(((Map<Object, Object>) maps.get(1)).get("pathname")).isEqualTo("/tmp/a \"quoted\"\\name\n\u0001");
        assertThat(((Map<Object, Object>) ((Map<Object, Object>) json.get("processes")).get("2")).get("exit_reason")).isEqualTo("SIGSEGV at 0x1000");

        Map<Object, Object> frag = (Map<Object, Object>) ((Map<Object, Object>) json.get("fragmentation")).get("DMA");
        assertThat((List<Object>) frag.get("extfrag_index")).first().isEqualTo(-1L);

        Map<Object, Object> tlb = (Map<Object, Object>) json.get("tlb");
        assertThat(tlb.get("hit_ratio")).isEqualTo(0.8);
        Map<Object, Object> eat = (Map<Object, Object>) json.get("eat");
        assertThat(eat.get("formula_ns")).isEqualTo(140L);
        assertThat(eat.get("measured_ns")).isEqualTo(140L);
        assertThat(((Map<Object, Object>) json.get("mm")).get("walks")).isEqualTo(20L);
    }

    @Test
    void jsonWriterEscapesAndNestsExactly() {
        JsonWriter w = new JsonWriter().beginObject()
            .member("s", "a\"b\\c\nd\u0001\u2028")
            .member("n", -3)
            .member("nan", Double.NaN)
            .member("half", 0.5);
        w.name("empty").beginArray().endArray();
        w.name("list").beginArray().value(1).value(true).value((String) null).endArray();
        assertThat(w.endObject().toString()).isEqualTo("{\n"
            + "  \"s\": \"a\\\"b\\\\c\\nd\\u0001\\u2028\",\n"
            + "  \"n\": -3,\n"
            + "  \"nan\": null,\n"
            + "  \"half\": 0.5,\n"
            + "  \"empty\": [],\n"
            + "  \"list\": [\n"
            + "    1,\n"
            + "    true,\n"
            + "    null\n"
            + "  ]\n"
            + "}");
    }
}
