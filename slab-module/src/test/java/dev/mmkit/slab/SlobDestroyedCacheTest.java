package dev.mmkit.slab;


import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mmkit.api.page.Gfp;
import dev.mmkit.api.slab.KmemCache;
import dev.mmkit.api.slab.SlabAllocator;
import dev.mmkit.api.slab.SlabError;
import org.junit.jupiter.api.Test;

// A destroyed SLOB cache must refuse frees, not free what another cache now holds at that address (found by fuzzing).
class SlobDestroyedCacheTest {
    @Test
    void aDestroyedCacheRefusesToFreeWhatAnotherCacheNowHolds() {
        SlabAllocator slab = Machines.machine("slob").slab();
        KmemCache c = slab.createCache("c", 100, 0, 0, null);
        KmemCache d = slab.createCache("d", 100, 0, 0, null);
        long keep = d.alloc(Gfp.GFP_KERNEL);
        long p = c.alloc(Gfp.GFP_KERNEL);
        c.free(p);
        slab.destroyCache(c);
        long q = d.alloc(Gfp.GFP_KERNEL);
        assertThat(q).isEqualTo(p);
        assertThatThrownBy(() -> c.free(q))
            .isInstanceOf(SlabError.class)
            .hasMessage("BUG c: Slab cache already destroyed (object 0x" + Long.toHexString(q) + ")");
        // d still owns q: the next allocation is another object
        assertThat(d.alloc(Gfp.GFP_KERNEL)).isNotEqualTo(q);
        assertThat(d.activeObjects()).isEqualTo(3);
        slab.verify();
        assertThat(keep).isNotEqualTo(q);
    }
}
