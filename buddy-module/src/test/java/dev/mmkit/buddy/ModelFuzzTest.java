package dev.mmkit.buddy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.hw.Page;
import dev.mmkit.api.machine.VmItem;
import dev.mmkit.api.page.BadPageStateException;
import dev.mmkit.api.page.Gfp;
import dev.mmkit.api.page.PageAllocator;
import dev.mmkit.api.page.Watermark;
import dev.mmkit.api.page.Zone;
import dev.mmkit.machine.StandaloneMachine;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

// Fuzz: odd zone sizes, model-predicted outcome and zone of every allocation (pcp off), misuse
// interleaved with a check that it changed nothing, per-zone pgalloc, pgfree, __GFP_ZERO contents.
class ModelFuzzTest {
    static final int FRAMES = 3 + 261 + 250; // DMA 3 pages, Normal 261, HighMem 250

    static String machine(String merge, boolean pcp, int maxOrder) {
        return "mmkit.machine { memory { size = " + FRAMES * 4 + "KiB, backing = bytes }, cpus = 2,"
            + " zones = [{ name = DMA, size = 12KiB }, { name = Normal, size = 1044KiB }, { name = HighMem }],"
            + " page-allocator { max-order = " + maxOrder + ", merge = " + merge + ", lazy-coalesce-period = 0,"
            + (pcp ? " pcp { batch = 3, high = 7 }," : " pcp.high = 0,")
            + " watermarks { DMA { min = 1, low = 2, high = 2 }, Normal { min = 20, low = 30, high = 40 }, HighMem { min = 12, low = 17, high = 25 } } } }";
    }

    static Stream<Arguments> runs() {
        Stream.Builder<Arguments> runs = Stream.builder();
        for (String impl : TestMachines.IMPLS) {
            for (boolean pcp : new boolean[] {false, true}) {
                if (pcp && !impl.equals("buddy")) {
                    continue;
                }
                for (int maxOrder : new int[] {1, 4, 9}) {
                    for (long seed = 1; seed <= 6; seed++) {
                        runs.add(Arguments.of(impl, "eager", pcp, maxOrder, seed));
                        if (impl.equals("buddy")) {
                            runs.add(Arguments.of(impl, "lazy", pcp, maxOrder, seed));
                        }
                    }
                }
            }
        }
        return runs.build();
    }

    static final int[] GFPS = {Gfp.GFP_KERNEL, Gfp.GFP_ATOMIC, Gfp.GFP_NOWAIT, Gfp.GFP_DMA, Gfp.GFP_HIGHUSER_MOVABLE,
        Gfp.GFP_NOIO, Gfp.GFP_KERNEL | Gfp.__GFP_ZERO, Gfp.GFP_HIGHUSER | Gfp.__GFP_ZERO, Gfp.GFP_ATOMIC | Gfp.__GFP_HIGHMEM,
        Gfp.GFP_KERNEL | Gfp.__GFP_HIGH, Gfp.GFP_NOWAIT | Gfp.__GFP_MEMALLOC, Gfp.GFP_KERNEL | Gfp.__GFP_NOFAIL,
        Gfp.GFP_ATOMIC | Gfp.__GFP_NOMEMALLOC, Gfp.GFP_DMA | Gfp.GFP_ATOMIC, Gfp.__GFP_HIGH};

    static final int[][] ZONELIST = {{0}, {1, 0}, {2, 1, 0}};

    record Snap(long[] free, long[][] nr, long[] pcp, long pgfree) {
        boolean same(Snap o) {
            return java.util.Arrays.equals(free, o.free) && java.util.Arrays.deepEquals(nr, o.nr)
                && java.util.Arrays.equals(pcp, o.pcp) && pgfree == o.pgfree;
        }
    }

    static Snap snap(StandaloneMachine m, PageAllocator a) {
        List<? extends Zone> zs = a.zones();
        long[] free = new long[3];
        long[][] nr = new long[3][a.maxOrder()];
        long[] pcp = new long[3];
        for (int z = 0; z < 3; z++) {
            free[z] = zs.get(z).freePages();
            pcp[z] = zs.get(z).perCpuPages();
            for (int o = 0; o < a.maxOrder(); o++) {
                nr[z][o] = zs.get(z).nrFree(o);
            }
        }
        return new Snap(free, nr, pcp, m.vmstat().get(VmItem.PGFREE));
    }

