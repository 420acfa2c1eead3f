package dev.mmkit.slab;


import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.page.Gfp;
import dev.mmkit.api.slab.KmemCache;
import dev.mmkit.api.slab.SlabAllocator;
import dev.mmkit.machine.StandaloneMachine;
import org.junit.jupiter.api.Test;

// A merged alias that asks for more bytes than its target's object_size must get them zeroed by __GFP_ZERO (found by fuzzing).
class MergedAliasObjectSizeTest {
    @Test
    void anAliasRaisesTheObjectSizeAndZallocClearsAllOfIt() {
        StandaloneMachine machine = Machines.machine("slub", "slab.merge = true");
        SlabAllocator slab = machine.slab();
        slab.createCache("a", 578, 64, 0, null);
        KmemCache b = slab.createCache("b", 580, 64, 0, null);
        // __kmem_cache_alias: object_size = max(578, 580)
        assertThat(b.objectSize()).isEqualTo(580);
        long objp = b.alloc(Gfp.GFP_KERNEL);
        machine.memory().fill(objp, 580, (byte) 0xff);
        b.free(objp);
        long again = b.alloc(Gfp.GFP_KERNEL | Gfp.__GFP_ZERO);
        assertThat(again).isEqualTo(objp);
        for (int i = 0; i < 580; i++) {
            assertThat(machine.memory().readByte(again + i)).as("byte %d", i).isZero();
        }
    }
}
