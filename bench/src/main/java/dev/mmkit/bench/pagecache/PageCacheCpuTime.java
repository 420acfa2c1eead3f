package dev.mmkit.bench.pagecache;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * {@link PageCacheBench#readSequential1GiB} timed by the reading thread's CPU time as well
 * as the wall clock: on a shared, overloaded machine wall time mostly measures the wait for
 * a core. Creates the 1 GiB file once, reads it through a fresh machine {@code rounds} times
 * (the first ones warm the JIT), prints each round, and deletes the file.
 *
 * <p>Run: {@code java -cp <bench classpath> dev.mmkit.bench.pagecache.PageCacheCpuTime [rounds]}.
 */
public final class PageCacheCpuTime {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private PageCacheCpuTime() {
    }

    public static void main(String[] args) throws IOException {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 6;
        PageCacheBench bench = new PageCacheBench();
        PageCacheBench.BigFile file = new PageCacheBench.BigFile();
        file.createFile();
        long sink = 0;
        try {
            for (int r = 0; r < rounds; r++) {
                file.boot();
                long wall = System.nanoTime();
                long cpu = THREADS.getCurrentThreadCpuTime();
                sink += bench.readSequential1GiB(file);
                cpu = THREADS.getCurrentThreadCpuTime() - cpu;
                wall = System.nanoTime() - wall;
                System.out.printf("round %d: wall %.3f s (%.2f GB/s), cpu %.3f s (%.2f GB/s)%n", r, wall / 1e9,
                    (1L << 30) / (double) wall, cpu / 1e9, (1L << 30) / (double) cpu);
            }
        } finally {
            file.tearDown();
        }
        System.out.println("sink " + sink);
    }
}
