package dev.mmkit.tlb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.mmkit.api.hw.Access;
import dev.mmkit.api.tlb.EffectiveAccessTime;
import org.junit.jupiter.api.Test;

// Checks the lecture's effective access time against the textbook's worked examples.
class EffectiveAccessTimeTest {
    @Test
    void silberschatzEightyPercentHits() {
        // Silberschatz, Galvin, Gagne, Operating System Concepts, 8th ed., §8.4.2:
        // 20 ns TLB, 100 ns memory, 80 % hits: 0.80 × 120 + 0.20 × 220 = 140 ns.
        assertThat(EffectiveAccessTime.nanos(0.80, 20, 100, 1)).isCloseTo(140.0, within(1e-9));
        // Same section, 98 % hits: 0.98 × 120 + 0.02 × 220 = 122 ns.
        assertThat(EffectiveAccessTime.nanos(0.98, 20, 100, 1)).isCloseTo(122.0, within(1e-9));
    }

    @Test
    void fourLevelWalks() {
        // x86-64: a miss reads four page-table levels: 0.80 × 120 + 0.20 × (20 + 4 × 100 + 100) = 96 + 104 = 200 ns.
        assertThat(EffectiveAccessTime.nanos(0.80, 20, 100, 4)).isCloseTo(200.0, within(1e-9));
    }

    @Test
    void demandPagingFaults() {
        // Silberschatz 8th ed. §9.2.2: 200 ns access, 8 ms fault service, one fault in 1000:
        // 0.999 × 200 + 0.001 × 8,000,000 = 8199.8 ns ("8.2 microseconds").
        assertThat(EffectiveAccessTime.withFaults(200, 0.001, 8_000_000)).isCloseTo(8199.8, within(1e-6));
    }

    @Test
    void fromATlbAndTheMachineCostModel() {
        // 4 hits and 1 miss (hit ratio 0.8) with the default costs, tlb-hit 1 ns and memory 100 ns,
        // and a 4-level walk: 0.8 × 101 + 0.2 × (1 + 400 + 100) = 80.8 + 100.2 = 181 ns.
        var machine = TestTlbs.machine("impl = set-associative");
        AbstractTlb tlb = TestTlbs.tlb("impl = set-associative");
        TestTlbs.run(tlb, 1, 1, 1, 1, 1);
        assertThat(tlb.hits()).isEqualTo(4);
        assertThat(EffectiveAccessTime.nanos(tlb, machine.cost(), 4)).isCloseTo(181.0, within(1e-9));
        assertThat(EffectiveAccessTime.nanos(TestTlbs.tlb(""), machine.cost(), 4)).isNaN();
        assertThat(Access.READ).isEqualTo(1);
    }

    @Test
    void rejectsRatiosOutsideZeroToOne() {
        assertThatThrownBy(() -> EffectiveAccessTime.nanos(1.5, 20, 100, 1)).hasMessage("hitRatio: 1.5 (expected: 0-1)");
        assertThatThrownBy(() -> EffectiveAccessTime.nanos(0.5, 20, 100, 0)).hasMessage("walkLevels: 0 (expected: 1 or more)");
    }
}
