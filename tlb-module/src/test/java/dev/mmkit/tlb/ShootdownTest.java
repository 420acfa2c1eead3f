package dev.mmkit.tlb;

import static dev.mmkit.tlb.TestTlbs.pte;
import static dev.mmkit.tlb.TestTlbs.tlb;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.hw.Access;
import dev.mmkit.api.hw.Page;
import dev.mmkit.api.tlb.Tlb;
import java.util.List;
import org.junit.jupiter.api.Test;

// Checks invlpg and the shootdown that reaches every CPU's TLB when a PTE changes.
class ShootdownTest {
    @Test
    void shootdownReachesEveryCpuAndIsCounted() {
        AbstractTlb cpu0 = tlb("impl = set-associative");
        AbstractTlb cpu1 = tlb("impl = hierarchy");
        for (AbstractTlb tlb : List.of(cpu0, cpu1)) {
            tlb.switchTo(9);
            tlb.insert(0x5000, Access.READ, pte(5), Page.SHIFT);
            tlb.insert(0x6000, Access.READ, pte(6), Page.SHIFT);
        }
        assertThat(Tlb.shootdown(List.of(cpu0, cpu1), 0x5000, 9)).isEqualTo(2);
        for (AbstractTlb tlb : List.of(cpu0, cpu1)) {
            assertThat(tlb.lookup(0x5000, Access.READ)).isZero();
            assertThat(tlb.lookup(0x6000, Access.READ)).isNotZero();
            tlb.verify();
        }
        assertThat(cpu0.counters()).containsEntry("tlb.shootdowns", 1L);
        assertThat(cpu1.counters()).containsEntry("L1d.shootdowns", 1L).containsEntry("L2.shootdowns", 1L);
    }

    @Test
    void invlpgOfAnotherAddressSpaceLeavesTheCurrentOne() {
        AbstractTlb tlb = tlb("impl = fully-associative, entries = 8");
        tlb.switchTo(1);
        tlb.insert(0x5000, Access.READ, pte(5), Page.SHIFT);
        tlb.switchTo(2);
        tlb.insert(0x5000, Access.READ, pte(6), Page.SHIFT);
        tlb.invalidatePage(0x5000, 1);
        assertThat(tlb.lookup(0x5000, Access.READ)).isNotZero();
        tlb.switchTo(1);
        assertThat(tlb.lookup(0x5000, Access.READ)).isZero();
        assertThat(tlb.counters()).containsEntry("tlb.flushes", 0L);
    }
}
