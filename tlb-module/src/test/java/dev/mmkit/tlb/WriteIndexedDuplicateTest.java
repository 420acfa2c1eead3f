package dev.mmkit.tlb;

import static dev.mmkit.tlb.TestTlbs.pte;
import static dev.mmkit.tlb.TestTlbs.tlb;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mmkit.api.hw.Page;
import dev.mmkit.api.hw.Pte;
import dev.mmkit.api.tlb.SoftwareTlb;
import org.junit.jupiter.api.Test;

// tlbwi must refuse a write that leaves two entries matching the address, also when the entry at the index itself matches (found by TlbModelFuzzTest).
class WriteIndexedDuplicateTest {
    @Test
    void aLargePageWrittenOverAMatchingSmallOneMustNotDuplicateTheSameLargePage() {
        AbstractTlb tlb = tlb("impl = software, entries = 8");
        SoftwareTlb sw = (SoftwareTlb) tlb;
        sw.writeIndexed(1, 0x1000, pte(0x201), Page.SHIFT); // 4 KiB page 0x1000 at index 1
        sw.writeIndexed(0, 0x0, pte(0x200), Page.SHIFT_2M); // 2 MiB page 0 at index 0 (also covers 0x1000)
        tlb.verify();
        // index 1 holds an entry matching 0x1000, so probe(0x1000) == 1 and the write is let through,
        // although index 0 holds the very entry being written
        assertThatThrownBy(() -> sw.writeIndexed(1, 0x1000, pte(0x200), Page.SHIFT_2M))
            .as("a second entry for 2 MiB page 0").isInstanceOf(IllegalStateException.class);
        tlb.verify();
    }

    @Test
    void aGlobalEntryWrittenOverTheAsidsOwnMustNotDuplicateTheGlobalOne() {
        AbstractTlb tlb = tlb("impl = software, entries = 8");
        SoftwareTlb sw = (SoftwareTlb) tlb;
        sw.writeIndexed(1, 0x5000, pte(5), Page.SHIFT); // asid 0's entry at index 1
        tlb.switchTo(1);
        sw.writeIndexed(0, 0x5000, Pte.make(5, Pte.P | Pte.G), Page.SHIFT); // a global one at index 0
        tlb.switchTo(0);
        tlb.verify();
        assertThatThrownBy(() -> sw.writeIndexed(1, 0x5000, Pte.make(5, Pte.P | Pte.G), Page.SHIFT))
            .as("a second global entry for page 5").isInstanceOf(IllegalStateException.class);
        tlb.verify();
    }
}
