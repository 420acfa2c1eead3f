package dev.mmkit.report;

import dev.mmkit.api.hw.Page;
import dev.mmkit.api.mm.ProcessInfo;
import dev.mmkit.api.mm.SwapArea;
import dev.mmkit.api.mm.VmArea;
import dev.mmkit.api.slab.KmemCache;
import dev.mmkit.api.slab.SlabInfo;
import dev.mmkit.api.tlb.Tlb;
import dev.mmkit.api.workload.Mman;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The report of a finished run: the machine's state in Linux's own file formats, field for
 * field, and the same data as one JSON document.
 *
 * <h2>Text</h2>
 * Each file under a {@code ==> name <==} header (as {@code head} prints several files):
 * {@code /proc/meminfo}, {@code /proc/vmstat}, {@code /proc/buddyinfo},
 * {@code /proc/zoneinfo}, {@code /proc/slabinfo}, {@code /proc/swaps}, {@code /proc/PID/maps} of every live
 * process, the fragmentation indices of {@code /sys/kernel/debug/extfrag/}, then mmkit's
 * own sections: processes, TLB statistics, the memory manager's counters and the effective
 * access time. Parts whose collaborator the machine never created are left out.
 *
 * <h2>JSON</h2>
 * One object: {@code vmstat} maps Linux's counter names to numbers, {@code meminfo} Linux's
 * field names to kB, {@code buddyinfo} zone names to free blocks per order,
 * {@code zoneinfo} zone names to their fields, {@code slabinfo} is an array of rows,
 * {@code swaps} an array of swap areas (filename, type, size and used in kB, priority),
 * {@code processes} maps pids to name, state and maps, then {@code fragmentation},
 * {@code tlb}, {@code mm} and {@code eat}. Addresses are lowercase hex strings, as maps
 * prints them (a JSON number cannot hold every 64-bit address exactly).
 */
public final class Report {
    private Report() {
    }

    /** Every section as text. */
    public static String text(ReportInput in) {
        StringBuilder s = new StringBuilder(1 << 14);
        section(s, "/proc/meminfo", meminfo(in));
        section(s, "/proc/vmstat", vmstat(in));
        if (in.pageAllocator() != null) {
            section(s, "/proc/buddyinfo", buddyinfo(in));
            section(s, "/proc/zoneinfo", zoneinfo(in));
        }
        if (in.slab() != null) {
            section(s, "/proc/slabinfo", slabinfo(in));
        }
        if (in.memoryManager() != null) {
            section(s, "/proc/swaps", swaps(in));
            for (ProcessInfo p : in.memoryManager().processes()) {
                if (p.alive()) {
                    section(s, "/proc/" + p.pid() + "/maps", maps(in, p));
                }
            }
        }
        if (in.pageAllocator() != null) {
            Map<String, Extfrag.ZoneIndices> frag = Extfrag.values(in.pageAllocator());
            section(s, "/sys/kernel/debug/extfrag/unusable_index", Extfrag.renderUnusable(frag));
            section(s, "/sys/kernel/debug/extfrag/extfrag_index", Extfrag.renderExtfrag(frag));
        }
        if (in.memoryManager() != null) {
            section(s, "processes", processes(in));
            section(s, "mmu counters", counters(in.memoryManager().counters()));
        }
        if (!in.tlbs().isEmpty()) {
            section(s, "tlb", tlb(in));
        }
        section(s, "effective access time", eat(in));
        return s.toString();
    }

    private static void section(StringBuilder s, String name, String body) {
        if (s.length() > 0) {
            s.append('\n');
        }
        s.append("==> ").append(name).append(" <==\n").append(body);
    }

    public static String vmstat(ReportInput in) {
        return Vmstat.render(Vmstat.values(in));
    }

    public static String meminfo(ReportInput in) {
        return Meminfo.render(Meminfo.values(in));
    }

    /** Empty without a page allocator. */
    public static String buddyinfo(ReportInput in) {
        return Buddyinfo.render(Buddyinfo.values(in.pageAllocator()));
    }

    /** Empty without a page allocator. */
    public static String zoneinfo(ReportInput in) {
        return Zoneinfo.render(Zoneinfo.values(in));
    }

