package dev.mmkit.slab;

// Exists to run every flavour on the real buddy allocator (buddy-module), as the assembled machine does.

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.page.Gfp;
import dev.mmkit.api.slab.KmemCache;
import dev.mmkit.api.slab.SlabAllocator;
import dev.mmkit.api.slab.SlabAllocatorProvider;
import dev.mmkit.api.slab.SlabFlags;
import dev.mmkit.buddy.BuddyProvider;
import dev.mmkit.machine.StandaloneMachine;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BuddyIntegrationTest {
    @ParameterizedTest
    @ValueSource(strings = {"slab", "slub", "slob"})
    void workloadOnTheBuddyAllocator(String flavour) {
        // buddy-module is another engineer's snapshot: skip, not fail, while its jar is being reinstalled
        try {
            Class.forName("dev.mmkit.buddy.BuddyProvider");
        } catch (ClassNotFoundException | LinkageError e) {
            org.junit.jupiter.api.Assumptions.abort("buddy-module not loadable: " + e);
        }
        SlabAllocatorProvider provider = Machines.provider(flavour);
        StandaloneMachine[] self = new StandaloneMachine[1];
        self[0] = StandaloneMachine.builder(StandaloneMachine.config(
                "mmkit.machine { memory.size = 64MiB, slab.impl = " + flavour + " }"))
            .pageAllocator(m -> new BuddyProvider().create(self[0].settingsAt("mmkit.machine.page-allocator"), m))
            .slab(m -> provider.create(self[0].settingsAt("mmkit.machine.slab"), m))
            .build();
        StandaloneMachine machine = self[0];
        SlabAllocator slab = machine.slab();
        long freeAtStart = machine.pageAllocator().zones().stream().mapToLong(z -> z.freePages()).sum();
        KmemCache vma = slab.createCache("vm_area_struct", 184, 0, SlabFlags.SLAB_HWCACHE_ALIGN, null);
        KmemCache dma = slab.createCache("dma_buf", 300, 0, SlabFlags.SLAB_CACHE_DMA, null);
        SplittableRandom random = new SplittableRandom(7);
        List<long[]> live = new ArrayList<>();
        for (int step = 0; step < 8000; step++) {
            if (live.isEmpty() || random.nextInt(100) < 60) {
                int kind = random.nextInt(3);
                long objp = kind == 0 ? vma.alloc(Gfp.GFP_KERNEL) : kind == 1 ? dma.alloc(Gfp.GFP_KERNEL)
                    : slab.kmalloc(1 + random.nextInt(random.nextInt(20) == 0 ? 200000 : 2000), Gfp.GFP_KERNEL);
                assertThat(objp).isPositive();
                live.add(new long[] {kind, objp});
            } else {
                long[] o = live.remove(random.nextInt(live.size()));
                if (o[0] == 0) {
                    vma.free(o[1]);
                } else if (o[0] == 1) {
                    dma.free(o[1]);
                } else {
                    slab.kfree(o[1]);
                }
            }
        }
        slab.verify();
        machine.pageAllocator().verify();
        for (long[] o : live) {
            if (o[0] == 0) {
                vma.free(o[1]);
            } else if (o[0] == 1) {
                dma.free(o[1]);
            } else {
                slab.kfree(o[1]);
            }
        }
        slab.shrink();
        slab.destroyCache(vma);
        slab.destroyCache(dma);
        slab.verify();
        machine.pageAllocator().drainPerCpuLists();
        machine.pageAllocator().verify();
        assertThat(slab.slabPages()).isZero();
        long freeAtEnd = machine.pageAllocator().zones().stream().mapToLong(z -> z.freePages()).sum();
        assertThat(freeAtEnd).isEqualTo(freeAtStart);
    }
}
