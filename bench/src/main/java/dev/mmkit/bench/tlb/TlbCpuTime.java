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
 * (impl: set-associative | direct-mapped | fully-associative | hierarchy | miss; pattern: random | local).
 */
public final class TlbCpuTime {
    private TlbCpuTime() {
    }

    public static void main(String[] args) {
        String impl = args.length > 0 ? args[0] : "set-associative";
        String pattern = args.length > 1 ? args[1] : "random";
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long[] vaddrs = new long[4096];
        long[] ptes = new long[4096];
        Tlb tlb;
        if (impl.equals("miss")) {
            tlb = TlbBench.create("set-associative", "entries = 64, ways = 4, replacement = lru");
            for (int k = 0; k < vaddrs.length; k++) {
                vaddrs[k] = 0x5500_0000_0000L + Page.address(k);
                ptes[k] = Pte.make(0x2000 + k, Pte.P | Pte.RW | Pte.US | Pte.A);
            }
        } else {
            tlb = TlbBench.create(impl, "entries = 64, ways = 4");
            long base = 0x7f00_0000_0000L;
            for (int vpn = 0; vpn < 64; vpn++) {
                tlb.insert(base + Page.address(vpn), Access.READ, Pte.make(0x1000 + vpn, Pte.P | Pte.RW | Pte.A), Page.SHIFT);
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
        for (int round = 0; round < 8; round++) {
            long start = mx.getCurrentThreadCpuTime();
            for (int i = 0; i < n; i++) {
                long vaddr = vaddrs[i & 4095];
                long t = tlb.lookup(vaddr, Access.READ);
                if (t == 0) {
                    tlb.insert(vaddr, Access.READ, ptes[i & 4095], Page.SHIFT);
                }
                sink += t;
            }
            long elapsed = mx.getCurrentThreadCpuTime() - start;
            if (round >= 4) {
                System.out.printf("%s %s: %.2f ns/op (thread CPU time)%n", impl, impl.equals("miss") ? "lookup+insert" : pattern, elapsed / (double) n);
            }
        }
        if (sink == 42) {
            System.out.println(sink);
        }
    }
}
