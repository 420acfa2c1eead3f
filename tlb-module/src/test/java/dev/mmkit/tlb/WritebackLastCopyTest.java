package dev.mmkit.tlb;

import static dev.mmkit.tlb.TestTlbs.tlb;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.hw.Access;
import dev.mmkit.api.hw.Page;
import dev.mmkit.api.hw.Pte;
import dev.mmkit.api.tlb.TlbListener;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

// AbstractTlb: "in a hierarchy ... only the last copy to leave is reported"; TlbListener.evicted: "an entry left the TLB".
class WritebackLastCopyTest {
    private static final String BLOCK = "impl = hierarchy, writeback-bits = true, levels = ["
        + "{ name = slice, split = data, organisation = direct-mapped, entries = 4, next-level = L1d },"
        + "{ name = L1d, split = data, organisation = fully-associative, entries = 2, replacement = fifo, next-level = L2 },"
        + "{ name = L2, split = unified, organisation = set-associative, entries = 64, ways = 4, next-level = \"\" },"
        + "{ name = L1i, split = instruction, organisation = fully-associative, entries = 2, next-level = L2 } ]";

    @Test
    void anEntryLeavingTheSliceIsNotReportedWhileL2StillHoldsIt() {
        List<Long> reported = new ArrayList<>();
        TlbListener listener = (vaddr, asid, pte) -> reported.add(vaddr);
        AbstractTlb tlb = tlb(BLOCK, listener);
        long clean = Pte.P | Pte.RW | Pte.US;
        for (long vpn = 0; vpn < 3; vpn++) { // page 0 then 1 and 2: L1d (2 entries) drops page 0, the slice keeps it
            tlb.insert(Page.address(vpn), Access.READ, Pte.make(0x100 + vpn, clean), Page.SHIFT);
        }
        assertThat(tlb.lookup(0, Access.WRITE)).as("hits the slice, D set there").isNotZero();
        assertThat(reported).as("L1d's copy of page 0 went down to L2's").isEmpty();
        tlb.insert(Page.address(4), Access.READ, Pte.make(0x104, clean), Page.SHIFT); // slice index 0: page 0 leaves the slice
        assertThat(TestTlbs.cached(tlb, 0)).as("L2 still holds page 0").isTrue();
        assertThat(reported).as("page 0 has not left the TLB").isEmpty();
    }

    @Test
    void anEntryLeavingL2IsNotReportedWhileAnUpperLevelStillHoldsIt() {
        List<Long> reported = new ArrayList<>();
        TlbListener listener = (vaddr, asid, pte) -> reported.add(vaddr);
        AbstractTlb tlb = tlb(BLOCK, listener);
        long clean = Pte.P | Pte.RW | Pte.US;
        tlb.insert(0, Access.READ, Pte.make(0x100, clean), Page.SHIFT); // page 0 in slice, L1d and L2 (L2 set 0)
        for (long vpn = 16; vpn <= 64; vpn += 16) { // four more pages of L2's set 0, by the instruction path
            tlb.insert(Page.address(vpn), Access.EXECUTE, Pte.make(0x100 + vpn, clean), Page.SHIFT);
        }
        assertThat(TestTlbs.cached(tlb, 0)).as("the slice and L1d still hold page 0").isTrue();
        assertThat(reported).as("page 0 has not left the TLB").doesNotContain(0L);
    }
}
