package dev.mmkit.testkit;

// Why: Belady's OPT needs each page's next use; on a workload that cannot give it the
// assembly refuses to start, naming the policy, the workload and what to do, instead of
// producing numbers that mean nothing.

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.mmkit.api.machine.ConfigurationException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ReplacementOptRefusedIT {
    @BeforeAll
    static void complete() {
        TestPlugins.assumeComplete();
    }

    @Test
    void optOnASyntheticWorkloadIsRefusedWithTheReason() {
        ConfigurationException e = catchThrowableOfType(ConfigurationException.class,
            () -> MmkitAssembly.config("mmkit.machine.replacement.impl = opt\nmmkit.workload.impl = zipf").boot());
        assertThat(e.problems()).singleElement().satisfies(p -> assertThat(p)
            .startsWith("configuration text 1: 1: mmkit.machine.replacement.impl: replacement [opt] of bundle dev.mmkit.replacement")
            .contains("needs each page's next use (FUTURE), which workload [zipf] of bundle dev.mmkit.workload")
            .endsWith("does not provide; replay a trace that carries it"
                + " (mmkit.workload.impl = trace, mmkit.workload.trace.format = oracle-general)"));
    }

    @Test
    void lruNeedsEveryReferenceWhichAnyWorkloadGives() {
        assertThat(MmkitAssembly.config("mmkit.machine.replacement.impl = lru\nmmkit.workload.impl = zipf\n"
            + "mmkit.workload.zipf { pages = 64, references = 1000 }").problems()).isEmpty();
    }
}
