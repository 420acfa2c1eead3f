package dev.mmkit.api.hw;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

// The PTE encoders against the x86 layout (Intel SDM vol. 3, table 4-19) and Linux's swap-entry rules.
class PteTest {
    @Test
    void bitsSitWhereIntelPutsThem() {
        assertThat(Pte.P).isEqualTo(0x1);
        assertThat(Pte.RW).isEqualTo(0x2);
        assertThat(Pte.US).isEqualTo(0x4);
        assertThat(Pte.A).isEqualTo(0x20);
        assertThat(Pte.D).isEqualTo(0x40);
        assertThat(Pte.PS).isEqualTo(0x80);
        assertThat(Pte.G).isEqualTo(0x100);
        assertThat(Pte.NX).isEqualTo(0x8000000000000000L);
    }

    @Test
    void encodesFrameAndFlags() {
        long pte = Pte.make(0x1234, Pte.P | Pte.RW | Pte.US);
        assertThat(pte).isEqualTo(0x1234007L);
        assertThat(Pte.pfn(pte)).isEqualTo(0x1234);
        assertThat(Pte.withPfn(pte | Pte.D, 0x99)).isEqualTo(0x99047L);
        assertThat(Pte.pfn(Pte.make(0xff_ffff_ffffL, Pte.P | Pte.NX))).isEqualTo(0xff_ffff_ffffL);
    }

    @Test
    void permissions() {
        long ro = Pte.make(1, Pte.P | Pte.US);
        long kernel = Pte.make(1, Pte.P | Pte.RW);
        long nx = Pte.make(1, Pte.P | Pte.RW | Pte.US | Pte.NX);
        assertThat(Pte.permits(ro, Access.READ)).isTrue();
        assertThat(Pte.permits(ro, Access.WRITE)).isFalse();
        assertThat(Pte.permits(kernel, Access.READ)).isFalse();
        assertThat(Pte.permits(kernel, Access.WRITE | Access.KERNEL)).isTrue();
        assertThat(Pte.permits(nx, Access.EXECUTE)).isFalse();
        assertThat(Pte.permits(nx, Access.WRITE)).isTrue();
    }

    @Test
    void swapEntriesAreNotPresentAndNotNone() {
        long entry = Pte.swapEntry(3, 123_456);
        assertThat(Pte.isPresent(entry)).isFalse();
        assertThat(Pte.isNone(entry)).isFalse();
        assertThat(Pte.isSwap(entry)).isTrue();
        assertThat(Pte.swapType(entry)).isEqualTo(3);
        assertThat(Pte.swapOffset(entry)).isEqualTo(123_456);
        assertThat(Pte.isSwap(0)).isFalse();
        assertThat(Pte.isSwap(Pte.swapEntry(0, 1))).isTrue();
        assertThatThrownBy(() -> Pte.swapEntry(0, 0)).hasMessageContaining("slot 0 holds the swap header");
        assertThatThrownBy(() -> Pte.swapEntry(32, 0)).hasMessage("swap type: 32 (expected: 0-31)");
    }

    @Test
    void protNoneEntriesMapTheirFrameButDoNotTranslate() {
        long pte = Pte.make(0x1a2b, Pte.P | Pte.RW | Pte.US | Pte.A | Pte.D);
        long invalid = Pte.mkProtNone(pte);
        // x86: _PAGE_PROTNONE is _PAGE_GLOBAL (bit 8) with _PAGE_PRESENT (bit 0) clear
        assertThat(invalid).isEqualTo(0x1a2b000L | 0x100 | 0x2 | 0x4 | 0x20 | 0x40);
        assertThat(Pte.isPresent(invalid)).isFalse();
        assertThat(Pte.isProtNone(invalid)).isTrue();
        assertThat(Pte.mapsFrame(invalid)).isTrue();
        assertThat(Pte.isSwap(invalid)).isFalse();
        assertThat(Pte.isNone(invalid)).isFalse();
        assertThat(Pte.pfn(invalid)).isEqualTo(0x1a2b);
        assertThat(Pte.permits(invalid, Access.READ)).isTrue(); // the walk checks P before permissions
        assertThat(Pte.mkPresent(invalid)).isEqualTo(pte);
        assertThat(Pte.describe(invalid)).isEqualTo("pfn=0x1a2b PROTNONE RW US A D");
        assertThat(Pte.isProtNone(pte)).isFalse();
        assertThat(Pte.mapsFrame(pte)).isTrue();
        assertThat(Pte.isProtNone(Pte.swapEntry(31, 1))).isFalse();
        assertThat(Pte.mapsFrame(Pte.swapEntry(31, 1))).isFalse();
        assertThat(Pte.mapsFrame(0)).isFalse();
    }

    @Test
    void describes() {
        assertThat(Pte.describe(Pte.make(0x1a2b, Pte.P | Pte.RW | Pte.A | Pte.NX))).isEqualTo("pfn=0x1a2b P RW A NX");
        assertThat(Pte.describe(0)).isEqualTo("none");
    }
}
