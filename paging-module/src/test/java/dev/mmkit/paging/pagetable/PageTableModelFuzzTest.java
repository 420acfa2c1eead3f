package dev.mmkit.paging.pagetable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.mmkit.api.hw.Page;
import dev.mmkit.api.hw.Pte;
import dev.mmkit.api.machine.VmItem;
import dev.mmkit.api.pagetable.PageTable;
import dev.mmkit.api.pagetable.Walk;
import dev.mmkit.machine.StandaloneMachine;
import dev.mmkit.paging.TestMachine;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

// Model-based fuzz of every page-table format: a map per root from the mapped address to
// (entry, page shift) against setPte/getPte/walk/forEach/destroyRoot, with the table-page
// count re-derived from the model and verify() after every step.
class PageTableModelFuzzTest {
    private static final long USER_RW = Pte.P | Pte.RW | Pte.US;

    record M(long pte, int shift) { }

    static final class Space {
        final long root;
        final TreeMap<Long, M> map = new TreeMap<>(Long::compareUnsigned);

        Space(long root) {
            this.root = root;
        }
    }

    private StandaloneMachine machine;
    private PageTable pt;
    private String name;
    private int levels;
    private int[] shift;
    private int largeShift;
    private boolean is32;
    private boolean inverted;
    private long invertedBase;
    private SplittableRandom rnd;

    private void setUp(String format, long seed) {
        machine = TestMachine.build("mmkit.machine.memory.size = 64MiB");
        name = format;
        rnd = new SplittableRandom(seed);
        inverted = format.equals("inverted");
        if (inverted) {
            pt = new InvertedPageTable(machine);
            levels = 1;
            largeShift = 0;
            return;
        }
        RadixPageTable.Format f = switch (format) {
            case "x86-32" -> RadixPageTable.Format.X86_32;
            case "x86-pae" -> RadixPageTable.Format.X86_PAE;
            case "x86-64" -> RadixPageTable.Format.X86_64;
            default -> RadixPageTable.Format.X86_64_LA57;
        };
        pt = new RadixPageTable(f, machine);
        is32 = f == RadixPageTable.Format.X86_32;
        levels = f.bits().length;
        shift = new int[levels + 2];
        int s = Page.SHIFT;
        for (int l = 1; l <= levels + 1; l++) {
            shift[l] = s;
            if (l <= levels) {
                s += f.bits()[levels - l];
            }
        }
        largeShift = f.largeShift();
    }

    private long randomVaddr() {
        int kind = rnd.nextInt(10);
        long va;
        if (is32 || name.equals("x86-pae")) {
            long[] hot = {0, 0x0040_0000L, 0x3FE0_0000L, 0xBFC0_0000L, 0xC000_0000L, 0xFFC0_0000L};
            va = kind < 7 ? hot[rnd.nextInt(hot.length)] + rnd.nextLong(0x80_0000L) : rnd.nextLong(1L << 32);
            va &= 0xFFFF_FFFFL;
        } else {
            int bits = name.equals("x86-64-la57") ? 57 : 48;
            long half = 1L << (bits - 1);
            long[] hot = {0, 0x7f00_0000_0000L, half - (1L << 23), 1L << 30, -(1L << 23), -half, 0x40_0000_0000L};
            if (kind < 7) {
                va = hot[rnd.nextInt(hot.length)] + rnd.nextLong(0x80_0000L);
            } else if (kind < 9) {
                va = rnd.nextLong(half);
            } else {
                va = -1 - rnd.nextLong(half);
            }
        }
        return va & ~(long) Page.OFFSET_MASK;
    }

