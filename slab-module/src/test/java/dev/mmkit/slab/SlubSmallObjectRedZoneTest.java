package dev.mmkit.slab;


import dev.mmkit.api.page.Gfp;
import dev.mmkit.api.slab.KmemCache;
import dev.mmkit.api.slab.SlabAllocator;
import dev.mmkit.api.slab.SlabFlags;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

// With a red zone, an object smaller than the free pointer must not have its red zone overwritten by the freelist (found by fuzzing).
class SlubSmallObjectRedZoneTest {
    @ParameterizedTest
    @ValueSource(ints = {1, 4, 7})
    void freeObjectsKeepTheirRedZone(int size) {
        SlabAllocator slab = Machines.machine("slub", "slab.merge = false").slab();
        KmemCache tiny = slab.createCache("tiny", size, 0, SlabFlags.SLAB_RED_ZONE, null);
        long a = tiny.alloc(Gfp.GFP_KERNEL);
        long b = tiny.alloc(Gfp.GFP_KERNEL);
        tiny.free(a);
        slab.verify();
        tiny.free(b);
        slab.verify();
    }
}
