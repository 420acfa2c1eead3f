package dev.mmkit.tlb;

import static dev.mmkit.tlb.TestTlbs.pte;
import static dev.mmkit.tlb.TestTlbs.tlb;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mmkit.api.hw.Access;
import dev.mmkit.api.hw.Page;
import org.junit.jupiter.api.Test;

// Checks that verify() notices a corrupted level, so the tests that call it can fail.
class VerifyTest {
    @Test
    void anEntryInTheWrongSet() {
        AbstractTlb tlb = tlb("impl = set-associative, entries = 8, ways = 2");
        tlb.insert(Page.address(1), Access.READ, pte(1), Page.SHIFT);
        TlbLevel level = tlb.levels[0];
        int slot = level.probe(Page.address(1), tlb.currentHw);
        level.tag[0] = level.tag[slot];
        level.pte[0] = level.pte[slot];
        level.tag[slot] = 0;
        level.pte[slot] = 0;
        assertThatThrownBy(tlb::verify).hasMessage("tlb: slot 0: vaddr=0x1000 4K asid=0 in set 0 (expected: set 1)");
    }

    @Test
    void aMiscountedSize() {
        AbstractTlb tlb = tlb("impl = fully-associative, entries = 4");
        tlb.insert(0x1000, Access.READ, pte(1), Page.SHIFT);
        tlb.levels[0].nrBySize[0] = 2;
        assertThatThrownBy(tlb::verify).hasMessage("tlb: size class 0: 2 counted (expected: 1)");
    }

    @Test
    void aDuplicate() {
        AbstractTlb tlb = tlb("impl = fully-associative, entries = 4");
        tlb.insert(0x1000, Access.READ, pte(1), Page.SHIFT);
        TlbLevel level = tlb.levels[0];
        level.tag[3] = level.tag[0];
        level.pte[3] = level.pte[0];
        level.nrBySize[0]++;
        assertThatThrownBy(tlb::verify).hasMessage("tlb: vaddr=0x1000 4K asid=0: cached twice, slots 0 and 3");
    }
}
