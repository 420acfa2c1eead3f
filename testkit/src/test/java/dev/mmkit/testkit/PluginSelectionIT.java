package dev.mmkit.testkit;

// Why: a plugin bundle built outside the assembly (never on its class path) is installed
// from a plugins directory, selected by name through configuration, and runs the machine.

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.assembly.Implementation;
import dev.mmkit.assembly.Slot;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PluginSelectionIT {
    @BeforeAll
    static void complete() {
        TestPlugins.assumeComplete();
    }

    @Test
    void theTestPluginIsNotOnTheClassPath() {
        assertThat(getClass().getClassLoader().getResource("dev/mmkit/testplugin/RandomPolicyProvider.class")).isNull();
    }

    @Test
    void randomPolicyFromThePluginsDirectoryRunsTheMachine() {
        MmkitAssembly.RunOutcome run = MmkitAssembly.config("mmkit.machine.replacement.impl = random")
            .pluginsDir(TestPlugins.DIR)
            .run();
        Implementation replacement = run.implementations().get(Slot.REPLACEMENT);
        assertThat(replacement.name()).isEqualTo("random");
        assertThat(replacement.bundle()).isEqualTo("dev.mmkit.testplugin");
        assertThat(replacement.location()).endsWith("test-plugin.jar");
        assertThat(run.references()).isPositive();
        assertThat(run.vmstat().get("pgfault")).isPositive();
        assertThat(run.report()).contains("pgfault");
    }

    @Test
    void thePluginsDefaultsAreMergedFromTheBundle() {
        // broken-on-create.message is declared only in the plugin bundle's reference.conf.
        assertThat(MmkitAssembly.config("mmkit.machine.replacement.broken-on-create.message = boom")
            .plugin(TestPlugins.testPlugin()).problems()).isEmpty();
        assertThat(MmkitAssembly.config("mmkit.machine.replacement.broken-on-create.message = boom").problems())
            .anySatisfy(p -> assertThat(p).contains("mmkit.machine.replacement.broken-on-create: unknown key"));
    }

    @Test
    void everyDefaultSlotIsFilledByTheProjectsBundles() {
        MmkitAssembly.RunOutcome run = MmkitAssembly.defaults().run();
        Map<Slot, Implementation> chosen = run.implementations();
        assertThat(chosen.get(Slot.PAGE_ALLOCATOR).name()).isEqualTo("buddy");
        assertThat(chosen.get(Slot.SLAB).name()).isEqualTo("slub");
        assertThat(chosen.get(Slot.PAGING).name()).isEqualTo("linux");
        // the page cache and its writeback daemon are defaults too (pagecache-module)
        assertThat(chosen.get(Slot.PAGE_CACHE).name()).isEqualTo("radix");
        assertThat(chosen.get(Slot.RECLAIM_WRITEBACK).name()).isEqualTo("flusher");
        assertThat(chosen.values()).allSatisfy(i -> assertThat(i.location()).startsWith("embedded "));
    }
}