    /** Predicted zone (-1 = failure) for a pcp-off, non-lazy allocator with no reclaim daemon. */
    static int predict(PageAllocator a, int gfp, int order) {
        int pref = Gfp.zone(gfp).ordinal();
        List<? extends Zone> zs = a.zones();
        // fast path: low
        for (int z : ZONELIST[pref]) {
            Zone zone = zs.get(z);
            if (zone.presentPages() == 0) {
                continue;
            }
            if (zone.freePages() - ((1L << order) - 1) > zone.watermark(Watermark.LOW) && hasBlock(a, zone, order)) {
                return z;
            }
        }
        boolean high = (gfp & Gfp.__GFP_HIGH) != 0;
        boolean harder = high && (gfp & Gfp.__GFP_DIRECT_RECLAIM) == 0 && (gfp & Gfp.__GFP_NOMEMALLOC) == 0;
        boolean noWm = (gfp & Gfp.__GFP_MEMALLOC) != 0 && (gfp & Gfp.__GFP_NOMEMALLOC) == 0;
        for (int z : ZONELIST[pref]) {
            Zone zone = zs.get(z);
            if (zone.presentPages() == 0) {
                continue;
            }
            long min = zone.watermark(Watermark.MIN);
            if (high) {
                min -= min / 2;
            }
            if (harder) {
                min -= min / 4;
            }
            if ((noWm || zone.freePages() - ((1L << order) - 1) > min) && hasBlock(a, zone, order)) {
                return z;
            }
        }
        if ((gfp & Gfp.__GFP_NOFAIL) != 0 && (gfp & Gfp.__GFP_DIRECT_RECLAIM) != 0) {
            for (int z : ZONELIST[pref]) {
                Zone zone = zs.get(z);
                if (zone.presentPages() > 0 && hasBlock(a, zone, order)) {
                    return z;
                }
            }
            return -2; // throws
        }
        return -1;
    }

    /** The block a sequential-fit policy takes, from the free extents (frames not in use). */
    static long fitChoice(String impl, Zone zone, BitSet used, int order) {
        long size = 1L << order;
        long start = zone.startPfn();
        long end = start + zone.spannedPages();
        long chosen = -1;
        long chosenLen = 0;
        long s = start;
        while (s < end) {
            if (used.get((int) s)) {
                s++;
                continue;
            }
            long e = used.nextSetBit((int) s);
            if (e < 0 || e > end) {
                e = end;
            }
            long len = e - s;
            long aligned = (s + size - 1) & -size;
            if (aligned + size <= e) {
                if (impl.equals("first-fit")) {
                    return aligned;
                }
                if (chosen < 0 || (impl.equals("best-fit") ? len < chosenLen : len > chosenLen)) {
                    chosen = aligned;
                    chosenLen = len;
                }
            }
            s = e;
        }
        return chosen;
    }

    static boolean hasBlock(PageAllocator a, Zone zone, int order) {
        for (int o = order; o < a.maxOrder(); o++) {
            if (zone.nrFree(o) > 0) {
                return true;
            }
        }
        return false;
    }

