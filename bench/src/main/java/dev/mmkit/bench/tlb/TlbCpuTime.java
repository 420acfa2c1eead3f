package dev.mmkit.bench.tlb;

import dev.mmkit.api.hw.Access;
import dev.mmkit.api.hw.Page;
import dev.mmkit.api.hw.Pte;
import dev.mmkit.api.tlb.Tlb;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.SplittableRandom;

/**
 * A cross-check of {@link TlbBench} for shared, overloaded machines: the same operations,
 * timed by the thread's CPU time instead of the wall clock, so time the thread spends
 * waiting for a core is not counted. Not a JMH benchmark (no forks, no blackholes): use it
 * only to see whether a JMH figure is the code or the machine. One JVM per case, since the
 * call sites would turn megamorphic otherwise:
 * {@code java -cp "bench/target/mmkit-bench-1.0.0-SNAPSHOT.jar:$(cat bench/target/classpath.txt)"
 * dev.mmkit.bench.tlb.TlbCpuTime set-associative random}
 * (impl: set-associative | direct-mapped | fully-associative | hierarchy | miss; pattern: random | local;
 * an optional third argument adds settings, e.g. {@code "replacement = plru"}).
 * {@code bench/peer-tlb.c} prints the same figures (set-associative random, local, miss;
 * direct-mapped random, local) for the same work in C, timed the same way.
 */
public final class TlbCpuTime {
    private TlbCpuTime() {
    }

    public static void main(String[] args) {
        String impl = args.length > 0 ? args[0] : "set-associative";
        String pattern = args.length > 1 ? args[1] : "random";
        String extra = args.length > 2 ? ", " + args[2] : "";
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long[] vaddrs = new long[4096];
        long[] ptes = new long[4096];
        Tlb tlb;
        if (impl.equals("miss")) {
            tlb = TlbBench.create("set-associative", "entries = 64, ways = 4, replacement = lru" + extra);
            for (int k = 0; k < vaddrs.length; k++) {
                vaddrs[k] = 0x5500_0000_0000L + Page.address(k);
                ptes[k] = Pte.make(0x2000 + k, Pte.P | Pte.RW | Pte.US | Pte.A);
            }
        } else {
            tlb = TlbBench.create(impl, "entries = 64, ways = 4" + extra);
            long base = 0x7f00_0000_0000L;
            for (int vpn = 0; vpn < 64; vpn++) {
                tlb.insert(base + Page.address(vpn), Access.READ, Pte.make(0x1000 + vpn, Pte.P | Pte.RW | Pte.US | Pte.A), Page.SHIFT);
            }
            SplittableRandom random = new SplittableRandom(42);
            for (int k = 0; k < vaddrs.length; k++) {
                vaddrs[k] = pattern.equals("random")
                    ? base + Page.address(random.nextInt(64)) + random.nextInt(Page.SIZE)
                    : base + Page.address((k / 8) % 64) + (k % 8) * 512L;
            }
        }
        long sink = 0;
        int n = 10_000_000;
        double best = Double.MAX_VALUE;
        for (int round = 0; round < 12; round++) {
            long start = mx.getCurrentThreadCpuTime();
            sink += run(tlb, vaddrs, ptes, n);
            double perOp = (mx.getCurrentThreadCpuTime() - start) / (double) n;
            if (round >= 4) {
                best = Math.min(best, perOp);
            }
        }
        System.out.printf("%s %s: best %.2f ns/op (thread CPU time, 8 rounds of %d after 4 of warm-up)%n",
            impl, impl.equals("miss") ? "lookup+insert" : pattern, best, n);
        if (sink == 42) {
            System.out.println(sink);
        }
    }

    /** One round, in its own method so that the JIT compiles it whole rather than as an on-stack replacement of main. */
    private static long run(Tlb tlb, long[] vaddrs, long[] ptes, int n) {
        long sink = 0;
        for (int i = 0; i < n; i++) {
            long vaddr = vaddrs[i & 4095];
            long t = tlb.lookup(vaddr, Access.READ);
            if (t == 0) {
                tlb.insert(vaddr, Access.READ, ptes[i & 4095], Page.SHIFT);
            }
            sink += t;
        }
        return sink;
    }
}
