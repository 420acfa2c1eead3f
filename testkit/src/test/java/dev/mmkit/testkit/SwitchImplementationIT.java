package dev.mmkit.testkit;

// Why: changing one implementation name in the configuration changes the machine, with no
// rebuild: the same bundles, another provider, another report.

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SwitchImplementationIT {
    private static final String SMALL = "mmkit.machine.memory.size = 16MiB\n"
        + "mmkit.machine.zones = [ { name = DMA, size = 4MiB }, { name = Normal } ]\n";

    @BeforeAll
    static void complete() {
        TestPlugins.assumeComplete();
    }

    @Test
    void pageAllocatorBuddyVersusFirstFit() {
        MmkitAssembly base = MmkitAssembly.config(SMALL);
        MmkitAssembly.RunOutcome buddy = base.copy().set("mmkit.machine.page-allocator.impl", "buddy").run();
        MmkitAssembly.RunOutcome firstFit = base.copy().set("mmkit.machine.page-allocator.impl", "first-fit").run();
        assertThat(buddy.implementations().get(dev.mmkit.assembly.Slot.PAGE_ALLOCATOR).name()).isEqualTo("buddy");
        assertThat(firstFit.implementations().get(dev.mmkit.assembly.Slot.PAGE_ALLOCATOR).name()).isEqualTo("first-fit");
        assertThat(firstFit.report()).isNotEqualTo(buddy.report());
    }

    @Test
    void slabSlubVersusSlab() {
        MmkitAssembly base = MmkitAssembly.config(SMALL);
        try (var slub = base.copy().set("mmkit.machine.slab.impl", "slub").boot();
             var slab = base.copy().set("mmkit.machine.slab.impl", "slab").boot()) {
            assertThat(slub.machine().slab().getClass().getName())
                .isNotEqualTo(slab.machine().slab().getClass().getName());
            slub.run();
            slab.run();
            assertThat(slab.report("text")).isNotEqualTo(slub.report("text"));
        }
    }

    @Test
    void replacementFifoVersusThePluginsRandom() {
        MmkitAssembly base = MmkitAssembly.config(SMALL).plugin(TestPlugins.testPlugin());
        MmkitAssembly.RunOutcome fifo = base.copy().set("mmkit.machine.replacement.impl", "fifo").run();
        MmkitAssembly.RunOutcome random = base.copy().set("mmkit.machine.replacement.impl", "random").run();
        assertThat(random.references()).isEqualTo(fifo.references());
        assertThat(random.vmstat()).isNotEqualTo(fifo.vmstat());
    }
}