    @ParameterizedTest(name = "{0} {1} pcp={2} maxOrder={3} seed={4}")
    @MethodSource("runs")
    void fuzz(String impl, String merge, boolean pcp, int maxOrder, long seed) {
        StandaloneMachine m = TestMachines.machine(impl, machine(merge, pcp, maxOrder), null);
        PageAllocator a = m.pageAllocator();
        SplittableRandom r = new SplittableRandom(seed);
        List<long[]> live = new ArrayList<>(); // pfn, order
        List<long[]> freed = new ArrayList<>();
        BitSet used = new BitSet();
        long[] pgalloc = new long[3];
        long pgfree = 0;
        boolean predictable = !pcp && merge.equals("eager");
        int step = 0;
        try {
            for (step = 0; step < 4000; step++) {
                int action = r.nextInt(20);
                if (action == 0) {
                    m.setCurrentCpu(r.nextInt(2));
                } else if (action == 1) {
                    a.drainPerCpuLists();
                } else if (action <= 4) {
                    misuse(m, a, r, live, freed, maxOrder);
                } else if (!live.isEmpty() && (action < 11 || live.size() > 150)) {
                    long[] b = live.remove(r.nextInt(live.size()));
                    // dirty the contents so that __GFP_ZERO has something to clear
                    for (long p = b[0]; p < b[0] + (1L << b[1]); p++) {
                        m.memory().writeByte(p * Page.SIZE, (byte) 0x5a);
                        m.memory().writeByte(p * Page.SIZE + Page.SIZE - 1, (byte) 0xa5);
                    }
                    a.freePages(b[0], (int) b[1]);
                    used.clear((int) b[0], (int) (b[0] + (1L << b[1])));
                    pgfree += 1L << b[1];
                    freed.add(b);
                } else {
                    int order = r.nextInt(maxOrder);
                    if (r.nextInt(3) > 0) {
                        order = Math.min(order, r.nextInt(2));
                    }
                    int gfp = GFPS[r.nextInt(GFPS.length)];
                    int expect = predictable ? predict(a, gfp, order) : 0;
                    long pfn;
                    try {
                        pfn = a.allocPages(gfp, order);
                    } catch (IllegalStateException nofail) {
                        assertThat(expect).as("NOFAIL threw but predicted " + expect).isEqualTo(predictable ? -2 : expect);
                        assertThat(predictable || (gfp & Gfp.__GFP_NOFAIL) != 0).isTrue();
                        a.verify();
                        continue;
                    }
                    if (predictable && !impl.equals("buddy") && expect >= 0) {
                        long want = fitChoice(impl, a.zones().get(expect), used, order);
                        assertThat(pfn).as("%s choice for order %d", impl, order).isEqualTo(want);
                    }
                    if (predictable) {
                        int got = pfn < 0 ? -1 : a.zoneOf(pfn).type().ordinal();
                        assertThat(got).as("zone of %s order %d", Gfp.describe(gfp), order).isEqualTo(expect);
                    }
                    if (pfn >= 0) {
                        long size = 1L << order;
                        assertThat(pfn & (size - 1)).isZero();
                        assertThat(a.zoneOf(pfn).type().ordinal()).isLessThanOrEqualTo(Gfp.zone(gfp).ordinal());
                        assertThat(a.zoneOf(pfn + size - 1)).isSameAs(a.zoneOf(pfn));
                        int clash = used.nextSetBit((int) pfn);
                        assertThat(clash < 0 || clash >= pfn + size).as("overlap at %d", clash).isTrue();
                        used.set((int) pfn, (int) (pfn + size));
                        live.add(new long[] {pfn, order});
                        pgalloc[a.zoneOf(pfn).type().ordinal()] += size;
                        assertThat(m.memMap().refcount(pfn)).isEqualTo(1);
                        if ((gfp & Gfp.__GFP_ZERO) != 0) {
                            for (long p = pfn; p < pfn + size; p++) {
                                assertThat(m.memory().readByte(p * Page.SIZE)).isZero();
                                assertThat(m.memory().readByte(p * Page.SIZE + Page.SIZE - 1)).isZero();
                            }
                        }
                    }
                }
                a.verify();
                long total = 0;
                for (Zone zone : a.zones()) {
                    total += zone.freePages() + zone.perCpuPages();
                }
                assertThat(total + used.cardinality()).isEqualTo(FRAMES);
                assertThat(m.vmstat().get(VmItem.PGALLOC_DMA)).isEqualTo(pgalloc[0]);
                assertThat(m.vmstat().get(VmItem.PGALLOC_NORMAL)).isEqualTo(pgalloc[1]);
                assertThat(m.vmstat().get(VmItem.PGALLOC_HIGH)).isEqualTo(pgalloc[2]);
                assertThat(m.vmstat().get(VmItem.PGFREE)).isEqualTo(pgfree);
                if (freed.size() > 50) {
                    freed.subList(0, 25).clear();
                }
            }
            for (long[] b : live) {
                a.freePages(b[0], (int) b[1]);
            }
            a.drainPerCpuLists();
            if (a instanceof BuddyAllocator buddy) {
                buddy.coalesceAll();
            }
            a.verify();
            long total = 0;
            for (Zone zone : a.zones()) {
                total += zone.freePages();
            }
            assertThat(total).isEqualTo(FRAMES);
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError(impl + " " + merge + " pcp=" + pcp + " maxOrder=" + maxOrder + " seed " + seed
                + " step " + step + ": " + e, e);
        }
    }

    private void misuse(StandaloneMachine m, PageAllocator a, SplittableRandom r, List<long[]> live, List<long[]> freed, int maxOrder) {
        long pfn;
        int order;
        int kind = r.nextInt(5);
        if (kind == 0 && !live.isEmpty()) {
            long[] b = live.get(r.nextInt(live.size()));
            pfn = b[0];
            order = (int) b[1];
            int other = r.nextInt(maxOrder);
            if (other == order) {
                return;
            }
            order = other;
        } else if (kind == 1 && !freed.isEmpty()) {
            long[] b = freed.get(r.nextInt(freed.size()));
            pfn = b[0];
            order = (int) b[1];
            for (long[] l : live) {
                if (l[0] == pfn && l[1] == order) {
                    return; // reallocated: a legitimate free
                }
            }
        } else if (kind == 2) {
            pfn = r.nextInt(FRAMES + 4) - 2;
            order = r.nextInt(maxOrder + 2) - 1;
        } else {
            pfn = r.nextInt(FRAMES);
            order = r.nextInt(maxOrder);
        }
        for (long[] l : live) {
            if (l[0] == pfn && l[1] == order) {
                return;
            }
        }
        Snap before = snap(m, a);
        try {
            a.freePages(pfn, order);
            throw new AssertionError("bad free of pfn " + pfn + " order " + order + " accepted");
        } catch (BadPageStateException e) {
            assertThat(e.getMessage()).contains(Page.hex(pfn)).contains("order " + order);
            assertThat(e.pfn()).isEqualTo(pfn);
            assertThat(e.order()).isEqualTo(order);
        }
        Snap after = snap(m, a);
        assertThat(after.same(before)).as("misuse changed state: pfn " + pfn + " order " + order).isTrue();
        a.verify();
    }
}
