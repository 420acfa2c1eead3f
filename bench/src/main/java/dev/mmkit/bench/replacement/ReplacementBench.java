package dev.mmkit.bench.replacement;

import dev.mmkit.api.machine.PageFlags;
import dev.mmkit.api.replacement.PageReferences;
import dev.mmkit.api.replacement.ReplacementPolicy;
import dev.mmkit.api.replacement.ReplacementPolicyProvider;
import dev.mmkit.machine.StandaloneMachine;
import dev.mmkit.paging.fifo.FifoPolicyProvider;
import dev.mmkit.replacement.ClockPolicyProvider;
import dev.mmkit.replacement.LruPolicyProvider;
import dev.mmkit.replacement.NthChancePolicyProvider;
import dev.mmkit.replacement.OptPolicyProvider;
import dev.mmkit.replacement.TwoListPolicyProvider;
import dev.mmkit.replacement.VmsPolicyProvider;
import java.nio.file.Files;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The replacement policies' own bookkeeping per reference, without the rest of the machine:
 * a cache of {@value Sim#FRAMES} frames over {@value Sim#PAGES} pages replaying a trace with
 * locality (80% of references to a hot set of 6,144 pages, the rest uniform over all pages;
 * about 30% misses). A hit sets the page's A bit (or, for lru and opt, calls
 * {@code referenced}); a reference to a page the policy invalidated is a soft fault; a miss
 * evicts and adds. The referenced bits live in a bit set, as cheap as the policies' own
 * arrays, so what is measured is the policy: every event is O(1) (opt O(log n)) and
 * allocates nothing. Whole-machine replays are measured by {@code ReplayBench}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ReplacementBench {
    private static final Map<String, ReplacementPolicyProvider> PROVIDERS = Map.of(
        "fifo", new FifoPolicyProvider(),
        "lru", new LruPolicyProvider(),
        "opt", new OptPolicyProvider(),
        "clock", new ClockPolicyProvider(),
        "nth-chance", new NthChancePolicyProvider(),
        "vms", new VmsPolicyProvider(),
        "two-list", new TwoListPolicyProvider());

    /** Hardware bits for the policy: A and invalid per frame, in bit sets. */
    static final class Bits implements PageReferences {
        final long[] accessed;
        final long[] invalid;

        Bits(int frames) {
            accessed = new long[(frames + 63) >>> 6];
            invalid = new long[(frames + 63) >>> 6];
        }

        static boolean test(long[] set, long pfn) {
            return (set[(int) (pfn >>> 6)] & (1L << pfn)) != 0;
        }

        static void set(long[] set, long pfn) {
            set[(int) (pfn >>> 6)] |= 1L << pfn;
        }

        static boolean testAndClear(long[] set, long pfn) {
            int w = (int) (pfn >>> 6);
            long bit = 1L << pfn;
            boolean was = (set[w] & bit) != 0;
            set[w] &= ~bit;
            return was;
        }

        @Override
        public boolean testAndClearReferenced(long pfn) {
            return testAndClear(accessed, pfn);
        }

        @Override
        public int referencedPtes(long pfn) {
            return testAndClear(accessed, pfn) ? 1 : 0;
        }

        @Override
        public boolean isReferenced(long pfn) {
            return test(accessed, pfn);
        }

        @Override
        public boolean isDirty(long pfn) {
            return false;
        }

        @Override
        public boolean startWriteback(long pfn) {
            return true;
        }

        @Override
        public boolean invalidate(long pfn) {
            set(invalid, pfn);
            return true;
        }
    }

    @State(Scope.Thread)
    public static class Sim {
        static final int PAGES = 1 << 17;
        static final int FRAMES = 1 << 13;
        static final int HOT = 6144;
        static final int TRACE = 1 << 20;

        @Param({"fifo", "lru", "clock", "nth-chance", "vms", "two-list", "opt"})
        String policy;

        ReplacementPolicy p;
        Bits bits;
        boolean wantsReferences;
        final int[] trace = new int[TRACE];
        /** The trace position of each reference's page's next reference, cyclically (≥ TRACE when it wraps). */
        final long[] next = new long[TRACE];
        final int[] frameOf = new int[PAGES];
        final int[] pageOf = new int[FRAMES];
        int nextFree;
        int i;
        long lap;
        long misses;

        @Setup
        public void setUp() throws Exception {
            StandaloneMachine machine = StandaloneMachine.builder(StandaloneMachine.config(
                    "mmkit.machine.memory { size = 32MiB, backing = none }"))
                .runDirectory(Files.createTempDirectory("mmkit-replacement-bench")).build();
            // the two-list policy keeps anon and file apart by PG_anon: these are anonymous pages
            for (long pfn = 0; pfn < FRAMES; pfn++) {
                machine.memMap().setFlag(pfn, PageFlags.PG_ANON);
            }
            bits = new Bits(FRAMES);
            p = PROVIDERS.get(policy).create(machine.settingsAt("mmkit.machine.replacement"), machine, bits);
            wantsReferences = !p.characteristics().isEmpty();
            SplittableRandom r = new SplittableRandom(42);
            for (int j = 0; j < TRACE; j++) {
                trace[j] = r.nextInt(5) < 4 ? r.nextInt(HOT) * 21 % PAGES : r.nextInt(PAGES);
            }
            int[] seen = new int[PAGES];
            java.util.Arrays.fill(seen, -1);
            for (int pass = 0; pass < 2; pass++) {
                for (int j = TRACE - 1; j >= 0; j--) {
                    int page = trace[j];
                    if (pass == 1) {
                        next[j] = seen[page] < 0 ? Long.MAX_VALUE : seen[page] > j ? seen[page] : seen[page] + (long) TRACE;
                    }
                    seen[page] = j;
                }
            }
        }
    }

    /** One reference: a hit, a soft fault or a miss with an eviction. */
    @Benchmark
    public long reference(Sim s) {
        int page = s.trace[s.i];
        long nextAccess = s.next[s.i] == Long.MAX_VALUE ? Long.MAX_VALUE : s.lap + s.next[s.i];
        if (++s.i == Sim.TRACE) {
            s.i = 0;
            s.lap += Sim.TRACE;
        }
        int f = s.frameOf[page] - 1;
        if (f < 0) {
            s.misses++;
            if (s.nextFree < Sim.FRAMES) {
                f = s.nextFree++;
            } else {
                f = (int) s.p.evict();
                s.frameOf[s.pageOf[f]] = 0;
                Bits.testAndClear(s.bits.invalid, f);
            }
            s.frameOf[page] = f + 1;
            s.pageOf[f] = page;
            s.p.add(f);
        } else if (Bits.testAndClear(s.bits.invalid, f)) {
            s.p.softFault(f);
        }
        Bits.set(s.bits.accessed, f);
        if (s.wantsReferences) {
            s.p.referenced(f, nextAccess);
        }
        return s.misses;
    }
}
