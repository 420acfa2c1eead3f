package dev.mmkit.paging.pagetable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mmkit.api.hw.Page;
import dev.mmkit.api.hw.Pte;
import dev.mmkit.api.machine.PageFlags;
import dev.mmkit.api.machine.VmItem;
import dev.mmkit.api.pagetable.Walk;
import dev.mmkit.machine.StandaloneMachine;
import dev.mmkit.paging.TestMachine;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

// Checks each radix format against hand-computed indices and the x86 bits hardware leaves in memory.
class RadixPageTableTest {
    private static final long USER_RW = Pte.P | Pte.RW | Pte.US;

    private final StandaloneMachine machine = TestMachine.build("mmkit.machine.memory.size = 64MiB");

    private RadixPageTable table(RadixPageTable.Format format) {
        return new RadixPageTable(format, machine);
    }

    @Test
    void indicesPerLevelAreHandComputed() {
        // 0x08048123 = 0000100000 0001001000 000100100011: dir 0x20, table 0x48
        RadixPageTable x86 = table(RadixPageTable.Format.X86_32);
        assertThat(x86.index(0x0804_8123L, 2)).isEqualTo(0x20);
        assertThat(x86.index(0x0804_8123L, 1)).isEqualTo(0x48);
        // 0xC0123456 = 11 000000000 100100011 010001010110: pdpt 3, dir 0, table 0x123
        RadixPageTable pae = table(RadixPageTable.Format.X86_PAE);
        assertThat(pae.index(0xC012_3456L, 3)).isEqualTo(3);
        assertThat(pae.index(0xC012_3456L, 2)).isEqualTo(0);
        assertThat(pae.index(0xC012_3456L, 1)).isEqualTo(0x123);
        // 0x7f12345678ab: bits 47-39 = 011111110 (0xfe), 38-30 = 001001000 (0x48),
        // 29-21 = 110100010 (0x1a2), 20-12 = 101100111 (0x167)
        RadixPageTable x64 = table(RadixPageTable.Format.X86_64);
        assertThat(new int[] {x64.index(0x7f12_3456_78abL, 4), x64.index(0x7f12_3456_78abL, 3),
            x64.index(0x7f12_3456_78abL, 2), x64.index(0x7f12_3456_78abL, 1)})
            .containsExactly(0xfe, 0x48, 0x1a2, 0x167);
        // LA57: 0x00ff123456789000: bits 56-48 = 0xff, then 0x24, 0xd1, 0xb3, 0x189
        RadixPageTable la57 = table(RadixPageTable.Format.X86_64_LA57);
        long v = 0x00ff_1234_5678_9000L;
        assertThat(new int[] {la57.index(v, 5), la57.index(v, 4), la57.index(v, 3), la57.index(v, 2), la57.index(v, 1)})
            .containsExactly(0xff, 0x24, 0xd1, 0xb3, 0x189);
    }

    @Test
    void userSpaceEndsWhereLinuxsTaskSizeDoes() {
        // 32-bit: PAGE_OFFSET 0xC0000000 (the 3G/1G split); x86-64 and LA57: TASK_SIZE_MAX,
        // (1 << 47) and (1 << 56) less one page (arch/x86/include/asm/page_64_types.h)
        assertThat(table(RadixPageTable.Format.X86_32).userAddressLimit()).isEqualTo(0xC000_0000L);
        assertThat(table(RadixPageTable.Format.X86_PAE).userAddressLimit()).isEqualTo(0xC000_0000L);
        assertThat(table(RadixPageTable.Format.X86_64).userAddressLimit()).isEqualTo(0x7fff_ffff_f000L);
        assertThat(table(RadixPageTable.Format.X86_64_LA57).userAddressLimit()).isEqualTo(0xff_ffff_ffff_f000L);
    }

