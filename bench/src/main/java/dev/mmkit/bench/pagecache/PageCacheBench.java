package dev.mmkit.bench.pagecache;

import dev.mmkit.api.hw.Page;
import dev.mmkit.api.mm.MemoryManager;
import dev.mmkit.api.pagecache.AddressSpace;
import dev.mmkit.bench.BenchMachine;
import dev.mmkit.machine.StandaloneMachine;
import dev.mmkit.paging.pagetable.X86_64PageTableProvider;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The page cache {@code radix}. Targets from the issue: looking up a cached page in
 * ≤ 20 ns; reading a 1 GiB file sequentially through the machine, with read-ahead, at
 * ≥ 1 GB/s.
 *
 * <ul>
 *   <li>{@link #findPage}: {@code AddressSpace.findPage} (find_get_page: a three-level
 *       radix-tree walk) of random pages of a fully cached 32 MiB file (8192 pages).</li>
 *   <li>{@link #readSequential1GiB}: one process {@code pread}s a 1 GiB real file (under
 *       the temporary directory, deleted afterwards) in 1 MiB calls on a machine of 256 MiB
 *       with the default 128 KiB read-ahead: every page is read from the file into a frame,
 *       copied to the caller, and reclaimed through FIFO to make room. Seconds per GiB;
 *       GB/s = 1.0737 / score.</li>
 * </ul>
 */
@Fork(1)
public class PageCacheBench {
    private static final int FILE_PAGES = 8192;
    private static final long GIB = 1L << 30;

    static StandaloneMachine machine(Path dir, String hocon) {
        StandaloneMachine machine = BenchMachine.build(dir, hocon
            + "\nmmkit.machine.zones = [ { name = Normal } ]\nmmkit.machine.paging.swap.size = 0"
            + "\nmmkit.machine.page-cache.impl = radix\nmmkit.machine.reclaim.writeback.impl = flusher", "fifo");
        machine.writebackDaemon();
        return machine;
    }

    static void delete(Path dir) throws IOException {
        if (dir != null && Files.exists(dir)) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    /** A fully cached file of {@link #FILE_PAGES} pages and random indices into it. */
    @State(Scope.Thread)
    public static class Cached {
        Path dir;
        AddressSpace file;
        final long[] indices = new long[4096];
        int i;

        @Setup
        public void setUp() throws IOException {
            dir = Files.createTempDirectory("mmkit-pagecache-bench");
            StandaloneMachine m = machine(dir, "mmkit.machine.memory { size = 64MiB, backing = none }");
            MemoryManager mm = m.memoryManager();
            int pid = mm.spawn("bench");
            int fd = mm.open(pid, "cached.bin", true);
            byte[] page = new byte[Page.SIZE];
            for (int p = 0; p < FILE_PAGES; p++) {
                mm.pwrite(pid, fd, page, Page.SIZE, (long) p * Page.SIZE);
            }
            file = m.pageCache().addressSpaces().get(0);
            if (file.nrPages() != FILE_PAGES) {
                throw new IllegalStateException("only " + file.nrPages() + " of " + FILE_PAGES + " pages cached");
            }
            SplittableRandom r = new SplittableRandom(42);
            for (int k = 0; k < indices.length; k++) {
                indices[k] = r.nextInt(FILE_PAGES);
            }
        }

        @TearDown
        public void tearDown() throws IOException {
            delete(dir);
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    @Warmup(iterations = 3, time = 1)
    @Measurement(iterations = 5, time = 1)
    public long findPage(Cached s) {
        int k = s.i = (s.i + 1) & 4095;
        return s.file.findPage(s.indices[k]);
    }

    /** A 1 GiB file of real bytes and a fresh machine for each read of it. */
    @State(Scope.Thread)
    public static class BigFile {
        Path dir;
        MemoryManager mm;
        int pid;
        int fd;
        final byte[] buffer = new byte[1 << 20];

        @Setup(Level.Trial)
        public void createFile() throws IOException {
            dir = Files.createTempDirectory("mmkit-pagecache-bench");
            Path file = dir.resolve("files").resolve("big.bin");
            Files.createDirectories(file.getParent());
            byte[] chunk = new byte[1 << 20];
            new SplittableRandom(7).nextBytes(chunk);
            try (OutputStream out = Files.newOutputStream(file)) {
                for (long n = 0; n < GIB; n += chunk.length) {
                    chunk[0] = (byte) n;
                    out.write(chunk);
                }
            }
        }

        @Setup(Level.Iteration)
        public void boot() {
            StandaloneMachine m = machine(dir, "mmkit.machine.memory { size = 256MiB, backing = bytes }");
            mm = m.memoryManager();
            pid = mm.spawn("reader");
            fd = mm.open(pid, "big.bin", false);
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            delete(dir);
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @Warmup(iterations = 2)
    @Measurement(iterations = 5)
    public long readSequential1GiB(BigFile s) {
        long total = 0;
        for (long pos = 0; pos < GIB; pos += s.buffer.length) {
            int n = s.mm.pread(s.pid, s.fd, s.buffer, s.buffer.length, pos);
            if (n != s.buffer.length) {
                throw new IllegalStateException("pread at " + pos + " returned " + n);
            }
            total += s.buffer[n - 1];
        }
        return total;
    }
}
