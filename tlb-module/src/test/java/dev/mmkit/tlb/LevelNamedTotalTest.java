package dev.mmkit.tlb;

import static dev.mmkit.tlb.TestTlbs.PROVIDERS;
import static dev.mmkit.tlb.TestTlbs.machine;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.machine.StandaloneMachine;
import org.junit.jupiter.api.Test;

// A hierarchy level may not be named "total": counters() names the hierarchy's own totals total.hits and total.misses, which would overwrite that level's.
class LevelNamedTotalTest {
    private static final String BLOCK = "impl = hierarchy, levels = ["
        + "{ name = L1, split = unified, organisation = set-associative, entries = 4, ways = 4, next-level = total },"
        + "{ name = total, split = unified, organisation = set-associative, entries = 64, ways = 4, next-level = \"\" } ]";

    @Test
    void aLevelNamedTotalIsRefused() {
        StandaloneMachine machine = machine(BLOCK);
        var settings = machine.settingsAt("mmkit.machine.tlb");
        PROVIDERS.get("hierarchy").validate(settings);
        assertThat(machine.problems().list()).singleElement().asString().contains("name: [total] (expected: another name");
    }
}
