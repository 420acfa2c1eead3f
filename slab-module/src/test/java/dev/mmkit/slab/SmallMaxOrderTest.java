package dev.mmkit.slab;

// Why: page-allocator.max-order accepts 1-24, but SLUB and SLAB built their 8k-128k kmalloc
// caches on the first cache created and threw IllegalArgumentException when the largest
// block is smaller (max-order 1-5), so a machine with a valid configuration could not start a
// process (found by the CLI fuzz session).

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.page.Gfp;
import dev.mmkit.api.slab.KmemCache;
import dev.mmkit.api.slab.SlabAllocator;
import dev.mmkit.api.slab.SlabAllocatorProvider;
import dev.mmkit.buddy.BuddyProvider;
import dev.mmkit.machine.StandaloneMachine;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SmallMaxOrderTest {
    @ParameterizedTest
    @CsvSource({"slub, 1", "slub, 5", "slab, 1", "slab, 3"})
    void aCacheCanBeCreatedWhenTheLargestBlockIsSmall(String flavour, int maxOrder) {
        SlabAllocatorProvider provider = Machines.provider(flavour);
        StandaloneMachine[] self = new StandaloneMachine[1];
        self[0] = StandaloneMachine.builder(StandaloneMachine.config(
                "mmkit.machine { memory.size = 16MiB, slab.impl = " + flavour + ", page-allocator.max-order = " + maxOrder + " }"))
            .pageAllocator(m -> new BuddyProvider().create(self[0].settingsAt("mmkit.machine.page-allocator"), m))
            .slab(m -> provider.create(self[0].settingsAt("mmkit.machine.slab"), m))
            .build();
        SlabAllocator slab = self[0].slab();
        KmemCache mm = slab.createCache("mm_struct", 1088, 0, 0, null);
        long objp = mm.alloc(Gfp.GFP_KERNEL);
        assertThat(objp).isPositive();
        mm.free(objp);
        assertThat(slab.kmalloc(100, Gfp.GFP_KERNEL)).isPositive();
    }
}
