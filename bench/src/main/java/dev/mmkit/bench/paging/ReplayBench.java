package dev.mmkit.bench.paging;

import dev.mmkit.api.hw.Access;
import dev.mmkit.api.mm.MemoryManager;
import dev.mmkit.api.replacement.ReplacementPolicyProvider;
import dev.mmkit.buddy.BuddyProvider;
import dev.mmkit.machine.StandaloneMachine;
import dev.mmkit.paging.fifo.FifoPolicyProvider;
import dev.mmkit.paging.kswapd.KswapdProvider;
import dev.mmkit.paging.mm.LinuxMemoryManagerProvider;
import dev.mmkit.paging.pagetable.X86_64PageTableProvider;
import dev.mmkit.paging.swap.FileBackingStoreProvider;
import dev.mmkit.replacement.ClockPolicyProvider;
import dev.mmkit.replacement.LruPolicyProvider;
import dev.mmkit.slab.SlubProvider;
import dev.mmkit.tlb.SetAssociativeTlbProvider;
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
 * Whole-machine replay: a Zipf(0.9) page trace over 1 million pages replayed through
 * {@code Kernel.access} of one trace-replay process with FIFO, CLOCK or LRU and a resident
 * limit of 1,000, 10,000 or 100,000 pages (backing = none: metadata only, swap slots without
 * I/O). Every reference goes through the TLB, the walk, and on a miss of the resident set a
 * major fault with an eviction through the reverse map. Reported as references per second,
 * to set beside libCacheSim's {@code cachesim} on the same kind of trace (3-6 million
 * requests per second measured there). The whole process, startup and trace reading
 * included, is timed with {@code mmkit trace} and {@code mmkit run --trace} instead (see
 * {@code bench/cachesim-peer.py} for the fault counts to expect).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgs = {"-Xmx3g"})
public class ReplayBench {
    private static final int PAGES = 1 << 20;
    private static final int TRACE = 1 << 22;

    @State(Scope.Benchmark)
    public static class Replay {
        @Param({"1000", "10000", "100000"})
        int residentLimit;
        @Param({"fifo", "clock", "lru"})
        String policy;
        MemoryManager mm;
        int pid;
        int[] trace;
        int i;
        Path dir;

        @Setup
        public void setUp() throws IOException {
            dir = Files.createTempDirectory("mmkit-replay-bench");
            StandaloneMachine[] self = new StandaloneMachine[1];
            StandaloneMachine.Builder b = StandaloneMachine.builder(StandaloneMachine.config(
                "mmkit.machine.memory { size = 1GiB, backing = none }\n"
                    + "mmkit.machine.paging { resident-limit = " + residentLimit + ", swap.size = 4GiB }"))
                .runDirectory(dir);
            b.pageAllocator(m -> new BuddyProvider().create(self[0].settingsAt("mmkit.machine.page-allocator"), m));
            b.slab(m -> new SlubProvider().create(self[0].settingsAt("mmkit.machine.slab"), m));
            b.pageTable(m -> new X86_64PageTableProvider().create(self[0].settingsAt("mmkit.machine.page-table"), m));
            b.tlb((m, cpu, l) -> new SetAssociativeTlbProvider().create(self[0].settingsAt("mmkit.machine.tlb"), m, cpu, l));
            ReplacementPolicyProvider provider = switch (policy) {
                case "fifo" -> new FifoPolicyProvider();
                case "clock" -> new ClockPolicyProvider();
                case "lru" -> new LruPolicyProvider();
                default -> throw new IllegalArgumentException("Unknown policy [" + policy + "], known options [clock, fifo, lru]");
            };
            b.replacement((m, refs) -> provider.create(self[0].settingsAt("mmkit.machine.replacement"), m, refs));
            b.reclaimDaemon(m -> new KswapdProvider().create(self[0].settingsAt("mmkit.machine.reclaim.kswapd"), m));
            b.backingStore((m, p) -> new FileBackingStoreProvider().open(self[0].settingsAt("mmkit.machine.backing"), m, p));
            b.memoryManager(m -> new LinuxMemoryManagerProvider().create(self[0].settingsAt("mmkit.machine.paging"), m));
            StandaloneMachine machine = b.build();
            self[0] = machine;
            mm = machine.memoryManager();
            pid = mm.spawnAdmitAll("trace");
            trace = zipf(PAGES, 0.9, TRACE, new SplittableRandom(42));
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

    @Benchmark
    public boolean replay(Replay r) {
        int k = r.i = (r.i + 1) & (TRACE - 1);
        return r.mm.access(r.pid, ((long) r.trace[k] << 12) + 0x1000_0000L, Access.READ, -1);
    }
}
