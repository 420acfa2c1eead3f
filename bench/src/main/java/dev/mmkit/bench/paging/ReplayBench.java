package dev.mmkit.bench.paging;

import dev.mmkit.api.hw.Access;
import dev.mmkit.api.mm.MemoryManager;
import dev.mmkit.bench.BenchMachine;
import dev.mmkit.machine.StandaloneMachine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Whole-machine replay: a Zipf(0.9) page trace over 1 million pages ({@code pages}) replayed through
 * {@code Kernel.access} of one trace-replay process with FIFO, CLOCK or LRU and a resident
 * limit of 1,000, 10,000 or 100,000 pages (backing = none: metadata only, swap slots without
 * I/O). Every reference goes through the TLB, the walk, and on a miss of the resident set a
 * major fault with an eviction through the reverse map. Reported as references per second,
 * to set beside libCacheSim's {@code cachesim} on the same kind of trace (3-6 million
 * requests per second measured there). The whole process, startup and trace reading
 * included, is timed with {@code mmkit trace} and {@code mmkit run --trace} instead (see
 * {@code bench/cachesim-peer.py} for the fault counts to expect, and
 * {@code bench/peer-cachesim.c} for a same-day C figure of cachesim's FIFO and LRU loop on
 * the same file).
 *
 * <p>{@link #replayWithHints} does the same and, before every 32nd reference, hands the
 * next 32 to {@code Kernel.prefetch} as {@code mmkit run --trace} does for an oracleGeneral
 * trace; {@link #replay} gives none.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgs = {"-Xmx3g"})
public class ReplayBench {
    private static final int TRACE = 1 << 22;
    private static final int HINT = 32;

    @State(Scope.Benchmark)
    public static class Replay {
        @Param({"1000", "10000", "100000"})
        int residentLimit;
        @Param({"fifo", "clock", "lru"})
        String policy;
        /**
         * Pages the trace spans (a power of two), and the swap area's size in pages. The
         * default, a million, spreads page tables and swap map over megabytes, beyond the
         * host's caches; 16384 keeps them in its L2, so the figure is the fault path's own
         * work without the host's cache misses.
         */
        @Param({"1048576"})
        int pages;
        MemoryManager mm;
        int pid;
        int[] trace;
        int i;
        final long[] ahead = new long[HINT];
        Path dir;

        @Setup
        public void setUp() throws IOException {
            dir = Files.createTempDirectory("mmkit-replay-bench");
            StandaloneMachine machine = BenchMachine.build(dir,
                "mmkit.machine.memory { size = 1GiB, backing = none }\n"
                    + "mmkit.machine.paging { resident-limit = " + residentLimit + ", swap.size = " + pages * 4L + "KiB }", policy);
            mm = machine.memoryManager();
            pid = mm.spawnAdmitAll("trace");
            trace = zipf(pages, 0.9, TRACE, new SplittableRandom(42));
        }

        @TearDown
        public void tearDown() throws IOException {
            mm.shutdown();
            try (var files = Files.list(dir)) {
                for (Path p : (Iterable<Path>) files::iterator) {
                    Files.delete(p);
                }
            }
            Files.delete(dir);
        }

        /** Page numbers drawn from Zipf(alpha) over {@code n} pages by inverse CDF. */
        static int[] zipf(int n, double alpha, int count, SplittableRandom random) {
            double[] cdf = new double[n];
            double sum = 0;
            for (int k = 0; k < n; k++) {
                sum += 1.0 / Math.pow(k + 1, alpha);
                cdf[k] = sum;
            }
            int[] out = new int[count];
            for (int j = 0; j < count; j++) {
                double u = random.nextDouble() * sum;
                int lo = 0;
                int hi = n - 1;
                while (lo < hi) {
                    int mid = (lo + hi) >>> 1;
                    if (cdf[mid] < u) {
                        lo = mid + 1;
                    } else {
                        hi = mid;
                    }
                }
                // scatter ranks over the address space so hot pages are not neighbours
                out[j] = (int) ((lo * 0x9E3779B1L) & (n - 1));
            }
            return out;
        }
    }

    private static long vaddr(Replay r, int k) {
        return ((long) r.trace[k] << 12) + 0x1000_0000L;
    }

    @Benchmark
    public boolean replay(Replay r) {
        int k = r.i = (r.i + 1) & (TRACE - 1);
        return r.mm.access(r.pid, vaddr(r, k), Access.READ, -1);
    }

    @Benchmark
    public boolean replayWithHints(Replay r) {
        int k = r.i = (r.i + 1) & (TRACE - 1);
        if ((k & (HINT - 1)) == 0) {
            for (int j = 0; j < HINT; j++) {
                r.ahead[j] = vaddr(r, k + j); // TRACE is a multiple of HINT: k + j stays inside
            }
            r.mm.prefetch(r.pid, r.ahead, HINT);
        }
        return r.mm.access(r.pid, vaddr(r, k), Access.READ, -1);
    }
}