    private long randomPte(int shiftOf) {
        int kind = rnd.nextInt(10);
        long maxPfn = is32 ? (1L << 20) : (1L << 30);
        long pfn = rnd.nextLong(maxPfn);
        if (shiftOf != Page.SHIFT) {
            pfn &= ~((1L << (shiftOf - Page.SHIFT)) - 1);
        }
        long flags = Pte.P | (rnd.nextBoolean() ? Pte.RW : 0) | (rnd.nextBoolean() ? Pte.US : 0)
            | (rnd.nextInt(4) == 0 ? Pte.A : 0) | (rnd.nextInt(4) == 0 ? Pte.D : 0) | (rnd.nextInt(4) == 0 ? Pte.NX : 0)
            | (rnd.nextInt(8) == 0 ? Pte.G : 0) | (rnd.nextInt(8) == 0 ? Pte.SOFTW1 : 0);
        if (kind < 7) {
            return Pte.make(pfn, flags);
        } else if (kind < 9) {
            return Pte.swapEntry(rnd.nextInt(4), 1 + rnd.nextLong(is32 ? (1L << 19) : (1L << 30)));
        } else {
            return Pte.mkProtNone(Pte.make(pfn, flags));
        }
    }

    /** What the format stores for pte (32-bit drops NX; large present entries get PS). */
    private long stored(long pte, int s) {
        if (pte == 0) {
            return 0;
        }
        if (s != Page.SHIFT && Pte.isPresent(pte)) {
            pte |= Pte.PS;
        }
        if (is32) {
            pte &= ~Pte.NX;
        }
        return pte;
    }

    /** The model mapping covering va in sp: key and M, or null. */
    private Map.Entry<Long, M> covering(Space sp, long va) {
        M m4 = sp.map.get(va);
        if (m4 != null && m4.shift == Page.SHIFT) {
            return Map.entry(va, m4);
        }
        if (largeShift != 0) {
            long base = va & ~((1L << largeShift) - 1);
            M ml = sp.map.get(base);
            if (ml != null && ml.shift == largeShift) {
                return Map.entry(base, ml);
            }
        }
        return null;
    }

    /** Whether any mapping of sp lies in the aligned block of 2^bits containing va. */
    private boolean anyIn(Space sp, long va, int bits) {
        if (bits >= 64) {
            return !sp.map.isEmpty();
        }
        long lo = va & ~((1L << bits) - 1);
        long hi = lo + (1L << bits);
        Long k = sp.map.ceilingKey(lo);
        return k != null && (hi == 0 || Long.compareUnsigned(k, hi) < 0);
    }

    private long expectedTables(List<Space> spaces) {
        long n = 0;
        for (Space sp : spaces) {
            n++;
            for (int l = 1; l < levels; l++) {
                Set<Long> blocks = new HashSet<>();
                int bits = shift[l + 1];
                for (Map.Entry<Long, M> e : sp.map.entrySet()) {
                    if (l == 1 && e.getValue().shift != Page.SHIFT) {
                        continue;
                    }
                    if (l >= 2 && e.getValue().shift == largeShift && largeShift != 0 && l < 2) {
                        continue;
                    }
                    // large entries live in level 2 tables: they need tables of level >= 2
                    blocks.add(bits >= 64 ? 0 : e.getKey() >>> bits);
                }
                n += blocks.size();
            }
        }
        return n;
    }

    private long pgTables() {
        long n = 0;
        for (long pfn = 0; pfn < machine.memMap().nrFrames(); pfn++) {
            if (machine.memMap().testFlag(pfn, dev.mmkit.api.machine.PageFlags.PG_TABLE)) {
                n++;
            }
        }
        return n;
    }

    @ParameterizedTest
    @ValueSource(strings = {"x86-32", "x86-pae", "x86-64", "x86-64-la57", "inverted"})
    void randomOperationsAgreeWithTheModel(String format) {
        for (long seed = 1; seed <= Long.getLong("fuzz.seeds", 3); seed++) {
            run(format, seed, Integer.getInteger("fuzz.ops", 3000));
        }
    }

