package dev.mmkit.testkit;

// Why: the same configuration and workload give the same counters, bit for bit, because
// time is virtual and every random choice comes from the machine's one seeded generator.

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DeterminismIT {
    @BeforeAll
    static void complete() {
        TestPlugins.assumeComplete();
    }

    @Test
    void twoRunsOfTheDefaultWorkloadCountTheSame() {
        MmkitAssembly.RunOutcome first = MmkitAssembly.defaults().run();
        MmkitAssembly.RunOutcome second = MmkitAssembly.defaults().run();
        assertThat(first.vmstat().get("pgfault")).isPositive();
        assertThat(second.vmstat()).isEqualTo(first.vmstat());
        assertThat(second.counters()).isEqualTo(first.counters());
        assertThat(second.report()).isEqualTo(first.report());
    }

    @Test
    void theRandomPolicyReplaysTheSameVictimsFromTheSameSeed() {
        MmkitAssembly random = MmkitAssembly.config("mmkit.machine.replacement.impl = random")
            .plugin(TestPlugins.testPlugin());
        MmkitAssembly.RunOutcome first = random.copy().run();
        MmkitAssembly.RunOutcome second = random.copy().run();
        assertThat(second.vmstat()).isEqualTo(first.vmstat());
    }
}