    @Test
    void walkReadsEachLevelFromMemoryAndSetsAccessedThenDirty() {
        RadixPageTable pt = table(RadixPageTable.Format.X86_64);
        long root = pt.createRoot(1);
        long va = 0x7f12_3456_7000L;
        pt.setPte(root, va, Pte.make(0x777, USER_RW | Pte.NX), Page.SHIFT);

        // follow the tables by hand: root[0xfe] -> pud[0x48] -> pmd[0x1a2] -> pte[0x167]
        long pud = Pte.pfn(machine.memory().readLong(root + 0xfe * 8));
        long pmd = Pte.pfn(machine.memory().readLong(Page.address(pud) + 0x48 * 8));
        long ptePage = Pte.pfn(machine.memory().readLong(Page.address(pmd) + 0x1a2 * 8));
        long leafAddr = Page.address(ptePage) + 0x167 * 8;
        assertThat(machine.memory().readLong(leafAddr)).isEqualTo(Pte.make(0x777, USER_RW | Pte.NX));

        Walk w = new Walk();
        assertThat(pt.walk(root, va + 0x8ab, false, w)).isEqualTo(Pte.make(0x777, USER_RW | Pte.NX | Pte.A));
        assertThat(w.memoryReferences).isEqualTo(4);
        assertThat(w.pageShift).isEqualTo(12);
        assertThat(machine.memory().readLong(leafAddr) & (Pte.A | Pte.D)).isEqualTo(Pte.A);

        pt.walk(root, va, true, w);
        assertThat(machine.memory().readLong(leafAddr) & (Pte.A | Pte.D)).isEqualTo(Pte.A | Pte.D);
        assertThat(Pte.isNoExecute(machine.memory().readLong(leafAddr))).isTrue();
    }

    @Test
    void aWriteWalkDoesNotDirtyAReadOnlyPage() {
        RadixPageTable pt = table(RadixPageTable.Format.X86_64);
        long root = pt.createRoot(1);
        pt.setPte(root, 0x1000, Pte.make(5, Pte.P | Pte.US), Page.SHIFT);
        Walk w = new Walk();
        long pte = pt.walk(root, 0x1000, true, w);
        assertThat(Pte.isAccessed(pte)).isTrue();
        assertThat(Pte.isDirty(pte)).isFalse();
    }

    @Test
    void aMissingLevelStopsTheWalkThere() {
        RadixPageTable pt = table(RadixPageTable.Format.X86_64);
        long root = pt.createRoot(1);
        Walk w = new Walk();
        assertThat(pt.walk(root, 0x40_0000, false, w)).isZero();
        assertThat(w.faultLevel).isEqualTo(4);
        assertThat(w.memoryReferences).isEqualTo(1);
        pt.setPte(root, 0x40_0000, Pte.make(9, USER_RW), Page.SHIFT);
        assertThat(pt.walk(root, 0x40_1000, false, w)).isZero();
        assertThat(w.faultLevel).isEqualTo(1);
        assertThat(w.memoryReferences).isEqualTo(4);
    }

    @Test
    void tablesExistOnlyWhereMappedAndAreFreedWhenEmptied() {
        for (RadixPageTable.Format f : new RadixPageTable.Format[] {RadixPageTable.Format.X86_32,
            RadixPageTable.Format.X86_PAE, RadixPageTable.Format.X86_64, RadixPageTable.Format.X86_64_LA57}) {
            RadixPageTable pt = table(f);
            long before = machine.vmstat().get(VmItem.NR_PAGE_TABLE_PAGES);
            long root = pt.createRoot(1);
            assertThat(pt.tablePages()).as(f.name()).isEqualTo(1);
            assertThat(machine.memMap().testFlag(Page.pfn(root), PageFlags.PG_TABLE)).isTrue();
            pt.setPte(root, 0x1000, Pte.make(3, USER_RW), Page.SHIFT);
            pt.setPte(root, 0x2000, Pte.make(4, USER_RW), Page.SHIFT);
            assertThat(pt.tablePages()).as(f.name()).isEqualTo(pt.levels());
            pt.verify();
            assertThat(machine.vmstat().get(VmItem.NR_PAGE_TABLE_PAGES) - before).isEqualTo(pt.levels());
            pt.setPte(root, 0x1000, 0, Page.SHIFT);
            assertThat(pt.tablePages()).as(f.name()).isEqualTo(pt.levels());
            assertThat(pt.setPte(root, 0x2000, 0, Page.SHIFT)).isEqualTo(Pte.make(4, USER_RW));
            assertThat(pt.tablePages()).as(f.name() + " after the last entry went").isEqualTo(1);
            assertThat(pt.usedEntries(Page.pfn(root))).isZero();
            pt.destroyRoot(root);
            assertThat(pt.tablePages()).isZero();
            assertThat(machine.vmstat().get(VmItem.NR_PAGE_TABLE_PAGES)).isEqualTo(before);
        }
    }

