package dev.mmkit.bench.buddy;

import dev.mmkit.api.page.Gfp;
import dev.mmkit.api.page.PageAllocator;
import dev.mmkit.api.page.PageAllocatorProvider;
import dev.mmkit.buddy.BuddyProvider;
import dev.mmkit.buddy.fit.BestFitProvider;
import dev.mmkit.buddy.fit.FirstFitProvider;
import dev.mmkit.buddy.fit.WorstFitProvider;
import dev.mmkit.machine.StandaloneMachine;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The page allocator's hot paths (issue 3's speed targets).
 *
 * <ul>
 *   <li>{@link #churnStep}: 2^20 frames of 4 KiB (4 GiB, one Normal zone, contents not
 *       kept), 2,000 live blocks; each step frees a random live block and allocates a block
 *       of random order 0-10 in its place. One step is two operations (a free and an
 *       allocation): JMH's ns/op is per step, half of it per operation. The victims and
 *       orders come from a pre-generated sequence of 2^16 steps, so the random generator's
 *       cost is not measured. {@code -p memory=64MiB -p nrLive=40} runs the same churn on a
 *       working set that stays in cache, which separates the work from the cache misses.</li>
 *   <li>{@link #order0Pair}: one order-0 {@code GFP_KERNEL} allocation and its free, both
 *       served by the current CPU's per-CPU list (the zone stays far above its low
 *       watermark, and the list never runs empty nor reaches high: the same page goes out
 *       and comes back).</li>
 * </ul>
 * Run: {@code bench/run "BuddyBench.*" -f 1 -wi 3 -i 5 -w 1s -r 1s}; other allocators with
 * {@code -p impl=first-fit} (slow over 2^20 frames: their search is linear in the extents).
 * The side-by-side figure for the churn comes from {@code bench/peer-buddy.c}, a minimal C
 * free-list buddy running the same steps (same generator, seed and fallback); its header
 * says how to build and run it.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class BuddyBench {
    static PageAllocator allocator(String impl, String hocon) {
        PageAllocatorProvider provider;
        switch (impl) {
            case "buddy":
                provider = new BuddyProvider();
                break;
            case "first-fit":
                provider = new FirstFitProvider();
                break;
            case "best-fit":
                provider = new BestFitProvider();
                break;
            case "worst-fit":
                provider = new WorstFitProvider();
                break;
            default:
                throw new IllegalArgumentException("Unknown page allocator [" + impl + "], known options [buddy, first-fit, best-fit, worst-fit]");
        }
        return StandaloneMachine.builder(StandaloneMachine.config(hocon))
            .pageAllocator(m -> provider.create(m.settings().getBlock("page-allocator"), m))
            .build()
            .pageAllocator();
    }

    @State(Scope.Thread)
    public static class Churn {
        static final int STEPS = 1 << 16;

        @Param({"buddy"})
        public String impl;

        /** The machine's memory (issue 3: 4GiB, 2^20 frames); smaller sizes show the cost without cache misses. */
        @Param({"4GiB"})
        public String memory = "4GiB";

        /** Live blocks (issue 3: 2,000). */
        @Param({"2000"})
        public int nrLive = 2000;

        PageAllocator allocator;
        long[] live;
        int[] liveOrder;
        final int[] victim = new int[STEPS];
        final int[] order = new int[STEPS];
        int step;
        long failures;

        @Setup(Level.Trial)
        public void setUp() {
            allocator = allocator(impl, "mmkit.machine { memory { size = " + memory + ", backing = none }, zones = [{ name = Normal }] }");
            live = new long[nrLive];
            liveOrder = new int[nrLive];
            SplittableRandom random = new SplittableRandom(42);
            for (int i = 0; i < STEPS; i++) {
                victim[i] = random.nextInt(nrLive);
                order[i] = random.nextInt(11);
            }
            for (int i = 0; i < nrLive; i++) {
                liveOrder[i] = random.nextInt(11);
                live[i] = allocator.allocPages(Gfp.GFP_KERNEL, liveOrder[i]);
                if (live[i] < 0) {
                    throw new IllegalStateException("setup: cannot allocate order " + liveOrder[i]);
                }
            }
        }
    }

    @Benchmark
    public long churnStep(Churn s) {
        int k = s.step;
        s.step = (k + 1) & (Churn.STEPS - 1);
        int i = s.victim[k];
        PageAllocator allocator = s.allocator;
        allocator.freePages(s.live[i], s.liveOrder[i]);
        int order = s.order[k];
        long pfn = allocator.allocPages(Gfp.GFP_KERNEL, order);
        if (pfn < 0) {
            s.failures++;
            order = 0;
            pfn = allocator.allocPages(Gfp.GFP_KERNEL | Gfp.__GFP_MEMALLOC, 0);
        }
        s.live[i] = pfn;
        s.liveOrder[i] = order;
        return pfn;
    }

    @State(Scope.Thread)
    public static class PerCpu {
        PageAllocator allocator;

        @Setup(Level.Trial)
        public void setUp() {
            allocator = allocator("buddy", "mmkit.machine { memory { size = 4GiB, backing = none }, zones = [{ name = Normal }] }");
        }
    }

    @Benchmark
    public long order0Pair(PerCpu s) {
        PageAllocator allocator = s.allocator;
        long pfn = allocator.allocPages(Gfp.GFP_KERNEL, 0);
        allocator.freePages(pfn, 0);
        return pfn;
    }
}
