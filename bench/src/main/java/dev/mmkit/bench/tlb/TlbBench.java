package dev.mmkit.bench.tlb;

import dev.mmkit.api.hw.Access;
import dev.mmkit.api.hw.Page;
import dev.mmkit.api.hw.Pte;
import dev.mmkit.api.tlb.Tlb;
import dev.mmkit.api.tlb.TlbProvider;
import dev.mmkit.machine.StandaloneMachine;
import dev.mmkit.tlb.DirectMappedTlbProvider;
import dev.mmkit.tlb.FullyAssociativeTlbProvider;
import dev.mmkit.tlb.HierarchyTlbProvider;
import dev.mmkit.tlb.SetAssociativeTlbProvider;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The TLB's two hot paths. Targets from the issue: a lookup that hits in ≤ 3 ns (QEMU's
 * software TLB hit is about ten instructions); a 64-entry 4-way set-associative lookup that
 * misses plus the insert after the walk in ≤ 10 ns. Addresses are precomputed; the walk
 * itself is not measured (the PTE is precomputed too).
 *
 * <ul>
 *   <li>{@code lookupHit}, {@code lookupMissThenInsert}: one operation per call, as JMH
 *       measures by default. The figure includes the harness's own cost per call (the
 *       state field that steps through the addresses, the blackhole, the loop control):
 *       {@code harness} measures that alone.</li>
 *   <li>{@code lookupHitBatch}, {@code lookupMissThenInsertBatch}: the same operations, 64
 *       per call, so the harness's cost is spread over 64: the operation's own cost, as the
 *       machine's loop over references sees it.</li>
 * </ul>
 * {@link TlbCpuTime} runs the same operations timed by the thread's CPU time, a cross-check
 * when the machine is shared. {@code bench/peer-tlb.c} is its C peer: the same set-associative
 * work per reference (64 entries, 4 ways, ASID tag, LRU order, A/D bits, counters, the same
 * reference strings) written apart from the module, for a same-day side-by-side figure:
 * {@code gcc -O2 -o /tmp/peer-tlb bench/peer-tlb.c && /tmp/peer-tlb}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TlbBench {
    private static final int MASK = 4095;
    /** Lookups per invocation of the batched benchmarks. */
    private static final int BATCH = 64;

    /** A TLB of implementation {@code impl} built from reference.conf plus {@code extra} settings. */
    public static Tlb create(String impl, String extra) {
        StandaloneMachine machine = StandaloneMachine.builder(StandaloneMachine.config(
            "mmkit.machine.memory { size = 1MiB, backing = none }\nmmkit.machine.tlb { impl = " + impl + "\n" + extra + " }")).build();
        TlbProvider provider = switch (impl) {
            case "fully-associative" -> new FullyAssociativeTlbProvider();
            case "direct-mapped" -> new DirectMappedTlbProvider();
            case "hierarchy" -> new HierarchyTlbProvider();
            default -> new SetAssociativeTlbProvider();
        };
        return provider.create(machine.settingsAt("mmkit.machine.tlb"), machine, 0, null);
    }

    /**
     * Lookups that all hit: 64 resident pages. {@code random}: each reference picks a page
     * at random (the way that holds it is unpredictable, the worst case for the way search);
     * {@code local}: eight references to a page before moving to the next, as a program
     * stepping through memory does.
     */
    @State(Scope.Thread)
    public static class Hit {
        @Param({"set-associative", "direct-mapped", "fully-associative", "hierarchy"})
        String impl;
        @Param({"random", "local"})
        String pattern;
        Tlb tlb;
        final long[] vaddrs = new long[MASK + 1];
        int i;

        @Setup(Level.Trial)
        public void setUp() {
            tlb = create(impl, "entries = 64, ways = 4");
            SplittableRandom random = new SplittableRandom(42);
            long base = 0x7f00_0000_0000L;
            for (int vpn = 0; vpn < 64; vpn++) {
                tlb.insert(base + Page.address(vpn), Access.READ, Pte.make(0x1000 + vpn, Pte.P | Pte.RW | Pte.US | Pte.A), Page.SHIFT);
            }
            for (int k = 0; k < vaddrs.length; k++) {
                vaddrs[k] = pattern.equals("random")
                    ? base + Page.address(random.nextInt(64)) + random.nextInt(Page.SIZE)
                    : base + Page.address((k / 8) % 64) + (k % 8) * 512L;
            }
            for (long vaddr : vaddrs) {
                if (tlb.lookup(vaddr, Access.READ) == 0) {
                    throw new IllegalStateException(impl + ": set-up lookup missed at " + Page.hex(vaddr));
                }
            }
        }
    }

    /** Lookups that all miss in a 64-entry 4-way set-associative TLB: 4096 pages in turn, LRU. */
    @State(Scope.Thread)
    public static class Miss {
        Tlb tlb;
        final long[] vaddrs = new long[MASK + 1];
        final long[] ptes = new long[MASK + 1];
        int i;

        @Setup(Level.Trial)
        public void setUp() {
            tlb = create("set-associative", "entries = 64, ways = 4, replacement = lru");
            for (int k = 0; k < vaddrs.length; k++) {
                vaddrs[k] = 0x5500_0000_0000L + Page.address(k);
                ptes[k] = Pte.make(0x2000 + k, Pte.P | Pte.RW | Pte.US | Pte.A);
            }
        }
    }

    /** The harness alone: the step to the next address and its load, what every lookup figure above includes. */
    @State(Scope.Thread)
    public static class Harness {
        final long[] vaddrs = new long[MASK + 1];
        int i;
    }

    @Benchmark
    public long harness(Harness s) {
        int k = s.i = (s.i + 1) & MASK;
        return s.vaddrs[k];
    }

    @Benchmark
    public long lookupHit(Hit s) {
        int k = s.i = (s.i + 1) & MASK;
        return s.tlb.lookup(s.vaddrs[k], Access.READ);
    }

    /**
     * {@link #lookupHit} 64 times per invocation: the harness's per-call cost (the
     * {@link #harness} figure: state field update, blackhole, loop control) is paid once per
     * 64 lookups, so the figure is the lookup's own, as a loop over references in the
     * machine sees it. Every result is used (summed); every lookup changes state (counters,
     * replacement order), so none can be dropped or hoisted.
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long lookupHitBatch(Hit s) {
        Tlb tlb = s.tlb;
        long[] vaddrs = s.vaddrs;
        int k = s.i;
        long sum = 0;
        for (int n = 0; n < BATCH; n++) {
            k = (k + 1) & MASK;
            sum += tlb.lookup(vaddrs[k], Access.READ);
        }
        s.i = k;
        return sum;
    }

    /** {@link #lookupMissThenInsert} 64 times per invocation, as {@link #lookupHitBatch}. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long lookupMissThenInsertBatch(Miss s) {
        Tlb tlb = s.tlb;
        long[] vaddrs = s.vaddrs;
        long[] ptes = s.ptes;
        int k = s.i;
        long sum = 0;
        for (int n = 0; n < BATCH; n++) {
            k = (k + 1) & MASK;
            long vaddr = vaddrs[k];
            long t = tlb.lookup(vaddr, Access.READ);
            if (t == 0) {
                tlb.insert(vaddr, Access.READ, ptes[k], Page.SHIFT);
            }
            sum += t;
        }
        s.i = k;
        return sum;
    }

    @Benchmark
    public long lookupMissThenInsert(Miss s) {
        int k = s.i = (s.i + 1) & MASK;
        long vaddr = s.vaddrs[k];
        long t = s.tlb.lookup(vaddr, Access.READ);
        if (t == 0) {
            s.tlb.insert(vaddr, Access.READ, s.ptes[k], Page.SHIFT);
        }
        return t;
    }
}
