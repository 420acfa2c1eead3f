package dev.mmkit.slab;

// Exists to check SLAB's objects per slab, left over and colours against Bonwick's layout computed by hand.

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.page.Gfp;
import dev.mmkit.api.slab.KmemCache;
import dev.mmkit.api.slab.SlabAllocator;
import dev.mmkit.api.slab.SlabFlags;
import dev.mmkit.machine.StandaloneMachine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BonwickGeometryTest {
    /**
     * On-slab: num = (4096 - 32) / (size + 4), minus one if ALIGN(32 + 4 num, align) + num size
     * exceeds the page; left over = 4096 - num size - ALIGN(32 + 4 num, align). Off-slab
     * (size >= 512): num = slab / size. 64 MiB machine: slab_break_gfp_order = 1.
     * <pre>
     * kmalloc-32:  4064/36 = 112, mgmt ALIGN(480)=480, 480+3584=4064       -> 112, left 32
     * kmalloc-64:  4064/68 = 59,  mgmt ALIGN(268)=272, 272+3776=4048       -> 59,  left 48
     * kmalloc-96:  4064/100 = 40, mgmt 192, 192+3840=4032                  -> 40,  left 64
     * kmalloc-128: 4064/132 = 30, mgmt 152, 152+3840=3992                  -> 30,  left 104
     * kmalloc-192: 4064/196 = 20, mgmt 112                                 -> 20,  left 144
     * kmalloc-256: 4064/260 = 15, mgmt 96                                  -> 15,  left 160
     * kmalloc-512: off-slab 4096/512 = 8, left 0                           -> 8
     * kmalloc-1k:  off-slab 4, left 0                                      -> 4
     * kmalloc-4k:  off-slab 1, left 0                                      -> 1
     * kmalloc-8k:  order 0 holds none; order 1: 1, left 0                  -> 1 per 2 pages
     * </pre>
     */
    @ParameterizedTest
    @CsvSource({"kmalloc-32, 112, 1, 32", "kmalloc-64, 59, 1, 48", "kmalloc-96, 40, 1, 64", "kmalloc-128, 30, 1, 104",
        "kmalloc-192, 20, 1, 144", "kmalloc-256, 15, 1, 160", "kmalloc-512, 8, 1, 0", "kmalloc-1k, 4, 1, 0",
        "kmalloc-4k, 1, 1, 0", "kmalloc-8k, 1, 2, 0"})
    void generalCaches(String name, int num, int pages, int leftOver) {
        BonwickSlabAllocator slab = (BonwickSlabAllocator) Machines.machine("slab").slab();
        BonwickSlabAllocator.Cache cache = (BonwickSlabAllocator.Cache) slab.cache(name);
        assertThat(cache.objectsPerSlab()).isEqualTo(num);
        assertThat(cache.pagesPerSlab()).isEqualTo(pages);
        assertThat(cache.leftOver).isEqualTo(leftOver);
    }

    /**
     * <pre>
     * size 100:               slot 104, 4064/108 = 37, mgmt ALIGN(180, 8) = 184, 184 + 3848 = 4032 -> 37, left 64
     * size 100, HWCACHE_ALIGN: align 64, slot 128, 4064/132 = 30, mgmt ALIGN(152, 64) = 192   -> 30, left 64
     * size 3000: off-slab; order 0: 1 object, left 1096, 1096*8 > 4096: go on;
     *            order 1: 8192/3000 = 2, left 2192, stop at break order 1;
     *            descriptor ALIGN(32 + 8, 8) = 40 fits the left over: on-slab after all, left 2152,
     *            colours 2152/64 = 33
     * </pre>
     */
    @Test
    void userCaches() {
        SlabAllocator slab = Machines.machine("slab").slab();
        BonwickSlabAllocator.Cache plain = (BonwickSlabAllocator.Cache) slab.createCache("plain", 100, 0, 0, null);
        assertThat(plain.slotSize()).isEqualTo(104);
        assertThat(plain.num).isEqualTo(37);
        assertThat(plain.leftOver).isEqualTo(64);
        BonwickSlabAllocator.Cache hw = (BonwickSlabAllocator.Cache) slab.createCache("hw", 100, 0, SlabFlags.SLAB_HWCACHE_ALIGN, null);
        assertThat(hw.slotSize()).isEqualTo(128);
        assertThat(hw.num).isEqualTo(30);
        assertThat(hw.leftOver).isEqualTo(64);
        BonwickSlabAllocator.Cache big = (BonwickSlabAllocator.Cache) slab.createCache("big", 3000, 0, 0, null);
        assertThat(big.pagesPerSlab()).isEqualTo(2);
        assertThat(big.num).isEqualTo(2);
        assertThat(big.offSlab).isFalse();
        assertThat(big.leftOver).isEqualTo(2152);
        assertThat(big.colour).isEqualTo(33);
    }

    @Test
    void smallMachineBreaksAtOrderZero() {
        // 16 MiB < 32 MiB: slab_break_gfp_order 0, so 3000-byte objects stay at order 0, one per page
        StandaloneMachine machine = Machines.machine("slab", "memory.size = 16MiB");
        BonwickSlabAllocator.Cache big = (BonwickSlabAllocator.Cache) machine.slab().createCache("big", 3000, 0, 0, null);
        assertThat(big.pagesPerSlab()).isEqualTo(1);
        assertThat(big.num).isEqualTo(1);
    }

    @ParameterizedTest
    @CsvSource({"kmalloc-64, 120, 60", "kmalloc-256, 120, 60", "kmalloc-512, 54, 27", "kmalloc-2k, 24, 12",
        "kmalloc-8k, 8, 4", "kmalloc-128k, 8, 4"})
    void tunables(String name, int limit, int batch) {
        BonwickSlabAllocator slab = (BonwickSlabAllocator) Machines.machine("slab").slab();
        assertThat(slab.cache(name).tunables()).containsExactly(limit, batch, 0);
    }

    /** kmalloc-256 leaves 160 bytes: two colours, so slabs alternate object offsets 96 and 96 + 64. */
    @Test
    void slabColouringCyclesByCacheLine() {
        BonwickSlabAllocator slab = (BonwickSlabAllocator) Machines.machine("slab").slab();
        KmemCache cache = slab.cache("kmalloc-256");
        long[] firstOffsets = new long[3];
        for (int s = 0; s < 3; s++) {
            long lowest = Long.MAX_VALUE;
            for (int i = 0; i < 15; i++) {
                // a new slab each 15 objects; its objects all share the slab's page
                lowest = Math.min(lowest, slab.kmalloc(256, Gfp.GFP_KERNEL) & 0xfff);
            }
            firstOffsets[s] = lowest;
        }
        // descriptor (96 bytes on-slab) at the colour offset, objects after it
        assertThat(firstOffsets).containsExactly(96, 160, 96);
        slab.verify();
    }

    @Test
    void offSlabDescriptorComesFromAGeneralCache() {
        BonwickSlabAllocator slab = (BonwickSlabAllocator) Machines.machine("slab").slab();
        BonwickSlabAllocator.Cache oneK = (BonwickSlabAllocator.Cache) slab.cache("kmalloc-1k");
        assertThat(oneK.offSlab).isTrue();
        // struct slab 32 + 4 bufctls of 4 = 48 bytes: from kmalloc-64
        assertThat(oneK.slabpCache.name()).isEqualTo("kmalloc-64");
        long objp = slab.kmalloc(1000, Gfp.GFP_KERNEL);
        // no descriptor and no colour in the page: objects at 0, 1024, 2048, 3072; the refill
        // moved all four into the array cache and the allocation pops the last (LIFO)
        assertThat(objp & 0xfff).isEqualTo(3072);
        assertThat(slab.cache("kmalloc-64").activeObjects()).isEqualTo(1);
        slab.kfree(objp);
        slab.shrink();
        assertThat(slab.cache("kmalloc-64").activeObjects()).isZero();
        slab.verify();
    }
}
