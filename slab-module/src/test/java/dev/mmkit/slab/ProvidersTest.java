package dev.mmkit.slab;

// Exists to check that each provider validates the slab block and creates its flavour from configuration.

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.page.Gfp;
import dev.mmkit.api.slab.SlabAllocator;
import dev.mmkit.machine.StandaloneMachine;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ProvidersTest {
    @ParameterizedTest
    @CsvSource({"slab, BonwickSlabAllocator", "slub, SlubAllocator", "slob, SlobAllocator"})
    void eachProviderCreatesItsFlavour(String flavour, String type) {
        StandaloneMachine machine = Machines.machine(flavour);
        SlabAllocator slab = machine.slab();
        assertThat(slab.getClass().getSimpleName()).isEqualTo(type);
        assertThat(((AbstractSlabAllocator) slab).flavour()).isEqualTo(flavour);
        assertThat(Machines.provider(flavour).description()).isNotBlank();
        slab.kfree(slab.kmalloc(10, Gfp.GFP_KERNEL));
        slab.verify();
    }

    @ParameterizedTest
    @ValueSource(strings = {"slab", "slub", "slob"})
    void defaultsValidate(String flavour) {
        StandaloneMachine machine = Machines.machine(flavour);
        Machines.provider(flavour).validate(machine.settingsAt("mmkit.machine.slab"));
        assertThat(machine.problems().list()).isEmpty();
        // reference.conf: slub, merging on, no debugging
        assertThat(machine.settingsAt("mmkit.machine.slab").getBoolean("merge")).isTrue();
        assertThat(machine.settingsAt("mmkit.machine.slab").getString("debug")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"slab", "slub", "slob"})
    void everyProblemIsReported(String flavour) {
        StandaloneMachine machine = Machines.machine(flavour, "slab { debug = \"FQZ!\", debug-caches = [\" \"] }");
        Machines.provider(flavour).validate(machine.settingsAt("mmkit.machine.slab"));
        assertThat(String.join("\n", machine.problems().list()))
            .contains("Unknown slab_debug option [Q], known options [F, Z, P, U]")
            .contains("Unknown slab_debug option [!], known options [F, Z, P, U]")
            .contains("debug-caches")
            .contains("a cache name must not be blank");
    }
}
