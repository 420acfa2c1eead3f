package dev.mmkit.testkit;

// Why: each replacement policy checks its own block of settings before anything runs, and a
// bad value is reported as file: line: path: problem, all at once, only for the policy chosen.

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.mmkit.api.machine.ConfigurationException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ReplacementSettingsIT {
    @BeforeAll
    static void complete() {
        TestPlugins.assumeComplete();
    }

    private static ConfigurationException refused(String hocon) {
        return catchThrowableOfType(ConfigurationException.class, () -> MmkitAssembly.config(hocon).boot());
    }

    @Test
    void nthChanceN() {
        assertThat(refused("mmkit.machine.replacement { impl = nth-chance, nth-chance.n = 0 }").problems()).containsExactly(
            "configuration text 1: 1: mmkit.machine.replacement.nth-chance.n: 0 (expected: 1-100 sweeps)");
    }

    @Test
    void vmsSecondChanceSize() {
        assertThat(refused("mmkit.machine.replacement {\n  impl = vms\n  vms.second-chance = \"150%\"\n}").problems())
            .containsExactly("configuration text 1: 3: mmkit.machine.replacement.vms.second-chance: "
                + "150% (expected: a number of pages, 0 or more, or a percentage 0%-100%)");
    }

    @Test
    void twoListSwappinessAndFreeListTargetAreCheckedOnlyForThePolicyChosen() {
        String bad = "mmkit.machine.replacement.two-list.swappiness = 300\n"
            + "mmkit.machine.replacement.freelist-clock.target = 0\n";
        assertThat(refused(bad + "mmkit.machine.replacement.impl = two-list").problems()).containsExactly(
            "configuration text 1: 1: mmkit.machine.replacement.two-list.swappiness: 300 (expected: 0-200)");
        assertThat(refused(bad + "mmkit.machine.replacement.impl = freelist-clock").problems()).containsExactly(
            "configuration text 1: 2: mmkit.machine.replacement.freelist-clock.target: 0 (expected: 1-1048576 pages)");
    }
}
