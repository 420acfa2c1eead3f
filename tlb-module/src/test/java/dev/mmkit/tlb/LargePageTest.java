package dev.mmkit.tlb;

import static dev.mmkit.tlb.TestTlbs.tlb;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mmkit.api.hw.Access;
import dev.mmkit.api.hw.Page;
import dev.mmkit.api.hw.Pte;
import org.junit.jupiter.api.Test;

// Checks that one entry for a large page translates every base page inside it, and that sizes coexist.
class LargePageTest {
    private static final long LARGE = Pte.P | Pte.RW | Pte.US | Pte.PS | Pte.A;

    @Test
    void a2MiBEntryMatchesEveryBasePageInside() {
        AbstractTlb tlb = tlb("impl = set-associative");
        tlb.insert(0x4000_0000L + 0x3000, Access.READ, Pte.make(0x200, LARGE), Page.SHIFT_2M);
        // Base page 5 of the 2 MiB page is frame 0x200 + 5; the last, 0x1ff, is frame 0x3ff.
        long t = tlb.lookup(0x4000_5123L, Access.READ);
        assertThat(Pte.pfn(t)).isEqualTo(0x205);
        assertThat(t & (Pte.RW | Pte.US | Pte.PS)).isEqualTo(Pte.RW | Pte.US | Pte.PS);
        assertThat(Pte.pfn(tlb.lookup(0x401F_F000L, Access.READ))).isEqualTo(0x3ff);
        assertThat(tlb.lookup(0x4020_0000L, Access.READ)).isZero();
        assertThat(tlb.lookup(0x3FFF_F000L, Access.READ)).isZero();
        assertThat(tlb.nrEntries()).isEqualTo(1);
        tlb.verify();
    }

    @Test
    void oneGiBAnd4MiBPages() {
        AbstractTlb tlb = tlb("impl = fully-associative, entries = 8");
        tlb.insert(0x8000_0000L, Access.READ, Pte.make(0x40000, LARGE), Page.SHIFT_1G);
        tlb.insert(0x00C0_0000L, Access.READ, Pte.make(0x400, LARGE), Page.SHIFT_4M);
        assertThat(Pte.pfn(tlb.lookup(0x8000_0000L + 0x1234_5678L, Access.READ))).isEqualTo(0x40000 + 0x12345);
        assertThat(Pte.pfn(tlb.lookup(0x00C0_1000L, Access.READ))).isEqualTo(0x401);
        assertThat(Pte.pfn(tlb.lookup(0x00FF_F000L, Access.READ))).isEqualTo(0x7ff);
        assertThat(tlb.lookup(0x0100_0000L, Access.READ)).isZero();
        tlb.verify();
    }

    @Test
    void invlpgAnywhereInsideDropsTheLargeEntry() {
        AbstractTlb tlb = tlb("impl = set-associative");
        tlb.insert(0x4000_0000L, Access.READ, Pte.make(0x200, LARGE), Page.SHIFT_2M);
        tlb.insert(0x4000_0000L, Access.READ, Pte.make(0x999, Pte.P), Page.SHIFT);
        tlb.invalidatePage(0x4010_0000L, 0);
        assertThat(tlb.lookup(0x4010_0000L, Access.READ)).isZero();
        assertThat(Pte.pfn(tlb.lookup(0x4000_0000L, Access.READ))).as("the 4 KiB entry is another page").isEqualTo(0x999);
        tlb.verify();
    }

    @Test
    void aLargePageIsIndexedByItsOwnPageNumber() {
        AbstractTlb tlb = tlb("impl = set-associative, entries = 64, ways = 4");
        tlb.insert(0x00A0_0000L, Access.READ, Pte.make(0x200, LARGE), Page.SHIFT_2M);
        TlbLevel level = tlb.levels[0];
        int slot = level.probe(0x00A0_0000L, tlb.currentHw);
        assertThat(slot / level.ways).isEqualTo((0x00A0_0000 >>> 21) & 15);
    }

    @Test
    void rejectsUnknownPageSizesAndNonPresentEntries() {
        AbstractTlb tlb = tlb("impl = set-associative");
        assertThatThrownBy(() -> tlb.insert(0, Access.READ, Pte.make(1, Pte.P), 13))
            .isInstanceOf(IllegalArgumentException.class).hasMessage("pageShift: 13 (expected: 12, 21, 22 or 30)");
        assertThatThrownBy(() -> tlb.insert(0, Access.READ, Pte.swapEntry(1, 5), Page.SHIFT))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(": not present");
        assertThat(tlb.nrEntries()).isZero();
    }
}