    /** Linux's slabinfo 2.1, rendered by {@link SlabInfo}; just the header without a slab allocator. */
    public static String slabinfo(ReportInput in) {
        return SlabInfo.render(in.slab() != null ? in.slab().caches() : List.of());
    }

    /** Linux's {@code /proc/swaps}: just the header without a memory manager or swap area. */
    public static String swaps(ReportInput in) {
        return Swaps.render(in.memoryManager() != null ? in.memoryManager().swapAreas() : List.of());
    }

    /** {@code /proc/PID/maps} of one process. */
    public static String maps(ReportInput in, ProcessInfo process) {
        return Maps.render(process.maps(), Meminfo.bits32(in));
    }

    /** Both fragmentation indices, each zone on one line; empty without a page allocator. */
    public static String fragmentation(ReportInput in) {
        Map<String, Extfrag.ZoneIndices> frag = Extfrag.values(in.pageAllocator());
        return Extfrag.renderUnusable(frag) + Extfrag.renderExtfrag(frag);
    }

    public static String tlb(ReportInput in) {
        return TlbStats.render(in.tlbs());
    }

    public static String eat(ReportInput in) {
        return AccessTime.render(AccessTime.compute(in));
    }

    private static String processes(ReportInput in) {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "%5s %-16s %-6s %10s %s%n", "PID", "NAME", "STATE", "RSS(kB)", "EXIT"));
        for (ProcessInfo p : in.memoryManager().processes()) {
            s.append(String.format(Locale.ROOT, "%5d %-16s %-6s %10d %s%n", p.pid(), p.name(), p.alive() ? "alive" : "dead",
                p.residentPages() << (Page.SHIFT - 10), p.alive() ? "" : p.exitReason()));
        }
        return s.toString().replace(System.lineSeparator(), "\n");
    }

    private static String counters(Map<String, Long> counters) {
        StringBuilder s = new StringBuilder();
        counters.forEach((name, value) -> s.append(name).append(' ').append(value).append('\n'));
        return s.toString();
    }

    /** Everything as one JSON document. */
    public static String json(ReportInput in) {
        JsonWriter w = new JsonWriter().beginObject();
        w.name("vmstat").beginObject();
        Vmstat.values(in).forEach(w::member);
        w.endObject();

        w.name("meminfo").beginObject();
        Meminfo.values(in).forEach(w::member);
        w.endObject();

        w.name("buddyinfo").beginObject();
        Buddyinfo.values(in.pageAllocator()).forEach((zone, counts) -> {
            w.name(zone).beginArray();
            for (long c : counts) {
                w.value(c);
            }
            w.endArray();
        });
        w.endObject();

        w.name("zoneinfo").beginObject();
        for (Zoneinfo.ZoneData z : Zoneinfo.values(in)) {
            w.name(z.name()).beginObject();
            w.member("populated", z.populated());
            if (!z.nodeStats().isEmpty()) {
                w.name("per_node_stats").beginObject();
                z.nodeStats().forEach(w::member);
                w.endObject();
            }
            w.member("pages_free", z.free()).member("boost", z.boost()).member("min", z.min()).member("low", z.low())
                .member("high", z.high()).member("spanned", z.spanned()).member("present", z.present())
                .member("managed", z.managed()).member("cma", z.cma());
            w.name("protection").beginArray();
            for (long p : z.protection()) {
                w.value(p);
            }
            w.endArray();
            w.name("stats").beginObject();
            z.zoneStats().forEach(w::member);
            w.endObject();
            w.name("pagesets").beginArray();
            for (long[] p : z.pagesets()) {
                w.beginObject().member("cpu", p[0]).member("count", p[1]).member("high", p[2]).member("batch", p[3]).endObject();
            }
            w.endArray();
            w.member("node_unreclaimable", z.nodeUnreclaimable());
            w.member("start_pfn", z.startPfn());
            w.endObject();
        }
        w.endObject();

        w.name("slabinfo").beginArray();
        if (in.slab() != null) {
            List<? extends KmemCache> caches = in.slab().caches();
            for (int i = caches.size() - 1; i >= 0; i--) {
                KmemCache c = caches.get(i);
                int[] t = c.tunables();
                w.beginObject().member("name", c.name()).member("active_objs", c.activeObjects())
                    .member("num_objs", c.totalObjects()).member("objsize", c.slotSize())
                    .member("objperslab", c.objectsPerSlab()).member("pagesperslab", c.pagesPerSlab())
                    .member("limit", t[0]).member("batchcount", t[1]).member("sharedfactor", t[2])
                    .member("active_slabs", c.activeSlabs()).member("num_slabs", c.totalSlabs())
                    .member("sharedavail", 0).endObject();
            }
        }
        w.endArray();

        w.name("swaps").beginArray();
        if (in.memoryManager() != null) {
            for (SwapArea a : in.memoryManager().swapAreas()) {
                w.beginObject().member("filename", a.path()).member("type", a.partition() ? "partition" : "file")
                    .member("size", Swaps.kib(a.pages())).member("used", Swaps.kib(a.usedPages()))
                    .member("priority", a.priority()).endObject();
            }
        }
        w.endArray();

        w.name("processes").beginObject();
        if (in.memoryManager() != null) {
            for (ProcessInfo p : in.memoryManager().processes()) {
                w.name(Integer.toString(p.pid())).beginObject();
                w.member("name", p.name()).member("alive", p.alive()).member("exit_reason", p.exitReason())
                    .member("resident_pages", p.residentPages());
                w.name("maps").beginArray();
                if (p.alive()) {
                    for (VmArea vma : p.maps()) {
                        w.beginObject().member("start", Maps.hex8(vma.start())).member("end", Maps.hex8(vma.end()))
                            .member("perms", Mman.perms(vma.prot(), vma.flags())).member("offset", Maps.hex8(vma.offset()))
                            .member("dev", vma.device()).member("inode", vma.inode())
                            .member("pathname", vma.name() == null ? "" : vma.name()).endObject();
                    }
                }
                w.endArray();
                w.endObject();
            }
        }
        w.endObject();

        w.name("fragmentation").beginObject();
        Extfrag.values(in.pageAllocator()).forEach((zone, z) -> {
            w.name(zone).beginObject();
            w.name("unusable_index").beginArray();
            for (int i : z.unusable()) {
                w.value(i / 1000.0);
            }
            w.endArray();
            w.name("extfrag_index").beginArray();
            for (int i : z.extfrag()) {
                w.value(i / 1000.0);
            }
            w.endArray();
            w.endObject();
        });
        w.endObject();

        w.name("tlb").beginObject();
        long hits = 0;
        long misses = 0;
        List<? extends Tlb> tlbs = in.tlbs();
        w.name("cpus").beginArray();
        for (Tlb tlb : tlbs) {
            hits += tlb.hits();
            misses += tlb.misses();
            w.beginObject().member("hits", tlb.hits()).member("misses", tlb.misses());
            w.name("counters").beginObject();
            tlb.counters().forEach(w::member);
            w.endObject().endObject();
        }
        w.endArray();
        w.member("hits", hits).member("misses", misses)
            .member("hit_ratio", hits + misses == 0 ? Double.NaN : (double) hits / (hits + misses));
        w.endObject();

        w.name("mm").beginObject();
        if (in.memoryManager() != null) {
            in.memoryManager().counters().forEach(w::member);
        }
        w.endObject();

        AccessTime.Eat e = AccessTime.compute(in);
        w.name("eat").beginObject()
            .member("references", e.references()).member("virtual_ns", e.virtualNanos())
            .member("measured_ns", e.measured()).member("tlb_hits", e.hits()).member("tlb_misses", e.misses())
            .member("hit_ratio", e.hitRatio()).member("walk_references", e.walk())
            .member("tlb_ns", e.tlbNanos()).member("memory_ns", e.memoryNanos()).member("formula_ns", e.formula())
            .member("major_fault_rate", e.majorRate()).member("minor_fault_rate", e.minorRate())
            .member("page_fault_ns", e.pageFaultNanos()).member("minor_fault_ns", e.minorFaultNanos())
            .member("with_faults_ns", e.withFaults())
            .endObject();
        return w.endObject().toString() + "\n";
    }
}
