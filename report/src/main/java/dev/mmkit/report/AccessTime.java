package dev.mmkit.report;

import dev.mmkit.api.machine.CostModel;
import dev.mmkit.api.machine.VmItem;
import dev.mmkit.api.tlb.Tlb;
import java.util.Locale;
import java.util.Map;

/**
 * The effective access time of a run, two ways.
 *
 * <h2>Measured</h2>
 * The machine's virtual clock advanced by exactly what the run cost (lookups, memory
 * accesses, walks, faults, I/O, daemons), so {@code clock / references} is what one
 * reference cost on average.
 *
 * <h2>The lecture's formula</h2>
 * {@code EAT = h × (tlb + mem) + (1 − h) × (tlb + w × mem + mem)} (Silberschatz §8.4.2, as
 * {@link dev.mmkit.api.tlb.EffectiveAccessTime}), with {@code h} the TLBs' hit ratio, {@code w}
 * the page-table reads per walk as the memory manager counted them
 * ({@code walk_memory_references / walks}; the format's levels when nothing was walked),
 * and the costs of {@code mmkit.machine.cost}. With demand paging (§9.2.2) a fraction
 * {@code p} of references fault instead: {@code (1 − p_major − p_minor) × EAT
 * + p_major × page-fault + p_minor × minor-fault}, with the rates from {@code pgmajfault}
 * and {@code pgfault}. The two numbers differ by what the formula leaves out (I/O of
 * reclaim, daemons, the cost of faults that did not need a page).
 */
final class AccessTime {
    record Eat(long references, long virtualNanos, double measured, long hits, long misses, double hitRatio,
               double walk, long tlbNanos, long memoryNanos, double formula, double majorRate, double minorRate,
               long pageFaultNanos, long minorFaultNanos, double withFaults) {
    }

    private AccessTime() {
    }

    static Eat compute(ReportInput in) {
        long references = in.referenceCount();
        long now = in.machine().clock().now();
        long hits = 0;
        long misses = 0;
        for (Tlb tlb : in.tlbs()) {
            hits += tlb.hits();
            misses += tlb.misses();
        }
        Map<String, Long> mm = in.memoryManager() != null ? in.memoryManager().counters() : Map.of();
        if (in.tlbs().isEmpty() && mm.containsKey("tlb_hits")) {
            hits = mm.get("tlb_hits");
            misses = Math.max(0, references - hits);
        }
        double hitRatio = hits + misses == 0 ? Double.NaN : (double) hits / (hits + misses);
        long walks = mm.getOrDefault("walks", 0L);
        double walk = walks > 0 ? (double) mm.getOrDefault("walk_memory_references", 0L) / walks : levels(in);
        CostModel cost = in.machine().cost();
        double formula = Double.isNaN(hitRatio) ? Double.NaN
            : hitRatio * (cost.tlbHit() + cost.memory())
                + (1 - hitRatio) * (cost.tlbHit() + walk * cost.memory() + cost.memory());
        long faults = in.machine().vmstat().get(VmItem.PGFAULT);
        long major = in.machine().vmstat().get(VmItem.PGMAJFAULT);
        double majorRate = references == 0 ? 0 : Math.min(1, (double) major / references);
        double minorRate = references == 0 ? 0 : Math.min(1 - majorRate, (double) Math.max(0, faults - major) / references);
        double withFaults = (1 - majorRate - minorRate) * formula + majorRate * cost.pageFault() + minorRate * cost.minorFault();
        double measured = references == 0 ? Double.NaN : (double) now / references;
        return new Eat(references, now, measured, hits, misses, hitRatio, walk, cost.tlbHit(), cost.memory(), formula,
            majorRate, minorRate, cost.pageFault(), cost.minorFault(), withFaults);
    }

    /** Page-table reads of one walk of the configured format. */
    private static int levels(ReportInput in) {
        var settings = in.machine().settings();
        String impl = settings.has("page-table.impl") ? settings.getString("page-table.impl") : "x86-64";
        return switch (impl) {
            case "x86-32" -> 2;
            case "x86-pae" -> 3;
            case "x86-64-la57" -> 5;
            case "inverted" -> 1;
            default -> 4;
        };
    }

    static String render(Eat e) {
        StringBuilder s = new StringBuilder(512);
        s.append(String.format(Locale.ROOT, "references          %d%n", e.references()));
        s.append(String.format(Locale.ROOT, "virtual time        %d ns%n", e.virtualNanos()));
        s.append(String.format(Locale.ROOT, "measured EAT        %s ns per reference (virtual time / references)%n", number(e.measured())));
        s.append(String.format(Locale.ROOT, "TLB hit ratio       %s (%d hits, %d misses)%n", ratio(e.hitRatio()), e.hits(), e.misses()));
        s.append(String.format(Locale.ROOT, "walk                %s memory references per miss%n", number(e.walk())));
        s.append(String.format(Locale.ROOT, "formula EAT         h x (tlb + mem) + (1 - h) x (tlb + walk x mem + mem)"
            + " = %s x %d + %s x %s = %s ns%n",
            ratio(e.hitRatio()), e.tlbNanos() + e.memoryNanos(), ratio(1 - e.hitRatio()),
            number(e.tlbNanos() + e.walk() * e.memoryNanos() + e.memoryNanos()), number(e.formula())));
        s.append(String.format(Locale.ROOT, "with page faults    (1 - %s - %s) x EAT + %s x %d ns + %s x %d ns = %s ns%n",
            ratio(e.majorRate()), ratio(e.minorRate()), ratio(e.majorRate()), e.pageFaultNanos(),
            ratio(e.minorRate()), e.minorFaultNanos(), number(e.withFaults())));
        return s.toString().replace(System.lineSeparator(), "\n");
    }

    private static String ratio(double r) {
        return Double.isNaN(r) ? "n/a" : String.format(Locale.ROOT, "%.6f", r);
    }

    private static String number(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.2f", v);
    }
}
