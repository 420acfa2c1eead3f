package dev.mmkit.bench.buddy;

import dev.mmkit.api.page.Gfp;
import dev.mmkit.api.page.PageAllocator;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * The same two workloads as {@link BuddyBench}, timed by the thread's CPU time rather than
 * the wall clock: on a shared, overloaded machine wall time mostly measures the wait for a
 * core. Run: {@code java -cp <bench classpath> dev.mmkit.bench.buddy.BuddyCpuTime [impl]}.
 */
public final class BuddyCpuTime {
    private BuddyCpuTime() {
    }

    public static void main(String[] args) {
        String impl = args.length > 0 ? args[0] : "buddy";
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        BuddyBench bench = new BuddyBench();
        BuddyBench.Churn churn = new BuddyBench.Churn();
        churn.impl = impl;
        churn.setUp();
        BuddyBench.PerCpu perCpu = new BuddyBench.PerCpu();
        perCpu.setUp();
        long sink = 0;
        for (int round = 0; round < 8; round++) {
            long c0 = threads.getCurrentThreadCpuTime();
            long x = round;
            for (int i = 0; i < 200_000_000; i++) {
                x = x * 31 + i;
            }
            sink += x;
            int[] links = new int[1 << 12];
            for (int i = 0; i < 64; i++) {
                links[2 * i] = i + 1;
            }
            int[] refcount = new int[1 << 12];
            long[] counters = new long[8];
            long b0 = threads.getCurrentThreadCpuTime();
            for (int i = 0; i < 200_000_000; i++) {
                int head = links[0];
                links[0] = links[2 * head];
                refcount[head] = 1;
                counters[1]++;
                refcount[head] = 0;
                links[2 * head] = links[0];
                links[0] = head;
                counters[2]++;
                x += head;
            }
            sink += x;
            System.out.printf("baseline: bare pop + push with two counters %.2f ns%n",
                (double) (threads.getCurrentThreadCpuTime() - b0) / 200_000_000);
            System.out.printf("calibration: dependent multiply-add %.2f ns (about 4 cycles on a 3 GHz core: 1.3 ns)%n",
                (double) (threads.getCurrentThreadCpuTime() - c0) / 200_000_000);
            int steps = 2_000_000;
            long t0 = threads.getCurrentThreadCpuTime();
            for (int i = 0; i < steps; i++) {
                sink += bench.churnStep(churn);
            }
            long t1 = threads.getCurrentThreadCpuTime();
            int pairs = 20_000_000;
            for (int i = 0; i < pairs; i++) {
                sink += bench.order0Pair(perCpu);
            }
            long t2 = threads.getCurrentThreadCpuTime();
            double step = (double) (t1 - t0) / steps;
            System.out.printf("round %d: churn %.1f ns/step (%.1f ns/op), order-0 pair %.1f ns%n",
                round, step, step / 2, (double) (t2 - t1) / pairs);
        }
        System.out.println("failures " + churn.failures + " sink " + (sink & 1));
        PageAllocator unused = churn.allocator;
        unused.verify();
        System.out.println("verify ok, free " + unused.zones().get(1).freePages() + " gfp " + Gfp.describe(Gfp.GFP_KERNEL));
    }
}
