package dev.mmkit.bench.buddy;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.function.LongSupplier;

/**
 * One of {@link BuddyBench}'s workloads, timed by the thread's CPU time rather than the wall
 * clock: on a shared, overloaded machine wall time mostly measures the wait for a core.
 * Each run measures one workload in a fresh JVM (as JMH forks do), so the other workload's
 * profile cannot shape the compiled code. Two reference loops come first, each timed on
 * its own: a dependent multiply-add (4 cycles: 1.3 ns on a 3 GHz core, which shows whether
 * the core runs at full speed) and a bare ring pop + push (the floor of an order-0 pair).
 *
 * <p>The workload loops read a volatile flag after every call, as JMH's measurement loop
 * does: without it the compiler may keep the allocator's fields in registers and merge
 * one call's stores with the next call's loads across iterations, which no caller of the
 * allocator gets (an order-0 pair then looked two to three times faster than in JMH).
 *
 * <p>Run: {@code java -cp <bench classpath> dev.mmkit.bench.buddy.BuddyCpuTime churn|pair [impl [memory live]]}
 * ({@code churn buddy 64MiB 40}: the churn on a working set that stays in cache). Impl
 * {@code java-peer} times {@link JavaPeerBench}'s ports of the C peers the same way.
 */
public final class BuddyCpuTime {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    /** Never set: read after every measured call, like JMH's {@code isDone}. */
    private static volatile boolean stop;
    private static final int ROUNDS = 10;

    private BuddyCpuTime() {
    }

    public static void main(String[] args) {
        String workload = args.length > 0 ? args[0] : "pair";
        String impl = args.length > 1 ? args[1] : "buddy";
        long sink = 0;
        double[] multiplyAdd = new double[ROUNDS];
        double[] ring = new double[ROUNDS];
        double[] measured = new double[ROUNDS];
        if (!workload.equals("churn") && !workload.equals("pair")) {
            throw new IllegalArgumentException("Unknown workload [" + workload + "], known options [churn, pair]");
        }
        boolean isChurn = workload.equals("churn");
        // The measured call and what is checked after the rounds. Each run builds one of
        // them, so the call site in the loop below sees one class and inlines it.
        LongSupplier op;
        Runnable after;
        if (impl.equals("java-peer")) {
            JavaPeerBench peers = new JavaPeerBench();
            if (isChurn) {
                JavaPeerBench.Churn c = new JavaPeerBench.Churn();
                c.setUp();
                op = () -> peers.churnStep(c);
                after = () -> System.out.println("failures " + c.failures);
            } else {
                JavaPeerBench.PerCpu p = new JavaPeerBench.PerCpu();
                p.setUp();
                op = () -> peers.order0Pair(p);
                after = () -> System.out.println("(a port: nothing to verify)");
            }
        } else {
            BuddyBench bench = new BuddyBench();
            if (isChurn) {
                BuddyBench.Churn c = new BuddyBench.Churn();
                c.impl = impl;
                if (args.length > 3) {
                    c.memory = args[2];
                    c.nrLive = Integer.parseInt(args[3]);
                }
                c.setUp();
                op = () -> bench.churnStep(c);
                after = () -> {
                    c.allocator.verify();
                    System.out.println("failures " + c.failures + ", verify ok");
                };
            } else {
                BuddyBench.PerCpu p = new BuddyBench.PerCpu();
                p.setUp();
                op = () -> bench.order0Pair(p);
                after = () -> {
                    p.allocator.verify();
                    System.out.println("verify ok");
                };
            }
        }
        for (int round = 0; round < ROUNDS; round++) {
            int n = 100_000_000;
            long t0 = cpu();
            long x = round;
            for (int i = 0; i < n; i++) {
                x = x * 31 + i;
            }
            multiplyAdd[round] = (double) (cpu() - t0) / n;
            sink += x;

            Ring r = RING;
            t0 = cpu();
            for (int i = 0; i < n; i++) {
                sink += r.push(r.pop());
            }
            ring[round] = (double) (cpu() - t0) / n;

            int calls = isChurn ? 2_000_000 : 20_000_000;
            t0 = cpu();
            for (int i = 0; i < calls && !stop; i++) {
                sink += op.getAsLong();
            }
            measured[round] = (double) (cpu() - t0) / calls;
            System.out.printf("round %d: multiply-add %.2f ns, ring pop + push %.2f ns, %s %.1f ns%s%n", round,
                multiplyAdd[round], ring[round], workload, measured[round],
                isChurn ? String.format(" per step (%.1f ns/op)", measured[round] / 2) : " per pair");
        }
        System.out.printf("%s (%s): best %.1f ns, median %.1f ns%s; multiply-add best %.2f ns; ring best %.2f ns%n",
            workload, impl, min(measured), median(measured), isChurn ? " per step" : " per pair",
            min(multiplyAdd), min(ring));
        after.run();
        System.out.println("sink " + (sink & 1));
    }

    /**
     * A per-CPU list reduced to its ring: pop the hot end, push a frame back. The index
     * after the push depends on the frame read (its sign bit, never set), so the compiler
     * cannot cancel the pop against the push and must go through memory each time.
     */
    private static final class Ring {
        final int[] slots = new int[64];
        int head = 32;

        int pop() {
            int h = --head;
            return slots[h & (slots.length - 1)];
        }

        int push(int pfn) {
            int h = head;
            slots[h & (slots.length - 1)] = pfn + 1;
            head = h + 1 + (pfn >>> 31);
            return h;
        }
    }

    private static final Ring RING = new Ring();

    private static long cpu() {
        return THREADS.getCurrentThreadCpuTime();
    }

    private static double min(double[] values) {
        return Arrays.stream(values).min().orElse(Double.NaN);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
