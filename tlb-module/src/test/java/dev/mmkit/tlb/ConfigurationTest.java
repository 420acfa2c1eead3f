package dev.mmkit.tlb;

import static dev.mmkit.tlb.TestTlbs.PROVIDERS;
import static dev.mmkit.tlb.TestTlbs.machine;
import static dev.mmkit.tlb.TestTlbs.tlb;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mmkit.api.tlb.SoftwareTlb;
import dev.mmkit.machine.StandaloneMachine;
import java.util.List;
import org.junit.jupiter.api.Test;

// Checks that reference.conf builds every implementation and that bad settings are reported, all at once, in house style.
class ConfigurationTest {
    private static List<String> problems(String block) {
        StandaloneMachine machine = machine(block);
        var settings = machine.settingsAt("mmkit.machine.tlb");
        PROVIDERS.get(settings.getString("impl")).validate(settings);
        return machine.problems().list();
    }

    @Test
    void defaultsAreA64EntryFourWaySetAssociativeTlbWithPcids() {
        AbstractTlb tlb = tlb("");
        assertThat(tlb).isInstanceOf(HardwareWalkedTlb.class);
        TlbLevel level = tlb.levels[0];
        assertThat(level.organisation()).isEqualTo("set-associative");
        assertThat(level.sets).isEqualTo(16);
        assertThat(level.ways).isEqualTo(4);
        assertThat(level.replacement()).isEqualTo("lru");
        assertThat(tlb.asids.enabled).isTrue();
        assertThat(tlb.asids.nrAsids).isEqualTo(4096);
        assertThat(tlb.writebackBits).isFalse();
    }

    @Test
    void everyProviderBuildsFromTheDefaults() {
        for (String impl : PROVIDERS.keySet()) {
            assertThat(problems("impl = " + impl)).as(impl).isEmpty();
            AbstractTlb tlb = tlb("impl = " + impl);
            assertThat(tlb instanceof SoftwareTlb).as(impl).isEqualTo(impl.equals("software"));
            assertThat(PROVIDERS.get(impl).description()).isNotEmpty();
            tlb.verify();
        }
        assertThat(tlb("impl = fully-associative").levels[0].ways).isEqualTo(64);
        assertThat(tlb("impl = direct-mapped").levels[0].sets).isEqualTo(64);
    }

    @Test
    void unknownReplacementNamesTheKnownOptions() {
        assertThat(problems("replacement = mru")).singleElement().asString()
            .endsWith("mmkit.machine.tlb.replacement: Unknown replacement [mru], known options [lru, fifo, random, plru]");
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        assertThat(problems("impl = set-associative, entries = 48, asid-bits = 20, refill = magic"))
            .hasSize(3)
            .anySatisfy(p -> assertThat(p).endsWith("mmkit.machine.tlb.entries: 48 (expected: a power of two)"))
            .anySatisfy(p -> assertThat(p).endsWith("mmkit.machine.tlb.asid-bits: 20 (expected: 1-15)"))
            .anySatisfy(p -> assertThat(p).endsWith("mmkit.machine.tlb.refill: Unknown refill [magic], known options [hardware, software]"));
    }

    @Test
    void waysMustDivideEntries() {
        assertThat(problems("entries = 64, ways = 3")).singleElement().asString()
            .endsWith("mmkit.machine.tlb.ways: 3 (expected: a divisor of entries 64)");
        assertThat(problems("entries = 64, ways = 128")).singleElement().asString()
            .endsWith("ways: 128 (expected: a divisor of entries 64)");
    }

    @Test
    void fullyAssociativeTakesAnyCountExceptWithPlru() {
        assertThat(problems("impl = fully-associative, entries = 48")).isEmpty();
        assertThat(problems("impl = fully-associative, entries = 48, replacement = plru")).singleElement().asString()
            .endsWith("entries: 48 (expected: a power of two for plru)");
    }

    @Test
    void createRefusesABadBlock() {
        assertThatThrownBy(() -> tlb("entries = 0"))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("mmkit.machine.tlb.entries: 0 (expected: 1 or more)");
    }

    @Test
    void hierarchyProblems() {
        assertThat(problems("impl = hierarchy, levels = [{ name = L1, entries = 4, ways = 2, next-level = L3 }]"))
            .singleElement().asString()
            .endsWith("mmkit.machine.tlb.levels[0].next-level: Unknown level [L3], known levels [L1]");
        assertThat(problems("impl = hierarchy, levels = [{ name = A, entries = 4, ways = 2, next-level = B },"
            + " { name = B, entries = 4, ways = 2, next-level = A }]"))
            .anySatisfy(p -> assertThat(p).contains("no level take instruction fetches first"));
        assertThat(problems("impl = hierarchy, levels = [{ name = A, split = data, entries = 4, ways = 2, next-level = B },"
            + " { name = B, split = instruction, entries = 4, ways = 2 }]"))
            .anySatisfy(p -> assertThat(p).endsWith("levels[1].split: instruction, but data references reach it through A -> B"));
        assertThat(problems("impl = hierarchy, refill = software"))
            .singleElement().asString().contains("mmkit.machine.tlb.refill: software (expected: hardware");
        assertThat(problems("impl = hierarchy, levels = [{ name = A, entries = 4, ways = 2, split = both }]"))
            .singleElement().asString().endsWith("levels[0].split: Unknown split [both], known options [instruction, data, unified]");
        assertThat(problems("impl = software, organisation = cam"))
            .singleElement().asString().endsWith("organisation: Unknown organisation [cam], known options [fully-associative, set-associative, direct-mapped]");
    }

    @Test
    void hierarchyCycleIsNamed() {
        assertThat(problems("impl = hierarchy, levels = [{ name = A, entries = 4, ways = 2, next-level = B },"
            + " { name = B, entries = 4, ways = 2, next-level = C }, { name = C, entries = 4, ways = 2, next-level = B }]"))
            .anySatisfy(p -> assertThat(p).endsWith("next-level: A -> B -> C -> B: next-level forms a cycle"));
    }
}
