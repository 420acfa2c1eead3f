package dev.mmkit.slab;


import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mmkit.api.page.Gfp;
import dev.mmkit.api.slab.SlabAllocator;
import dev.mmkit.api.slab.SlabError;
import org.junit.jupiter.api.Test;

// SLOB's kfree refusals must name the object kfree was given, not its size header (found by fuzzing).
class SlobKfreeErrorTest {
    @Test
    void aKfreeDoubleFreeNamesThePointerKfreeWasGiven() {
        SlabAllocator slab = Machines.machine("slob", "slab.debug = F").slab();
        long p = slab.kmalloc(100, Gfp.GFP_KERNEL);
        long keep = slab.kmalloc(100, Gfp.GFP_KERNEL);
        slab.kfree(p);
        assertThatThrownBy(() -> slab.kfree(p))
            .isInstanceOf(SlabError.class)
            .hasMessage("BUG kfree: Object already free (object 0x" + Long.toHexString(p) + ")")
            .satisfies(e -> assertThat(((SlabError) e).object()).isEqualTo(p));
        slab.verify();
        slab.kfree(keep);
        slab.verify();
    }
}