    private void run(String format, long seed, int ops) {
        setUp(format, seed);
        List<Space> spaces = new ArrayList<>();
        long ptBefore = machine.vmstat().get(VmItem.NR_PAGE_TABLE_PAGES);
        Walk w = new Walk();
        int asid = 1;
        for (int op = 0; op < ops; op++) {
            String ctx = format + " seed " + seed + " op " + op;
            if (spaces.isEmpty() || rnd.nextInt(200) == 0) {
                long root = pt.createRoot(asid++);
                assertThat(root).as(ctx).isNotNegative();
                spaces.add(new Space(root));
            }
            Space sp = spaces.get(rnd.nextInt(spaces.size()));
            int kind = rnd.nextInt(100);
            long va = randomVaddr();
            if (kind < 40) {
                // setPte 4 KiB (or large)
                int s = largeShift != 0 && rnd.nextInt(6) == 0 ? largeShift : Page.SHIFT;
                long pte = rnd.nextInt(4) == 0 ? 0 : randomPte(s);
                if (s != Page.SHIFT) {
                    va &= ~((1L << s) - 1);
                }
                doSet(sp, va, pte, s, ctx);
            } else if (kind < 65) {
                boolean write = rnd.nextBoolean();
                long vaddr = va | rnd.nextInt(Page.SIZE);
                w.reset();
                long got = pt.walk(sp.root, vaddr, write, w);
                checkWalk(sp, vaddr, write, got, w, ctx);
            } else if (kind < 75) {
                long got = pt.getPte(sp.root, va);
                Map.Entry<Long, M> c = covering(sp, va);
                assertThat(got).as(ctx + " getPte " + Long.toHexString(va)).isEqualTo(c == null ? 0 : c.getValue().pte);
            } else if (kind < 80) {
                // getPtes: a batch of addresses, the walk cache holding some of their tables
                int n = 1 + rnd.nextInt(20);
                long[] vaddrs = new long[n];
                long[] got = new long[n];
                for (int i = 0; i < n; i++) {
                    vaddrs[i] = randomVaddr();
                }
                pt.getPtes(sp.root, vaddrs, got, n);
                for (int i = 0; i < n; i++) {
                    Map.Entry<Long, M> c = covering(sp, vaddrs[i]);
                    assertThat(got[i]).as(ctx + " getPtes[" + i + "] " + Long.toHexString(vaddrs[i]))
                        .isEqualTo(c == null ? 0 : c.getValue().pte);
                }
            } else if (kind < 88) {
                long start = va;
                long end = start + rnd.nextLong(1L << (rnd.nextInt(4) == 0 ? 40 : 24));
                if (rnd.nextInt(10) == 0) {
                    start = 0;
                    end = pt.userAddressLimit();
                }
                if (Long.compareUnsigned(end, start) < 0) {
                    end = -1L;
                }
                doForEach(sp, start, end, ctx);
            } else if (kind < 90) {
                // populate
                int s = largeShift != 0 && rnd.nextInt(4) == 0 ? largeShift : Page.SHIFT;
                boolean ok = pt.populate(sp.root, va, s);
                if (!inverted && ok) {
                    // populating allocates tables: they stay empty until a setPte; put something there
                    // so that the model's count of tables holds (an empty populated table is legal only
                    // until the following setPte)
                    long pte = Pte.make(s == Page.SHIFT ? 5 : 1L << (s - Page.SHIFT), USER_RW);
                    if (s != Page.SHIFT) {
                        va &= ~((1L << s) - 1);
                    }
                    doSet(sp, va, pte, s, ctx + " after populate");
                }
            } else if (kind < 91 && spaces.size() > 1) {
                pt.destroyRoot(sp.root);
                spaces.remove(sp);
            } else {
                // clear a random existing mapping
                if (!sp.map.isEmpty()) {
                    List<Long> keys = new ArrayList<>(sp.map.keySet());
                    long k = keys.get(rnd.nextInt(keys.size()));
                    doSet(sp, k, rnd.nextInt(3) == 0 ? randomPte(sp.map.get(k).shift) : 0, sp.map.get(k).shift, ctx);
                }
            }
            pt.verify();
            if (!inverted) {
                assertThat(pt.tablePages()).as(ctx + " tablePages").isEqualTo(expectedTables(spaces));
            }
            assertThat(machine.vmstat().get(VmItem.NR_PAGE_TABLE_PAGES) - ptBefore).as(ctx + " nr_page_table_pages")
                .isEqualTo(pt.tablePages());
            if (op % 97 == 0) {
                assertThat(pgTables()).as(ctx + " PG_table frames").isEqualTo(pt.tablePages());
            }
        }
        // full check: every model entry through getPte
        for (Space sp : spaces) {
            for (Map.Entry<Long, M> e : sp.map.entrySet()) {
                assertThat(pt.getPte(sp.root, e.getKey())).isEqualTo(e.getValue().pte);
            }
            pt.destroyRoot(sp.root);
        }
        if (!inverted) {
            assertThat(pt.tablePages()).isZero();
            assertThat(pgTables()).isZero();
        }
    }