    @Test
    void destroyRootFreesEveryTable() {
        RadixPageTable pt = table(RadixPageTable.Format.X86_64);
        long root = pt.createRoot(1);
        pt.setPte(root, 0x1000, Pte.make(3, USER_RW), Page.SHIFT);
        pt.setPte(root, 0x7f00_0000_0000L, Pte.make(4, USER_RW), Page.SHIFT);
        assertThat(pt.tablePages()).isEqualTo(7);
        pt.destroyRoot(root);
        assertThat(pt.tablePages()).isZero();
    }

    @Test
    void canonicalCheckOfFourAndFiveLevels() {
        RadixPageTable x64 = table(RadixPageTable.Format.X86_64);
        assertThat(x64.isCanonical(0x0000_7fff_ffff_ffffL)).isTrue();
        assertThat(x64.isCanonical(0x0000_8000_0000_0000L)).isFalse();
        assertThat(x64.isCanonical(0xffff_8000_0000_0000L)).isTrue();
        assertThat(x64.isCanonical(0xfff7_8000_0000_0000L)).isFalse();
        long root = x64.createRoot(1);
        Walk w = new Walk();
        assertThat(x64.walk(root, 0x0000_8000_0000_0000L, false, w)).isZero();
        assertThat(w.faultLevel).isEqualTo(4);
        assertThat(w.memoryReferences).isZero();
        RadixPageTable la57 = table(RadixPageTable.Format.X86_64_LA57);
        assertThat(la57.isCanonical(0x0000_8000_0000_0000L)).isTrue();
        assertThat(la57.isCanonical(0x0100_0000_0000_0000L)).isFalse();
        assertThat(la57.isCanonical(0xff00_0000_0000_0000L)).isTrue();
        RadixPageTable x86 = table(RadixPageTable.Format.X86_32);
        assertThat(x86.isCanonical(0xffff_ffffL)).isTrue();
        assertThat(x86.isCanonical(0x1_0000_0000L)).isFalse();
    }

    @Test
    void pse4MiBPagesOnX86_32() {
        RadixPageTable pt = table(RadixPageTable.Format.X86_32);
        long root = pt.createRoot(1);
        pt.setPte(root, 0x0040_0000L, Pte.make(1024 * 3, USER_RW), Page.SHIFT_4M);
        Walk w = new Walk();
        long pte = pt.walk(root, 0x0052_3456L, false, w);
        assertThat(Pte.isLarge(pte)).isTrue();
        assertThat(Pte.pfn(pte)).isEqualTo(1024 * 3);
        assertThat(w.pageShift).isEqualTo(22);
        assertThat(w.memoryReferences).isEqualTo(1);
        assertThat(pt.tablePages()).isEqualTo(1);
        // the directory entry in memory: 4 bytes at dir index 1, PS and A set
        int pde = machine.memory().readInt(root + 4);
        assertThat(pde & (int) (Pte.PS | Pte.A | Pte.P)).isEqualTo((int) (Pte.PS | Pte.A | Pte.P));
        assertThatThrownBy(() -> pt.setPte(root, 0x0080_0000L, Pte.make(1025, USER_RW), Page.SHIFT_4M))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not aligned to a 4 MiB page");
    }

    @Test
    void twoMiBPagesOnPaeAndX86_64() {
        RadixPageTable pae = table(RadixPageTable.Format.X86_PAE);
        long root = pae.createRoot(1);
        pae.setPte(root, 0x0020_0000L, Pte.make(512 * 5, USER_RW), Page.SHIFT_2M);
        Walk w = new Walk();
        assertThat(Pte.pfn(pae.walk(root, 0x003f_f000L, true, w))).isEqualTo(512 * 5);
        assertThat(w.pageShift).isEqualTo(21);
        assertThat(w.memoryReferences).isEqualTo(2);
        RadixPageTable x64 = table(RadixPageTable.Format.X86_64);
        long root64 = x64.createRoot(2);
        x64.setPte(root64, 0x0020_0000L, Pte.make(512 * 5, USER_RW), Page.SHIFT_2M);
        assertThat(Pte.isDirty(x64.walk(root64, 0x0030_0000L, true, w))).isTrue();
        assertThat(w.memoryReferences).isEqualTo(3);
        assertThat(x64.getPte(root64, 0x0030_0000L) & Pte.PS).isEqualTo(Pte.PS);
    }

