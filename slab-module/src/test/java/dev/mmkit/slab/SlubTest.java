package dev.mmkit.slab;

// Exists to check SLUB's own structure: metadata in the frame, free pointers in objects, cpu slab, partial list, merging.

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.hw.Page;
import dev.mmkit.api.machine.MemMap;
import dev.mmkit.api.machine.PageFlags;
import dev.mmkit.api.page.Gfp;
import dev.mmkit.api.slab.KmemCache;
import dev.mmkit.api.slab.SlabAllocator;
import dev.mmkit.api.slab.SlabInfo;
import dev.mmkit.machine.StandaloneMachine;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SlubTest {
    @Test
    void slabMetadataLivesInTheFrameAndFreePointersInObjects() {
        StandaloneMachine machine = Machines.machine("slub", "slab.merge = false");
        SlabAllocator slab = machine.slab();
        SlubAllocator.Cache cache = (SlubAllocator.Cache) slab.createCache("meta", 64, 0, 0, null);
        long a = cache.alloc(Gfp.GFP_KERNEL);
        long b = cache.alloc(Gfp.GFP_KERNEL);
        long pfn = a >>> Page.SHIFT;
        MemMap memMap = machine.memMap();
        // no descriptor: the first object starts the page
        assertThat(a & Page.OFFSET_MASK).isZero();
        assertThat(b).isEqualTo(a + 64);
        assertThat(memMap.testFlag(pfn, PageFlags.PG_SLAB)).isTrue();
        assertThat(memMap.mapping(pfn)).isEqualTo(cache.id);
        long counters = memMap.index(pfn);
        assertThat(SlubAllocator.frozen(counters)).isTrue();
        assertThat(SlubAllocator.objects(counters)).isEqualTo(64);
        assertThat(SlubAllocator.inuse(counters)).isEqualTo(64);
        // the cpu took the whole freelist; the slab's own is empty
        assertThat(memMap.privateData(pfn)).isZero();
        // freeing a pushes it on the cpu freelist: its first word points at the next free object, c
        cache.free(a);
        assertThat(machine.memory().readLong(a)).isEqualTo(a + 128);
        assertThat(cache.alloc(Gfp.GFP_KERNEL)).isEqualTo(a);
        slab.verify();
    }

    @Test
    void aConstructorMovesTheFreePointerBehindTheObject() {
        StandaloneMachine machine = Machines.machine("slub", "slab.merge = false");
        SlubAllocator.Cache cache = (SlubAllocator.Cache) machine.slab().createCache("ctor", 64, 0, 0,
            objp -> machine.memory().writeLong(objp, 7));
        assertThat(cache.offset).isEqualTo(64);
        assertThat(cache.slotSize()).isEqualTo(72);
        long a = cache.alloc(Gfp.GFP_KERNEL);
        cache.free(a);
        assertThat(machine.memory().readLong(a)).isEqualTo(7);
    }

    @Test
    void aFullSlabGoesOnThePartialListWhenAnObjectIsFreed() {
        SlabAllocator slab = Machines.machine("slub", "slab.merge = false").slab();
        SlubAllocator.Cache cache = (SlubAllocator.Cache) slab.createCache("p", 64, 0, 0, null);
        List<Long> objects = new ArrayList<>();
        for (int i = 0; i < 130; i++) {
            objects.add(cache.alloc(Gfp.GFP_KERNEL));
        }
        // two full slabs on no list, the third is the cpu slab
        assertThat(cache.totalSlabs()).isEqualTo(3);
        assertThat(cache.partial.count()).isZero();
        cache.free(objects.get(5));
        assertThat(cache.partial.count()).isEqualTo(1);
        slab.verify();
        // the next allocations drain the cpu slab, then take the partial slab before a new one
        for (int i = 0; i < 62 + 1; i++) {
            cache.alloc(Gfp.GFP_KERNEL);
        }
        assertThat(cache.totalSlabs()).isEqualTo(3);
        assertThat(cache.partial.count()).isZero();
        slab.verify();
    }

    @Test
    void emptySlabsBeyondMinPartialGoBackAtOnce() {
        StandaloneMachine machine = Machines.machine("slub", "slab.merge = false");
        SlabAllocator slab = machine.slab();
        SlubAllocator.Cache cache = (SlubAllocator.Cache) slab.createCache("e", 64, 0, 0, null);
        // min_partial = clamp(ilog2(64) / 2 = 3, 5, 10) = 5
        assertThat(cache.minPartial).isEqualTo(5);
        List<Long> objects = new ArrayList<>();
        for (int i = 0; i < 641; i++) {
            objects.add(cache.alloc(Gfp.GFP_KERNEL));
        }
        assertThat(cache.totalSlabs()).isEqualTo(11);
        for (int i = 0; i < 640; i++) {
            cache.free(objects.get(i));
        }
        // slabs 1-4 emptied with fewer than 5 partial slabs (themselves counted) are kept;
        // slabs 5-10 find 5 and go back: 4 empty + the cpu slab
        assertThat(cache.totalSlabs()).isEqualTo(5);
        assertThat(cache.activeSlabs()).isEqualTo(1);
        slab.verify();
        assertThat(cache.shrink()).isEqualTo(4);
        assertThat(cache.totalSlabs()).isEqualTo(1);
        slab.verify();
    }

    @Test
    void aRemoteFreeGoesToTheSlabFreelistAndIsReused() {
        StandaloneMachine machine = Machines.machine("slub", "cpus = 2, slab.merge = false");
        SlabAllocator slab = machine.slab();
        SlubAllocator.Cache cache = (SlubAllocator.Cache) slab.createCache("r", 64, 0, 0, null);
        List<Long> objects = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            objects.add(cache.alloc(Gfp.GFP_KERNEL));
        }
        machine.setCurrentCpu(1);
        cache.free(objects.get(10));
        long pfn = objects.get(10) >>> Page.SHIFT;
        assertThat(machine.memMap().privateData(pfn)).isEqualTo(objects.get(10));
        slab.verify();
        machine.setCurrentCpu(0);
        assertThat(cache.alloc(Gfp.GFP_KERNEL)).isEqualTo(objects.get(10));
        assertThat(cache.totalSlabs()).isEqualTo(1);
        slab.verify();
    }

    @Test
    void compatibleCachesMergeIntoOneRow() {
        SlabAllocator slab = Machines.machine("slub").slab();
        KmemCache foo = slab.createCache("foo", 60, 0, 0, null);
        // ALIGN(60, 8) = 64 fits kmalloc-64 with less than a word to spare
        assertThat(foo.name()).isEqualTo("foo");
        assertThat(((MergedCache) foo).target().name()).isEqualTo("kmalloc-64");
        long objp = foo.alloc(Gfp.GFP_KERNEL);
        KmemCache k64 = slab.caches().get(1);
        assertThat(k64.activeObjects()).isEqualTo(1);
        assertThat(slab.caches()).extracting(KmemCache::name).doesNotContain("foo");
        assertThat(SlabInfo.render(slab.caches())).doesNotContain("foo");
        // 56 would waste a word in kmalloc-64; a constructor forbids merging
        assertThat(slab.createCache("bar", 56, 0, 0, null)).isNotInstanceOf(MergedCache.class);
        assertThat(slab.createCache("baz", 64, 0, 0, p -> { })).isNotInstanceOf(MergedCache.class);
        foo.free(objp);
        slab.destroyCache(foo);
        assertThat(k64.activeObjects()).isZero();
        slab.verify();
    }

    @Test
    void withoutMergeEveryCacheHasItsRow() {
        SlabAllocator slab = Machines.machine("slub", "slab.merge = false").slab();
        KmemCache foo = slab.createCache("foo", 60, 0, 0, null);
        assertThat(foo).isNotInstanceOf(MergedCache.class);
        assertThat(SlabInfo.render(slab.caches())).contains("\nfoo ");
    }

    @Test
    void aFragmentedMachineGetsSlabsOfTheMinimumOrder() {
        StandaloneMachine machine = Machines.machine("slub");
        SlabAllocator slab = machine.slab();
        SlubAllocator.Cache k4 = (SlubAllocator.Cache) ((AbstractSlabAllocator) slab).cache("kmalloc-4k");
        assertThat(k4.order).isEqualTo(3);
        assertThat(k4.minOrder).isZero();
        ((BitmapPageAllocator) machine.pageAllocator()).failAbove = 0;
        long a = slab.kmalloc(4000, Gfp.GFP_KERNEL);
        long b = slab.kmalloc(4000, Gfp.GFP_KERNEL);
        // allocate_slab fell back to order 0: one object per slab
        assertThat(k4.totalSlabs()).isEqualTo(2);
        assertThat(k4.totalObjects()).isEqualTo(2);
        assertThat(b >>> Page.SHIFT).isNotEqualTo(a >>> Page.SHIFT);
        slab.verify();
        ((BitmapPageAllocator) machine.pageAllocator()).failAbove = 11;
        slab.kfree(a);
        slab.kfree(b);
        slab.shrink();
        assertThat(slab.slabPages()).isZero();
        slab.verify();
    }

    @Test
    void aMergedCacheLivesUntilItsLastName() {
        SlabAllocator slab = Machines.machine("slub").slab();
        KmemCache first = slab.createCache("first", 100, 0, 0, null);
        KmemCache second = slab.createCache("second", 100, 0, 0, null);
        assertThat(((MergedCache) second).target()).isSameAs(first);
        long objp = second.alloc(Gfp.GFP_KERNEL);
        // destroying the original only drops a reference: the alias still works
        slab.destroyCache(first);
        assertThat(slab.caches()).extracting(KmemCache::name).contains("first");
        second.free(objp);
        slab.destroyCache(second);
        assertThat(slab.caches()).extracting(KmemCache::name).doesNotContain("first", "second");
        slab.verify();
    }
}