    private void doSet(Space sp, long va, long pte, int s, String ctx) {
        String what = ctx + " setPte " + Long.toHexString(va) + " = " + Long.toHexString(pte) + " shift " + s;
        boolean canonical = pt.isCanonical(va);
        boolean fits = !is32 || pte == 0 || ((stored(pte, s) & ~0xFFFF_FFFFL) == 0);
        // what stands in the way
        boolean blocked = false;
        if (s == Page.SHIFT && largeShift != 0) {
            long base = va & ~((1L << largeShift) - 1);
            M ml = sp.map.get(base);
            blocked = ml != null && ml.shift == largeShift;
        }
        if (s != Page.SHIFT) {
            // a large page over a leaf table holding 4 KiB entries: not exercised here
            long lo = va;
            long hi = va + (1L << s);
            for (Map.Entry<Long, M> e : (hi == 0 ? sp.map.tailMap(lo, true) : sp.map.subMap(lo, true, hi, false)).entrySet()) {
                if (e.getValue().shift == Page.SHIFT) {
                    // a large page over a leaf table of 4 KiB entries: refused, nothing changes
                    blocked = true;
                }
            }
        }
        long old;
        try {
            old = pt.setPte(sp.root, va, pte, s);
        } catch (IllegalArgumentException e) {
            if (canonical && fits) {
                throw new AssertionError(what + ": unexpected " + e, e);
            }
            checkUnchanged(sp, va, ctx);
            return;
        } catch (IllegalStateException e) {
            if (!blocked) {
                throw new AssertionError(what + ": unexpected " + e, e);
            }
            checkUnchanged(sp, va, ctx);
            return;
        }
        if (!canonical || !fits) {
            fail(what + ": accepted (canonical " + canonical + ", fits " + fits + ")");
        }
        if (blocked && pte != 0) {
            fail(what + ": installed a 4 KiB entry under a large page");
        }
        M prev = sp.map.get(va);
        long expectOld = prev != null && prev.shift == s ? prev.pte : 0;
        if (blocked) {
            // clearing a 4 KiB entry under a large page: expect nothing
            expectOld = 0;
        }
        assertThat(old).as(what + " old").isEqualTo(expectOld);
        if (!blocked) {
            if (pte == 0) {
                sp.map.remove(va);
            } else {
                sp.map.put(va, new M(stored(pte, s), s));
            }
        }
    }

    private void checkUnchanged(Space sp, long va, String ctx) {
        if (pt.isCanonical(va)) {
            Map.Entry<Long, M> c = covering(sp, va);
            assertThat(pt.getPte(sp.root, va)).as(ctx + " unchanged").isEqualTo(c == null ? 0 : c.getValue().pte);
        }
    }