    @Test
    void thirtyTwoBitEntriesDropNxAndRejectHighFrames() {
        RadixPageTable pt = table(RadixPageTable.Format.X86_32);
        long root = pt.createRoot(1);
        pt.setPte(root, 0x1000, Pte.make(7, USER_RW | Pte.NX), Page.SHIFT);
        assertThat(pt.getPte(root, 0x1000)).isEqualTo(Pte.make(7, USER_RW));
        assertThatThrownBy(() -> pt.setPte(root, 0x2000, Pte.make(1L << 20, USER_RW), Page.SHIFT))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not fit 32 bits");
    }

    @Test
    void swapEntriesAreKeptButDoNotTranslate() {
        RadixPageTable pt = table(RadixPageTable.Format.X86_64);
        long root = pt.createRoot(1);
        long swp = Pte.swapEntry(0, 1234);
        pt.setPte(root, 0x5000, swp, Page.SHIFT);
        Walk w = new Walk();
        assertThat(pt.walk(root, 0x5000, false, w)).isZero();
        assertThat(w.faultLevel).isEqualTo(1);
        assertThat(pt.getPte(root, 0x5000)).isEqualTo(swp);
    }

    @Test
    void forEachVisitsInAddressOrderAndClearingFreesTables() {
        RadixPageTable pt = table(RadixPageTable.Format.X86_64);
        long root = pt.createRoot(1);
        long[] vas = {0x7f00_0000_0000L, 0x1000, 0x40_0000_0000L, 0x2000};
        for (long va : vas) {
            pt.setPte(root, va, Pte.make(Page.vpn(va) & 0xfff | 1, USER_RW), Page.SHIFT);
        }
        List<Long> seen = new ArrayList<>();
        pt.forEach(root, 0, 1L << 47, (va, pte) -> {
            seen.add(va);
            return pte;
        });
        assertThat(seen).containsExactly(0x1000L, 0x2000L, 0x40_0000_0000L, 0x7f00_0000_0000L);
        seen.clear();
        pt.forEach(root, 0x2000, 0x40_0000_1000L, (va, pte) -> {
            seen.add(va);
            return 0;
        });
        assertThat(seen).containsExactly(0x2000L, 0x40_0000_0000L);
        assertThat(pt.getPte(root, 0x1000)).isNotZero();
        pt.forEach(root, 0, 1L << 47, (va, pte) -> 0);
        assertThat(pt.tablePages()).isEqualTo(1);
    }

    @Test
    void aFailedAllocationLeavesNothingBehind() {
        StandaloneMachine tiny = TestMachine.build("mmkit.machine.memory.size = 512KiB\n"
            + "mmkit.machine.zones = [ { name = Normal } ]");
        RadixPageTable pt = new RadixPageTable(RadixPageTable.Format.X86_64_LA57, tiny);
        long root = pt.createRoot(1);
        assertThat(root).isNotNegative();
        int mapped = 0;
        try {
            for (long va = 0; ; va += 1L << 48) {
                pt.setPte(root, va, Pte.make(1, USER_RW), Page.SHIFT);
                mapped++;
            }
        } catch (IllegalStateException e) {
            assertThat(e).hasMessageContaining("no frame for a level-");
        }
        assertThat(pt.tablePages()).isEqualTo(1 + 4L * mapped);
        pt.verify();
    }

    @Test
    void verifyFindsACountThatLies() {
        RadixPageTable pt = table(RadixPageTable.Format.X86_64);
        long root = pt.createRoot(1);
        pt.setPte(root, 0x1000, Pte.make(3, USER_RW), Page.SHIFT);
        pt.verify();
        // an entry written behind the table's back
        long pud = Pte.pfn(machine.memory().readLong(root));
        long pmd = Pte.pfn(machine.memory().readLong(Page.address(pud)));
        long ptePage = Pte.pfn(machine.memory().readLong(Page.address(pmd)));
        machine.memory().writeLong(Page.address(ptePage) + 16, Pte.make(4, USER_RW));
        assertThatThrownBy(pt::verify).isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("at level 1 counts 1 entries but holds 2");
    }
}
