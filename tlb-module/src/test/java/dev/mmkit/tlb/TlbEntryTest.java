package dev.mmkit.tlb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.hw.Page;
import dev.mmkit.api.hw.Pte;
import org.junit.jupiter.api.Test;

// Checks the tag encoding: every field decodes to what was encoded, and the layout matches the diagram.
class TlbEntryTest {
    @Test
    void fieldsRoundTrip() {
        long tag = TlbEntry.key(0x12345, 7, TlbEntry.SIZE_2M);
        assertThat(TlbEntry.pageNumber(tag)).isEqualTo(0x12345);
        assertThat(TlbEntry.asid(tag)).isEqualTo(7);
        assertThat(TlbEntry.size(tag)).isEqualTo(TlbEntry.SIZE_2M);
        assertThat(TlbEntry.isValid(tag)).isTrue();
        assertThat(TlbEntry.isGlobal(tag)).isFalse();
        assertThat(TlbEntry.vaddr(tag)).isEqualTo(0x12345L << 21);
        assertThat(TlbEntry.describe(tag)).isEqualTo("vaddr=0x2468a00000 2M asid=7");
    }

    @Test
    void keyStraightFromTheAddressEqualsTheKeyOfItsVpn() {
        // key4k shifts the address left instead of masking it, shifting right and back:
        // bits 57-63 of the address (the ones VA_MASK drops) must fall off the top.
        java.util.SplittableRandom random = new java.util.SplittableRandom(5);
        long[] fixed = {0, 0xfff, 0x1000, 0x7fff_ffff_f000L, 0xffff_8000_0000_0000L, -1L, 0x01ff_ffff_ffff_f000L, 0xfe00_0000_0000_1000L};
        for (int i = 0; i < 10_000; i++) {
            long vaddr = i < fixed.length ? fixed[i] : random.nextLong();
            int asid = random.nextInt(1 << TlbEntry.ASID_BITS);
            long vpn = TlbEntry.vpn(vaddr);
            assertThat(TlbEntry.key4k(vaddr, asid)).as("vaddr %x asid %d", vaddr, asid).isEqualTo(TlbEntry.key(vpn, asid, TlbEntry.SIZE_4K));
            assertThat(TlbEntry.globalKey4k(vaddr)).as("vaddr %x", vaddr).isEqualTo(TlbEntry.globalKey(vpn, TlbEntry.SIZE_4K));
            // The lookup's set index: the low VPN bits, taken from the address directly.
            assertThat((int) (vaddr >>> Page.SHIFT) & 1023).isEqualTo((int) vpn & 1023);
        }
    }

    @Test
    void layoutAsDrawn() {
        // V bit 0, G bit 1, size bits 2-3, ASID bits 4-18, page number from bit 19.
        assertThat(TlbEntry.key(1, 1, 1)).isEqualTo((1L << 19) | (1L << 4) | (1L << 2) | 1);
        assertThat(TlbEntry.globalKey(1, 0)).isEqualTo((1L << 19) | 2 | 1);
        assertThat(TlbEntry.ASID_BITS + TlbEntry.PAGE_NUMBER_BITS + TlbEntry.SIZE_BITS + 2).isEqualTo(64);
    }

    @Test
    void aGlobalTagNeverEqualsAKeyOrNoKey() {
        long page = 0x7ff;
        assertThat(TlbEntry.globalKey(page, 0)).isNotEqualTo(TlbEntry.key(page, 0, 0));
        assertThat(TlbEntry.tag(page, 5, 0, Pte.make(1, Pte.P | Pte.G))).isEqualTo(TlbEntry.globalKey(page, 0));
        assertThat(TlbEntry.NO_KEY).isNotEqualTo(TlbEntry.globalKey(TlbEntry.pageNumber(-1L, 0), 0));
    }

    @Test
    void kernelAndUserHalvesStayDistinct() {
        long user = 0x0000_8880_0000_0000L >>> 1; // a user address below 2^47
        long kernel = 0xffff_8880_0000_0000L;
        assertThat(TlbEntry.vpn(kernel)).isNotEqualTo(TlbEntry.vpn(user));
        assertThat(TlbEntry.vpn(kernel)).isNotEqualTo(TlbEntry.vpn(kernel & 0x0000_ffff_ffff_ffffL));
    }

    @Test
    void basePageOfALargePage() {
        long pte = Pte.make(0x40000, Pte.P | Pte.PS);
        assertThat(Pte.pfn(TlbEntry.basePage(pte, 0x8000_0000L + 0x3456_7000L, TlbEntry.SIZE_1G))).isEqualTo(0x40000 + 0x34567);
        assertThat(Pte.pfn(TlbEntry.firstFrame(Pte.make(0x205, Pte.P), TlbEntry.SIZE_2M))).isEqualTo(0x200);
        assertThat(TlbEntry.sizeClass(Page.SHIFT_4M)).isEqualTo(TlbEntry.SIZE_4M);
        assertThat(TlbEntry.sizeClass(16)).isEqualTo(-1);
    }
}