    private void checkWalk(Space sp, long vaddr, boolean write, long got, Walk w, String ctx) {
        String what = ctx + " walk " + Long.toHexString(vaddr) + (write ? " W" : " R");
        if (!pt.isCanonical(vaddr)) {
            assertThat(got).as(what).isZero();
            assertThat(w.faultLevel).as(what + " faultLevel").isEqualTo(levels);
            assertThat(w.memoryReferences).as(what + " refs").isZero();
            return;
        }
        Map.Entry<Long, M> c = covering(sp, vaddr & ~(long) Page.OFFSET_MASK);
        if (c != null && Pte.isPresent(c.getValue().pte)) {
            M m = c.getValue();
            long bits = write && Pte.isWritable(m.pte) ? Pte.A | Pte.D : Pte.A;
            long e = m.pte | bits;
            sp.map.put(c.getKey(), new M(e, m.shift));
            assertThat(got).as(what).isEqualTo(e);
            assertThat(w.pte).as(what + " out.pte").isEqualTo(e);
            assertThat(w.entry).as(what + " out.entry").isEqualTo(e);
            assertThat(w.pageShift).as(what + " pageShift").isEqualTo(m.shift);
            assertThat(w.faultLevel).as(what + " faultLevel").isZero();
            if (!inverted) {
                int leafLevel = m.shift == Page.SHIFT ? 1 : 2;
                assertThat(w.memoryReferences).as(what + " refs").isEqualTo(levels - leafLevel + 1);
            }
            return;
        }
        assertThat(got).as(what).isZero();
        assertThat(w.pte).as(what + " out.pte").isZero();
        if (inverted) {
            assertThat(w.faultLevel).as(what + " faultLevel").isEqualTo(1);
            assertThat(w.entry).as(what + " out.entry").isEqualTo(c == null ? 0 : c.getValue().pte);
            return;
        }
        if (c != null) {
            int level = c.getValue().shift == Page.SHIFT ? 1 : 2;
            assertThat(w.faultLevel).as(what + " faultLevel (non-present leaf)").isEqualTo(level);
            assertThat(w.memoryReferences).as(what + " refs").isEqualTo(levels - level + 1);
            assertThat(w.entry).as(what + " out.entry").isEqualTo(level == 1 ? c.getValue().pte : 0);
            return;
        }
        // the highest level whose entry is none
        int level = levels;
        while (level > 1 && anyIn(sp, vaddr, shift[level])) {
            level--;
        }
        assertThat(w.faultLevel).as(what + " faultLevel").isEqualTo(level);
        assertThat(w.memoryReferences).as(what + " refs").isEqualTo(levels - level + 1);
        assertThat(w.entry).as(what + " out.entry").isZero();
    }

    private void doForEach(Space sp, long start, long end, String ctx) {
        String what = ctx + " forEach [" + Long.toHexString(start) + ", " + Long.toHexString(end) + ")";
        List<long[]> seen = new ArrayList<>();
        Map<Long, Long> changes = new HashMap<>();
        pt.forEach(sp.root, start, end, (v, pte) -> {
            seen.add(new long[] {v, pte});
            int k = rnd.nextInt(4);
            long nv = k == 0 ? 0 : k == 1 ? pte ^ Pte.A : pte;
            if (nv != pte) {
                changes.put(v, nv);
            }
            return nv;
        });
        List<long[]> expect = new ArrayList<>();
        if (Long.compareUnsigned(start, end) < 0) {
            for (Map.Entry<Long, M> e : sp.map.entrySet()) {
                long lo = e.getKey();
                long hi = lo + (1L << e.getValue().shift);
                if (Long.compareUnsigned(hi - 1, start) >= 0 && Long.compareUnsigned(lo, end) < 0) {
                    expect.add(new long[] {lo, e.getValue().pte});
                }
            }
        }
        assertThat(seen.stream().map(a -> Long.toHexString(a[0]) + "=" + Long.toHexString(a[1])).toList()).as(what)
            .isEqualTo(expect.stream().map(a -> Long.toHexString(a[0]) + "=" + Long.toHexString(a[1])).toList());
        for (Map.Entry<Long, Long> ch : changes.entrySet()) {
            M m = sp.map.get(ch.getKey());
            if (ch.getValue() == 0) {
                sp.map.remove(ch.getKey());
            } else {
                sp.map.put(ch.getKey(), new M(stored(ch.getValue(), m.shift), m.shift));
            }
        }
    }
}
