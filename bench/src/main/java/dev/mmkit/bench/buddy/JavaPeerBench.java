package dev.mmkit.bench.buddy;

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
 * The C peers of issue 3's speed targets, {@code bench/peer-buddy.c} and
 * {@code bench/peer-pcp.c}, ported line for line to Java and run by JMH exactly as
 * {@link BuddyBench} runs the allocator: what the Java runtime makes of the very work the
 * targets were measured on, on the same host and day. The targets (churn ≤ 12 ns per
 * operation, an order-0 pair ≤ 5 ns) were set from the C figures, so these two numbers
 * say how far the language alone is from them, apart from anything buddy-module adds.
 * They share no code with buddy-module.
 *
 * <ul>
 *   <li>{@link #churnStep}: peer-buddy's allocator (12-byte records, next | prev | state;
 *       circular free lists with their heads above the frames; a bit per non-empty order; a
 *       min watermark) and its workload, which is {@link BuddyBench#churnStep}'s: the same
 *       {@code SplittableRandom(42)} steps over 2^20 frames and 2,000 live blocks. No zones,
 *       per-CPU lists, mem_map or counters. ns/op is per step (a free and an allocation).</li>
 *   <li>{@link #order0Pair}: peer-pcp's pair: the GFP_KERNEL order-0 allocation and its free
 *       served by the per-CPU ring, with the checks and stores buddy-module's fast path
 *       makes (watermark, state word, mem_map hot word, the cold chunk test, two vmstat
 *       counters), nothing else.</li>
 * </ul>
 * Run: {@code bench/run 'JavaPeerBench.*' -f 2 -wi 3 -i 5 -w 1s -r 1s}, beside
 * {@code bench/run 'BuddyBench.*'} and the C peers (their headers say how).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class JavaPeerBench {
    /** peer-buddy.c: a minimal free-list buddy over one array of 12-byte records. */
    static final class MinimalBuddy {
        static final int MAX_ORDER = 11;
        private static final int FREE = 0x20;
        private static final int ALLOC = 0x80;

        private final int npages;
        /** Record x at 3x: next, prev, state; records npages .. npages + MAX_ORDER - 1 are the list heads. */
        private final int[] pages;
        private final long[] nrFree = new long[MAX_ORDER];
        private int nonempty;
        private long freePages;
        private final long wmarkMin;

        MinimalBuddy(int npages) {
            this.npages = npages;
            pages = new int[3 * (npages + MAX_ORDER)];
            for (int o = 0; o < MAX_ORDER; o++) {
                pages[3 * headOf(o)] = headOf(o);
                pages[3 * headOf(o) + 1] = headOf(o);
            }
            for (int p = 0; p < npages; p += 1 << (MAX_ORDER - 1)) {
                addToFreeList(p, MAX_ORDER - 1);
                freePages += 1 << (MAX_ORDER - 1);
            }
            wmarkMin = defaultMinPages(npages);
        }

        /** Linux 4.5's default min_free_kbytes, int_sqrt(KiB * 16) clamped to 128 .. 65536, in pages. */
        private static long defaultMinPages(long npages) {
            long kbytes = npages * 4;
            long x = (long) Math.sqrt(kbytes * 16.0);
            while (x * x > kbytes * 16) {
                x--;
            }
            while ((x + 1) * (x + 1) <= kbytes * 16) {
                x++;
            }
            return Math.max(128, Math.min(65536, x)) >> 2;
        }

        private int headOf(int order) {
            return npages + order;
        }

        private void addToFreeList(int pfn, int order) {
            int head = headOf(order);
            int first = pages[3 * head];
            pages[3 * pfn] = first;
            pages[3 * pfn + 1] = head;
            pages[3 * pfn + 2] = FREE | order;
            pages[3 * first + 1] = pfn;
            pages[3 * head] = pfn;
            nrFree[order]++;
            nonempty |= 1 << order;
        }

        private void delFromFreeList(int pfn, int order) {
            int n = pages[3 * pfn];
            int p = pages[3 * pfn + 1];
            pages[3 * p] = n;
            pages[3 * n + 1] = p;
            pages[3 * pfn + 2] = 0;
            if (--nrFree[order] == 0) {
                nonempty &= ~(1 << order);
            }
        }

        int allocPages(int order, boolean ignoreWatermark) {
            if (!ignoreWatermark && freePages - (1 << order) + 1 <= wmarkMin) {
                return -1;
            }
            int candidates = nonempty & (-1 << order);
            if (candidates == 0) {
                return -1;
            }
            int current = Integer.numberOfTrailingZeros(candidates);
            int pfn = pages[3 * headOf(current)];
            delFromFreeList(pfn, current);
            while (current > order) {
                current--;
                addToFreeList(pfn + (1 << current), current);
            }
            pages[3 * pfn + 2] = ALLOC | order;
            freePages -= 1 << order;
            return pfn;
        }

        void freePages(int pfn, int order) {
            if (pfn < 0 || pfn >= npages || pages[3 * pfn + 2] != (ALLOC | order)) {
                throw new IllegalStateException("Bad page state: pfn 0x" + Integer.toHexString(pfn) + " order " + order);
            }
            pages[3 * pfn + 2] = 0;
            freePages += 1 << order;
            while (order < MAX_ORDER - 1) {
                int buddy = pfn ^ (1 << order);
                if (buddy >= npages || pages[3 * buddy + 2] != (FREE | order)) {
                    break;
                }
                delFromFreeList(buddy, order);
                pfn &= buddy;
                order++;
            }
            addToFreeList(pfn, order);
        }
    }

    @State(Scope.Thread)
    public static class Churn {
        /** log2 of the frames (issue 3: 20, 4 GiB of 4 KiB frames). */
        @Param({"20"})
        public int shift = 20;

        /** Live blocks (issue 3: 2,000). */
        @Param({"2000"})
        public int nrLive = 2000;

        MinimalBuddy buddy;
        int[] live;
        int[] liveOrder;
        final int[] victim = new int[BuddyBench.Churn.STEPS];
        final int[] order = new int[BuddyBench.Churn.STEPS];
        int step;
        long failures;

        @Setup(Level.Trial)
        public void setUp() {
            buddy = new MinimalBuddy(1 << shift);
            live = new int[nrLive];
            liveOrder = new int[nrLive];
            // the same sequence as BuddyBench.Churn and peer-buddy.c
            SplittableRandom random = new SplittableRandom(42);
            for (int i = 0; i < victim.length; i++) {
                victim[i] = random.nextInt(nrLive);
                order[i] = random.nextInt(MinimalBuddy.MAX_ORDER);
            }
            for (int i = 0; i < nrLive; i++) {
                liveOrder[i] = random.nextInt(MinimalBuddy.MAX_ORDER);
                live[i] = buddy.allocPages(liveOrder[i], false);
                if (live[i] < 0) {
                    throw new IllegalStateException("setup: cannot allocate order " + liveOrder[i]);
                }
            }
        }
    }

    @Benchmark
    public int churnStep(Churn s) {
        int k = s.step;
        s.step = (k + 1) & (BuddyBench.Churn.STEPS - 1);
        int i = s.victim[k];
        MinimalBuddy buddy = s.buddy;
        buddy.freePages(s.live[i], s.liveOrder[i]);
        int order = s.order[k];
        int pfn = buddy.allocPages(order, false);
        if (pfn < 0) {
            s.failures++;
            order = 0;
            pfn = buddy.allocPages(0, true);
        }
        s.live[i] = pfn;
        s.liveOrder[i] = order;
        return pfn;
    }

    /** peer-pcp.c: the order-0 fast paths of a zoned allocator with a per-CPU ring, over 2^20 frames. */
    static final class MinimalPcp {
        private static final int NR_FRAMES = 1 << 20;
        private static final int MAX_ORDER = 11;
        private static final int PCP = 0x40;
        private static final int ALLOC = 0x80;
        private static final int GFP_COMP = 0x4000;
        private static final int GFP_ZERO = 0x100;
        private static final int PGALLOC_NORMAL = 1;
        private static final int PGFREE = 3;
        private static final int CHUNK_SHIFT = 12;

        /** struct per_cpu_pages: a ring of pfns, head the hot end, tail the cold end. */
        static final class PerCpuPages {
            int high;
            int batch;
            int[] ring;
            int head;
            int tail;
        }

        private final int[] node = new int[3 * NR_FRAMES];
        private final long[] hot = new long[NR_FRAMES];
        private final long[][] cold = new long[NR_FRAMES >> CHUNK_SHIFT][];
        private final long[] dirty = new long[NR_FRAMES / 64];
        private final long[] vmstat = new long[8];
        private long freePages = NR_FRAMES - 64;
        private final long wmarkLow = 1000;
        private final int preferredZone = 1;
        private final long nrFrames = NR_FRAMES;
        private final long dmaEnd = 0;
        private final long normalEnd = NR_FRAMES;
        private final int nrCpus = 1;
        private int currentCpu;
        private final PerCpuPages[] pcp = new PerCpuPages[3];

        MinimalPcp() {
            for (int z = 0; z < pcp.length; z++) {
                pcp[z] = new PerCpuPages();
                pcp[z].batch = 63;
                pcp[z].high = 378;
                pcp[z].ring = new int[512];
            }
            // the list holds the batch its first allocation refilled it with
            PerCpuPages list = pcp[preferredZone];
            for (int i = 0; i < list.batch; i++) {
                int pfn = 4096 + i;
                list.ring[--list.tail & (list.ring.length - 1)] = pfn;
                node[3 * pfn + 2] = PCP;
            }
        }

        private PerCpuPages perCpuList(int z) {
            return pcp[nrCpus == 1 ? z : z * nrCpus + currentCpu];
        }

        long allocPages(int gfp, int order) {
            if (order >= 0 && order < MAX_ORDER) {
                int z = preferredZone;
                // order 0 only: a larger order would take the free areas, not modelled here
                if (freePages - ((1L << order) - 1) > wmarkLow && order == 0) {
                    PerCpuPages list = perCpuList(z);
                    if (list.head != list.tail) {
                        int head = --list.head;
                        int pfn = list.ring[head & (list.ring.length - 1)];
                        node[3 * pfn + 2] = ALLOC;
                        vmstat[PGALLOC_NORMAL] += 1;
                        hot[pfn] = (hot[pfn] & 0xffff_ffffL) | 1L << 32;
                        if ((gfp & GFP_COMP) != 0 && order > 0) {
                            hot[pfn] |= 1;
                        }
                        if ((gfp & GFP_ZERO) != 0) {
                            throw new IllegalStateException("not exercised: the pair does not zero");
                        }
                        return pfn;
                    }
                }
            }
            throw new IllegalStateException("the slow path: never taken here");
        }

        void freePages(long pfn, int order) {
            if (order < 0 || order >= MAX_ORDER || pfn < 0 || pfn >= nrFrames) {
                throw new IllegalStateException("Bad page state: pfn 0x" + Long.toHexString(pfn) + ": out of range");
            }
            int z = pfn < dmaEnd ? 0 : pfn < normalEnd ? 1 : 2;
            int i = (int) pfn;
            if (node[3 * i + 2] != (ALLOC | order)) {
                throw new IllegalStateException("Bad page state: pfn 0x" + Long.toHexString(pfn) + ": not allocated");
            }
            hot[i] = 0;
            long[] chunk = cold[i >>> CHUNK_SHIFT];
            if (chunk != null && (dirty[i >>> 6] & 1L << i) != 0) {
                throw new IllegalStateException("no cold word exists in this benchmark");
            }
            vmstat[PGFREE] += 1;
            PerCpuPages list = perCpuList(z);
            int head = list.head;
            if (head - list.tail == list.ring.length) {
                throw new IllegalStateException("the ring never fills here");
            }
            list.ring[head & (list.ring.length - 1)] = i;
            list.head = ++head;
            node[3 * i + 2] = PCP;
            if (head - list.tail >= list.high) {
                throw new IllegalStateException("the list never reaches high here");
            }
        }
    }

    @State(Scope.Thread)
    public static class PerCpu {
        static final int GFP_KERNEL = 0xcc0;
        MinimalPcp allocator;

        @Setup(Level.Trial)
        public void setUp() {
            allocator = new MinimalPcp();
        }
    }

    @Benchmark
    public long order0Pair(PerCpu s) {
        MinimalPcp allocator = s.allocator;
        long pfn = allocator.allocPages(PerCpu.GFP_KERNEL, 0);
        allocator.freePages(pfn, 0);
        return pfn;
    }
}
