package dev.mmkit.slab;

// Exists to check SLAB's own behaviour: per-CPU array caches (LIFO, refill, flush) and partial slabs served first.

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.hw.Page;
import dev.mmkit.api.page.Gfp;
import dev.mmkit.api.slab.SlabAllocator;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BonwickSlabTest {
    @Test
    void arrayCacheIsLifoAndRefilledByBatch() {
        SlabAllocator slab = Machines.machine("slab").slab();
        BonwickSlabAllocator.Cache cache = (BonwickSlabAllocator.Cache) slab.createCache("a", 64, 0, 0, null);
        long first = cache.alloc(Gfp.GFP_KERNEL);
        // the refill wanted batchcount = 60 objects but the one new slab holds 59: it moved
        // those (growing only when it got none) and handed out one
        assertThat(cache.avail[0]).isEqualTo(58);
        long second = cache.alloc(Gfp.GFP_KERNEL);
        cache.free(second);
        // the most recently freed (cache-hot) object comes back first
        assertThat(cache.alloc(Gfp.GFP_KERNEL)).isEqualTo(second);
        cache.free(first);
        slab.verify();
    }

    @Test
    void aFullArrayFlushesItsOldestBatch() {
        SlabAllocator slab = Machines.machine("slab").slab();
        BonwickSlabAllocator.Cache cache = (BonwickSlabAllocator.Cache) slab.createCache("f", 64, 0, 0, null);
        List<Long> objects = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            objects.add(cache.alloc(Gfp.GFP_KERNEL));
        }
        int before = cache.avail[0];
        for (int i = 0; i < 120 - before; i++) {
            cache.free(objects.get(i));
        }
        assertThat(cache.avail[0]).isEqualTo(cache.limit);
        cache.free(objects.get(200));
        // limit 120: the oldest 60 went back to their slabs, then the free was pushed
        assertThat(cache.avail[0]).isEqualTo(61);
        slab.verify();
    }

    @Test
    void partialSlabsAreFilledBeforeFreeOnes() {
        SlabAllocator slab = Machines.machine("slab").slab();
        // 1000-byte objects: 4 per page, descriptor on the slab (it fits the 96 bytes left over)
        BonwickSlabAllocator.Cache cache = (BonwickSlabAllocator.Cache) slab.createCache("p", 1000, 0, 0, null);
        assertThat(cache.num).isEqualTo(4);
        assertThat(cache.offSlab).isFalse();
        List<Long> objects = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            objects.add(cache.alloc(Gfp.GFP_KERNEL));
        }
        cache.shrink();
        assertThat(cache.totalSlabs()).isEqualTo(3);
        long slabA = objects.get(0) >>> Page.SHIFT;
        long slabB = objects.get(5) >>> Page.SHIFT;
        // empty slab B entirely, and take one object out of slab A
        for (long objp : objects) {
            if (objp >>> Page.SHIFT == slabB) {
                cache.free(objp);
            }
        }
        cache.free(objects.get(0));
        assertThat(cache.shrink()).isEqualTo(1);
        assertThat(cache.listCount[BonwickSlabAllocator.PARTIAL]).isEqualTo(1);
        slab.verify();
        // the next allocation refills from the partial slab A, not from a new slab
        assertThat(cache.alloc(Gfp.GFP_KERNEL) >>> Page.SHIFT).isEqualTo(slabA);
        assertThat(cache.totalSlabs()).isEqualTo(2);
        slab.verify();
    }

    @Test
    void smpMachinesShareFlushedObjectsBetweenCpus() {
        dev.mmkit.machine.StandaloneMachine machine = Machines.machine("slab", "cpus = 2");
        SlabAllocator slab = machine.slab();
        BonwickSlabAllocator.Cache cache = (BonwickSlabAllocator.Cache) slab.createCache("s", 64, 0, 0, null);
        // limit 120, batchcount 60, sharedfactor 8: a shared array of 480
        assertThat(cache.tunables()).containsExactly(120, 60, 8);
        List<Long> objects = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            objects.add(cache.alloc(Gfp.GFP_KERNEL));
        }
        for (int i = 0; i < 121; i++) {
            cache.free(objects.get(i));
        }
        // cpu 0's array filled at 120; the 121st free flushed its oldest 60 into the shared array
        assertThat(cache.sharedAvail()).isEqualTo(60);
        assertThat(dev.mmkit.api.slab.SlabInfo.row(cache)).endsWith(": tunables  120   60    8 : slabdata      4      4     60");
        slab.verify();
        // cpu 1 starts empty and refills from the shared array, not from the slabs
        machine.setCurrentCpu(1);
        long objp = cache.alloc(Gfp.GFP_KERNEL);
        assertThat(objects.subList(0, 60)).contains(objp);
        assertThat(cache.sharedAvail()).isZero();
        slab.verify();
        cache.free(objp);
        cache.free(objects.get(150));
        slab.shrink();
        assertThat(cache.sharedAvail()).isZero();
        slab.verify();
    }

    @Test
    void freeSlabsBeyondTheFreeLimitAreDestroyedAtOnce() {
        SlabAllocator slab = Machines.machine("slab").slab();
        BonwickSlabAllocator.Cache cache = (BonwickSlabAllocator.Cache) slab.createCache("l", 64, 0, 0, null);
        // free_limit = (1 + cpus) * batchcount + num = 2 * 60 + 59
        assertThat(cache.freeLimit).isEqualTo(179);
        List<Long> objects = new ArrayList<>();
        for (int i = 0; i < 59 * 10; i++) {
            objects.add(cache.alloc(Gfp.GFP_KERNEL));
        }
        assertThat(cache.totalSlabs()).isEqualTo(10);
        for (long objp : objects) {
            cache.free(objp);
        }
        // 120 objects stay in the array; of the 470 flushed, free objects in slabs never pass
        // free_limit by a whole slab: the rest of the slabs went back at once
        assertThat(cache.freeObjects).isLessThanOrEqualTo(cache.freeLimit + cache.num);
        assertThat(cache.totalSlabs()).isLessThan(10);
        slab.verify();
        cache.shrink();
        assertThat(cache.totalSlabs()).isZero();
        slab.verify();
    }
}
