package dev.mmkit.tlb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

// Checks the generation scheme that maps callers' asids onto few hardware ASIDs, step by step.
class AsidAllocatorTest {
    @Test
    void twoBitAsidsRollOverOnTheFifthAddressSpace() {
        // 4 hardware ASIDs. Asid 0 holds hw 0 from the start; 10, 20, 30 take 1, 2, 3.
        AsidAllocator a = new AsidAllocator(true, 2);
        assertThat(a.currentHw()).isZero();
        assertThat(a.activate(10)).isFalse();
        assertThat(a.currentHw()).isEqualTo(1);
        assertThat(a.activate(20)).isFalse();
        assertThat(a.activate(30)).isFalse();
        assertThat(a.currentHw()).isEqualTo(3);
        // Back to 10: same generation, same ASID, no flush.
        assertThat(a.activate(10)).isFalse();
        assertThat(a.currentHw()).isEqualTo(1);
        assertThat(a.isFull()).isTrue();
        // 40 is the fifth: generation 2, everything forgotten, 40 gets hw 0.
        assertThat(a.activate(40)).isTrue();
        assertThat(a.generation()).isEqualTo(2);
        assertThat(a.currentHw()).isZero();
        assertThat(a.hwAsid(10)).isEqualTo(-1);
        assertThat(a.owner(0)).isEqualTo(40);
        // 10 comes back: a new ASID of the new generation.
        assertThat(a.activate(10)).isFalse();
        assertThat(a.currentHw()).isEqualTo(1);
        assertThat(a.rollovers()).isEqualTo(1);
        // an invalidation's lookup: the current address space's own (the shortcut), another's
        // of this generation (the table), one of the last generation (none)
        assertThat(a.hwAsid(10)).isEqualTo(1);
        assertThat(a.hwAsid(40)).isZero();
        assertThat(a.hwAsid(20)).isEqualTo(-1);
        a.verify();
    }

    @Test
    void withAsidsOffEverythingIsHardwareAsidZero() {
        AsidAllocator a = new AsidAllocator(false, 12);
        assertThat(a.nrAsids).isEqualTo(1);
        assertThat(a.activate(7)).isFalse();
        assertThat(a.currentHw()).isZero();
        assertThat(a.hwAsid(7)).isZero();
        assertThat(a.hwAsid(3)).isEqualTo(-1);
        assertThat(a.isFull()).isFalse();
    }

    @Test
    void manyAddressSpacesKeepTheTableBounded() {
        AsidAllocator a = new AsidAllocator(true, 4);
        for (int asid = 0; asid < 1000; asid++) {
            a.activate(asid * 7919);
        }
        // 16 ASIDs; asid 0 took hw 0 at creation, the 1000 activations (the first is asid 0
        // again) bring 999 new address spaces: 15 fit, then a rollover every 16: 1 + (999 - 15 - 1) / 16 = 62.
        assertThat(a.rollovers()).isEqualTo(62);
        a.verify();
    }

    @Test
    void negativeAsidsAreRefused() {
        assertThatThrownBy(() -> new AsidAllocator(true, 6).activate(-1)).hasMessage("asid: -1 (expected: 0 or more)");
    }
}
