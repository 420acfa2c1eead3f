package dev.mmkit.report;

import dev.mmkit.api.tlb.Tlb;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * TLB statistics: per CPU the hits, misses and hit ratio, then every counter the TLB keeps
 * ({@link Tlb#counters()}, {@code level.counter} in the TLB's own order), then the totals.
 * Linux has no such file; the layout is {@code /proc/vmstat}'s: one {@code name value} per line.
 */
final class TlbStats {
    private TlbStats() {
    }

    static String render(List<? extends Tlb> tlbs) {
        StringBuilder s = new StringBuilder(256 * (tlbs.size() + 1));
        long hits = 0;
        long misses = 0;
        for (int cpu = 0; cpu < tlbs.size(); cpu++) {
            Tlb tlb = tlbs.get(cpu);
            hits += tlb.hits();
            misses += tlb.misses();
            s.append(String.format(Locale.ROOT, "cpu%d hits %d misses %d hit_ratio %s%n", cpu, tlb.hits(), tlb.misses(),
                ratio(tlb.hits(), tlb.misses())));
            for (Map.Entry<String, Long> c : tlb.counters().entrySet()) {
                s.append(String.format(Locale.ROOT, "cpu%d.%s %d%n", cpu, c.getKey(), c.getValue()));
            }
        }
        s.append(String.format(Locale.ROOT, "total hits %d misses %d hit_ratio %s%n", hits, misses, ratio(hits, misses)));
        return s.toString().replace(System.lineSeparator(), "\n");
    }

    static String ratio(long hits, long misses) {
        return hits + misses == 0 ? "n/a" : String.format(Locale.ROOT, "%.6f", (double) hits / (hits + misses));
    }
}
