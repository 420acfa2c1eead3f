package dev.mmkit.paging.pagetable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mmkit.api.hw.Page;
import dev.mmkit.api.hw.Pte;
import dev.mmkit.api.pagetable.Walk;
import dev.mmkit.machine.StandaloneMachine;
import dev.mmkit.paging.TestMachine;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

// The walk cache must be invisible: every walk and getPte answers as a walk of the tables in
// memory does, even after the tables it remembers were freed and their frames reused.
class WalkCacheTest {
    private static final long USER_RW = Pte.P | Pte.RW | Pte.US;

    private final StandaloneMachine machine = TestMachine.build("mmkit.machine.memory.size = 64MiB");

    /** The entry for {@code va} read level by level from physical memory, and the reads it took. */
    private long[] walkByHand(RadixPageTable pt, long root, long va) {
        RadixPageTable.Format f = pt.format();
        int shift = Page.SHIFT;
        int[] shifts = new int[f.bits().length + 1];
        for (int l = 1; l <= f.bits().length; l++) {
            shifts[l] = shift;
            shift += f.bits()[f.bits().length - l];
        }
        long table = Page.pfn(root);
        int reads = 0;
        for (int level = f.bits().length; level >= 1; level--) {
            long index = (va >>> shifts[level]) & ((1L << f.bits()[f.bits().length - level]) - 1);
            long addr = Page.address(table) + index * f.entryBytes();
            long e = f.entryBytes() == 8 ? machine.memory().readLong(addr) : machine.memory().readInt(addr) & 0xFFFF_FFFFL;
            reads++;
            if (!Pte.isPresent(e) || level == 1 || (level == f.largeLevel() && (e & Pte.PS) != 0)) {
                return new long[] {e, reads};
            }
            table = Pte.pfn(e);
        }
        throw new AssertionError();
    }

    @Test
    void aTableFreedAndReusedElsewhereIsNotReachedThroughTheCache() {
        RadixPageTable pt = new RadixPageTable(RadixPageTable.Format.X86_64, machine);
        long root = pt.createRoot(1);
        long a = 0x1000_0000L;
        long b = 0x7f00_0000_0000L;
        pt.setPte(root, a, Pte.make(3, USER_RW), Page.SHIFT);
        Walk w = new Walk();
        assertThat(pt.walk(root, a, false, w)).isNotZero();
        pt.setPte(root, a, 0, Page.SHIFT);
        // the three lower tables of a are free; b's tables take their frames
        pt.setPte(root, b, Pte.make(4, USER_RW), Page.SHIFT);
        assertThat(pt.walk(root, a, false, w)).isZero();
        assertThat(w.faultLevel).isEqualTo(4);
        assertThat(w.memoryReferences).isEqualTo(1);
        assertThat(pt.getPte(root, a)).isZero();
        assertThat(Pte.pfn(pt.walk(root, b, false, w))).isEqualTo(4);
        pt.verify();
    }

    @Test
    void aNewRootInTheFrameOfADestroyedOneStartsEmpty() {
        RadixPageTable pt = new RadixPageTable(RadixPageTable.Format.X86_64, machine);
        long first = pt.createRoot(1);
        pt.setPte(first, 0x4000, Pte.make(3, USER_RW), Page.SHIFT);
        Walk w = new Walk();
        assertThat(pt.walk(first, 0x4000, false, w)).isNotZero();
        pt.destroyRoot(first);
        long second = pt.createRoot(2);
        assertThat(second).isEqualTo(first);
        assertThat(pt.walk(second, 0x4000, false, w)).isZero();
        assertThat(w.faultLevel).isEqualTo(4);
        assertThat(pt.getPte(second, 0x4000)).isZero();
    }

    @Test
    void randomMappingsAnswerAsTheTablesInMemoryDo() {
        for (RadixPageTable.Format f : new RadixPageTable.Format[] {RadixPageTable.Format.X86_32,
            RadixPageTable.Format.X86_PAE, RadixPageTable.Format.X86_64, RadixPageTable.Format.X86_64_LA57}) {
            RadixPageTable pt = new RadixPageTable(f, machine);
            long[] roots = {pt.createRoot(1), pt.createRoot(2)};
            SplittableRandom random = new SplittableRandom(7);
            Map<String, Long> shadow = new HashMap<>();
            Walk w = new Walk();
            // 3 regions of 4 pages each, so tables are emptied, freed and made again often
            long[] regions = {0x0040_0000L, 0x0080_0000L, 0x4000_0000L};
            for (int op = 0; op < 20_000; op++) {
                int r = random.nextInt(roots.length);
                long root = roots[r];
                long va = regions[random.nextInt(regions.length)] + (long) random.nextInt(4) * Page.SIZE;
                String key = r + ":" + va;
                switch (random.nextInt(4)) {
                    case 0 -> {
                        long pte = Pte.make(1 + random.nextInt(1000), USER_RW);
                        pt.setPte(root, va, pte, Page.SHIFT);
                        shadow.put(key, pte);
                    }
                    case 1 -> {
                        pt.setPte(root, va, 0, Page.SHIFT);
                        shadow.remove(key);
                    }
                    case 2 -> {
                        long[] byHand = walkByHand(pt, root, va);
                        long found = pt.walk(root, va, false, w);
                        assertThat(w.memoryReferences).as("%s op %d", f.name(), op).isEqualTo((int) byHand[1]);
                        if (Pte.isPresent(byHand[0])) {
                            assertThat(found).isEqualTo(byHand[0] | Pte.A);
                        } else {
                            assertThat(found).isZero();
                        }
                    }
                    default -> {
                        long expected = shadow.getOrDefault(key, 0L);
                        long got = pt.getPte(root, va) & ~Pte.A;
                        assertThat(got).as("%s op %d: entry of %s", f.name(), op, key).isEqualTo(expected);
                    }
                }
            }
            pt.verify();
            for (long root : roots) {
                pt.destroyRoot(root);
            }
            assertThat(pt.tablePages()).isZero();
        }
    }

    @Test
    void verifyNamesAnEntryWhoseKeptBytesAreNoLongerTheTables() {
        RadixPageTable pt = new RadixPageTable(RadixPageTable.Format.X86_64, machine);
        long root = pt.createRoot(1);
        long va = 0x1000_0000L;
        pt.setPte(root, va, Pte.make(3, USER_RW), Page.SHIFT);
        Walk w = new Walk();
        assertThat(pt.walk(root, va, false, w)).as("walked once, its leaf table cached").isNotZero();
        pt.verify();
        long leaf = leafTableOf(pt, root, va);
        machine.memory().clearFrame(leaf); // what no code may do to a linked table: its bytes are replaced
        machine.memory().writeLong(Page.address(leaf) + ((va >>> Page.SHIFT) & 511) * 8, Pte.make(3, USER_RW));
        assertThatThrownBy(pt::verify).isInstanceOf(IllegalStateException.class)
            .hasMessage("x86-64: walk cache entry for root " + Page.hex(root) + " at " + Page.hex(va) + ": the bytes it keeps are not"
                + " table page " + Page.hex(leaf) + "'s");
    }

    /** The leaf table's frame for {@code va}, found level by level in physical memory. */
    private long leafTableOf(RadixPageTable pt, long root, long va) {
        long table = Page.pfn(root);
        for (int level = 4, shift = 39; level > 1; level--, shift -= 9) {
            table = Pte.pfn(machine.memory().readLong(Page.address(table) + ((va >>> shift) & 511) * 8));
        }
        return table;
    }
}
