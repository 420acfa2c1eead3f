package dev.mmkit.slab;

// Exists to hold all three flavours to the kmem_cache contract: objects in memory, destroy, shrink, flags, kmalloc, accounting.

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mmkit.api.hw.Page;
import dev.mmkit.api.machine.VmItem;
import dev.mmkit.api.page.Gfp;
import dev.mmkit.api.slab.KmemCache;
import dev.mmkit.api.slab.SlabAllocator;
import dev.mmkit.api.slab.SlabError;
import dev.mmkit.api.slab.SlabFlags;
import dev.mmkit.machine.StandaloneMachine;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class FlavourContractTest {
    @ParameterizedTest
    @ValueSource(strings = {"slab", "slub", "slob"})
    void objectsAreDistinctAlignedAndHoldData(String flavour) {
        StandaloneMachine machine = Machines.machine(flavour);
        SlabAllocator slab = machine.slab();
        KmemCache cache = slab.createCache("thing", 40, 16, 0, null);
        Set<Long> seen = new HashSet<>();
        List<Long> objects = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            long objp = cache.alloc(Gfp.GFP_KERNEL);
            assertThat(objp).isPositive();
            assertThat(objp % 16).isZero();
            assertThat(seen.add(objp)).isTrue();
            machine.memory().writeLong(objp, i);
            machine.memory().writeLong(objp + 32, -i);
            objects.add(objp);
        }
        for (int i = 0; i < objects.size(); i++) {
            assertThat(machine.memory().readLong(objects.get(i))).isEqualTo(i);
            assertThat(machine.memory().readLong(objects.get(i) + 32)).isEqualTo(-i);
        }
        assertThat(cache.activeObjects()).isEqualTo(500);
        slab.verify();
        for (long objp : objects) {
            cache.free(objp);
        }
        assertThat(cache.activeObjects()).isZero();
        slab.verify();
    }

    @ParameterizedTest
    @ValueSource(strings = {"slab", "slub", "slob"})
    void destroyIsRefusedWhileObjectsAreLive(String flavour) {
        SlabAllocator slab = Machines.machine(flavour).slab();
        KmemCache cache = slab.createCache("inode_cache", 600, 0, 0, null);
        long a = cache.alloc(Gfp.GFP_KERNEL);
        long b = cache.alloc(Gfp.GFP_KERNEL);
        long c = cache.alloc(Gfp.GFP_KERNEL);
        assertThatThrownBy(() -> slab.destroyCache(cache))
            .isInstanceOf(SlabError.class)
            .hasMessage("BUG inode_cache: Slab cache still has 3 objects when destroyed");
        assertThat(new ArrayList<KmemCache>(slab.caches())).contains(cache);
        slab.verify();
        cache.free(a);
        cache.free(b);
        cache.free(c);
        slab.destroyCache(cache);
        assertThat(new ArrayList<KmemCache>(slab.caches())).doesNotContain(cache);
        assertThat(slab.slabPages()).isZero();
        slab.verify();
        // the name can be used again
        assertThat(slab.createCache("inode_cache", 600, 0, 0, null).name()).isEqualTo("inode_cache");
    }

    @ParameterizedTest
    @ValueSource(strings = {"slab", "slub"})
    void shrinkGivesEmptySlabsBack(String flavour) {
        StandaloneMachine machine = Machines.machine(flavour);
        SlabAllocator slab = machine.slab();
        BitmapPageAllocator pages = (BitmapPageAllocator) machine.pageAllocator();
        List<Long> objects = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            objects.add(slab.kmalloc(128, Gfp.GFP_KERNEL));
        }
        long held = slab.slabPages();
        assertThat(held).isGreaterThanOrEqualTo(3000 / 32);
        for (long objp : objects) {
            slab.kfree(objp);
        }
        slab.verify();
        long freed = slab.shrink();
        assertThat(freed).isPositive();
        assertThat(slab.slabPages()).isZero();
        assertThat(pages.usedFrames()).isZero();
        slab.verify();
    }

    @ParameterizedTest
    @ValueSource(strings = {"slab", "slub"})
    void constructorRunsOncePerObjectWhenTheSlabIsLaidOut(String flavour) {
        StandaloneMachine machine = Machines.machine(flavour);
        SlabAllocator slab = machine.slab();
        int[] calls = {0};
        KmemCache cache = slab.createCache("ctor", 48, 0, 0, objp -> {
            calls[0]++;
            machine.memory().writeLong(objp, 0xC0FFEEL);
        });
        long objp = cache.alloc(Gfp.GFP_KERNEL);
        assertThat(machine.memory().readLong(objp)).isEqualTo(0xC0FFEEL);
        assertThat((long) calls[0]).isEqualTo(cache.totalObjects());
        // the user changes the object; a free and a new allocation give the same object back, unchanged
        machine.memory().writeLong(objp, 42);
        cache.free(objp);
        long again = cache.alloc(Gfp.GFP_KERNEL);
        assertThat(again).isEqualTo(objp);
        assertThat(machine.memory().readLong(again)).isEqualTo(42);
        assertThat((long) calls[0]).isEqualTo(cache.totalObjects());
        slab.verify();
    }

    @ParameterizedTest
    @ValueSource(strings = {"slob"})
    void slobRunsTheConstructorOnEveryAllocation(String flavour) {
        StandaloneMachine machine = Machines.machine(flavour);
        int[] calls = {0};
        KmemCache cache = machine.slab().createCache("ctor", 48, 0, 0, objp -> calls[0]++);
        long objp = cache.alloc(Gfp.GFP_KERNEL);
        cache.free(objp);
        cache.alloc(Gfp.GFP_KERNEL);
        assertThat(calls[0]).isEqualTo(2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"slab", "slub", "slob"})
    void slabPanicStopsTheMachine(String flavour) {
        SlabAllocator slab = Machines.machine(flavour).slab();
        assertThatThrownBy(() -> slab.createCache("task_struct", 0, 0, SlabFlags.SLAB_PANIC, null))
            .isInstanceOf(Error.class)
            .hasMessage("Kernel panic - not syncing: kmem_cache_create: Failed to create slab 'task_struct'."
                + " Error: size: 0 (expected: at least 1)");
        assertThatThrownBy(() -> slab.createCache("task_struct", 0, 0, 0, null))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("size: 0 (expected: at least 1)");
        assertThatThrownBy(() -> slab.createCache("x", 64, 48, 0, null))
            .hasMessage("align: 48 (expected: 0 or a power of two up to 4096)");
        slab.createCache("dup", 64, 0, 0, null);
        assertThatThrownBy(() -> slab.createCache("dup", 64, 0, SlabFlags.SLAB_PANIC, null))
            .isInstanceOf(Error.class).hasMessageContaining("Duplicate cache name [dup]");
        assertThatThrownBy(() -> slab.createCache("huge", 64 << 20, 0, 0, null))
            .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("size: 67108864 (expected:");
    }

    @ParameterizedTest
    @ValueSource(strings = {"slab", "slub", "slob"})
    void dmaCachesTakeSlabsFromZoneDma(String flavour) {
        SlabAllocator slab = Machines.machine(flavour).slab();
        KmemCache dma = slab.createCache("dma", 200, 0, SlabFlags.SLAB_CACHE_DMA, null);
        KmemCache normal = slab.createCache("normal", 200, 0, 0, null);
        for (int i = 0; i < 100; i++) {
            assertThat(dma.alloc(Gfp.GFP_KERNEL) >>> Page.SHIFT).isLessThan(Machines.DMA_FRAMES);
            long pfn = normal.alloc(Gfp.GFP_KERNEL) >>> Page.SHIFT;
            if (!flavour.equals("slob")) {
                // SLOB's pages are shared: a normal request may use a DMA page already on a list
                assertThat(pfn).isGreaterThanOrEqualTo(Machines.DMA_FRAMES);
            }
        }
        slab.verify();
    }

    @ParameterizedTest
    @ValueSource(strings = {"slab", "slub", "slob"})
    void kmallocWithGfpDmaComesFromZoneDma(String flavour) {
        SlabAllocator slab = Machines.machine(flavour).slab();
        for (long size : new long[] {40, 600, 5000, 200000}) {
            long objp = slab.kmalloc(size, Gfp.GFP_KERNEL | Gfp.GFP_DMA);
            assertThat(objp >>> Page.SHIFT).as("kmalloc(%d, GFP_DMA)", size).isLessThan(Machines.DMA_FRAMES);
        }
        if (!flavour.equals("slob")) {
            // (SLOB's shared pages may serve a normal request from a DMA page already on a list)
            assertThat(slab.kmalloc(40, Gfp.GFP_KERNEL) >>> Page.SHIFT).isGreaterThanOrEqualTo(Machines.DMA_FRAMES);
            // Linux's names for the DMA general caches
            assertThat(slab.caches()).extracting(KmemCache::name).contains("dma-kmalloc-64", "dma-kmalloc-1k", "dma-kmalloc-8k");
        }
        slab.verify();
    }

    @ParameterizedTest
    @ValueSource(strings = {"slab", "slub", "slob"})
    void gfpZeroZeroesTheObject(String flavour) {
        StandaloneMachine machine = Machines.machine(flavour);
        SlabAllocator slab = machine.slab();
        long objp = slab.kmalloc(100, Gfp.GFP_KERNEL);
        machine.memory().fill(objp, 100, (byte) 0x55);
        slab.kfree(objp);
        long again = slab.kmalloc(100, Gfp.GFP_KERNEL | Gfp.__GFP_ZERO);
        for (int i = 0; i < 100; i++) {
            assertThat(machine.memory().readByte(again + i)).isZero();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"slab", "slub", "slob"})
    void slabPagesAreCountedInVmstat(String flavour) {
        StandaloneMachine machine = Machines.machine(flavour);
        SlabAllocator slab = machine.slab();
        KmemCache dentry = slab.createCache("dentry", 192, 0, SlabFlags.SLAB_RECLAIM_ACCOUNT, null);
        List<Long> objects = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            objects.add(dentry.alloc(Gfp.GFP_KERNEL));
            objects.add(slab.kmalloc(300, Gfp.GFP_KERNEL));
        }
        long big = slab.kmalloc(1 << 20, Gfp.GFP_KERNEL);
        long reclaimable = machine.vmstat().get(VmItem.NR_SLAB_RECLAIMABLE);
        long unreclaimable = machine.vmstat().get(VmItem.NR_SLAB_UNRECLAIMABLE);
        assertThat(reclaimable + unreclaimable).isEqualTo(slab.slabPages());
        assertThat(unreclaimable).isGreaterThanOrEqualTo(256);
        if (!flavour.equals("slob")) {
            // SLOB pages are shared by every cache: none is reclaimable
            assertThat(reclaimable).isEqualTo(slab.reclaimableSlabPages()).isPositive();
        }
        slab.kfree(big);
        for (int i = 0; i < objects.size(); i++) {
            if (i % 2 == 0) {
                dentry.free(objects.get(i));
            } else {
                slab.kfree(objects.get(i));
            }
        }
        slab.shrink();
        assertThat(machine.vmstat().get(VmItem.NR_SLAB_RECLAIMABLE)).isZero();
        assertThat(machine.vmstat().get(VmItem.NR_SLAB_UNRECLAIMABLE)).isEqualTo(slab.slabPages()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"slab", "slub", "slob"})
    void kfreeOfSomethingNotAllocatedIsRefused(String flavour) {
        StandaloneMachine machine = Machines.machine(flavour);
        SlabAllocator slab = machine.slab();
        long objp = slab.kmalloc(64, Gfp.GFP_KERNEL);
        assertThatThrownBy(() -> slab.kfree(200L << Page.SHIFT))
            .isInstanceOf(SlabError.class).hasMessageContaining("Object is not in a slab page");
        slab.kfree(objp);
        slab.kfree(0);
        slab.verify();
    }

    @ParameterizedTest
    @ValueSource(strings = {"slab", "slub"})
    void freeIntoTheWrongCacheIsRefused(String flavour) {
        SlabAllocator slab = Machines.machine(flavour, "slab.merge = false").slab();
        KmemCache a = slab.createCache("files_cache", 64, 0, 0, null);
        KmemCache b = slab.createCache("fs_cache", 64, 0, 0, null);
        long objp = a.alloc(Gfp.GFP_KERNEL);
        assertThatThrownBy(() -> b.free(objp))
            .isInstanceOf(SlabError.class)
            .hasMessageStartingWith("BUG fs_cache: Wrong slab cache. fs_cache but object is from files_cache");
        slab.verify();
        a.free(objp);
        slab.verify();
    }

    // SLOB is left out: its blocks have no slots, so any pointer starts a block of the cache's size.
    @ParameterizedTest
    @ValueSource(strings = {"slab", "slub"})
    void aPointerThatStartsNoObjectIsRefusedWithoutDebugging(String flavour) {
        SlabAllocator slab = Machines.machine(flavour, "slab.merge = false").slab();
        KmemCache cache = slab.createCache("inode_cache", 100, 0, 0, null);
        long objp = cache.alloc(Gfp.GFP_KERNEL);
        long other = cache.alloc(Gfp.GFP_KERNEL);
        long kmalloced = slab.kmalloc(64, Gfp.GFP_KERNEL);
        for (long bad : new long[] {objp + 8, objp + 3, objp + cache.slotSize() - 8, Math.max(objp, other) - 16}) {
            assertThatThrownBy(() -> cache.free(bad))
                .isInstanceOf(SlabError.class)
                .hasMessageStartingWith("BUG inode_cache: Invalid object pointer 0x" + Long.toHexString(bad));
            slab.verify();
        }
        assertThatThrownBy(() -> slab.kfree(kmalloced + 16))
            .isInstanceOf(SlabError.class)
            .hasMessageStartingWith("BUG kmalloc-64: Invalid object pointer 0x" + Long.toHexString(kmalloced + 16));
        slab.verify();
        assertThat(cache.activeObjects()).isEqualTo(2);
        // nothing refused reached a freelist: new objects overlap neither live one
        List<Long> live = new ArrayList<>(List.of(objp, other));
        for (int i = 0; i < 100; i++) {
            long o = cache.alloc(Gfp.GFP_KERNEL);
            for (long l : live) {
                assertThat(o >= l + cache.slotSize() || l >= o + cache.slotSize())
                    .as("object %x overlaps live object %x", o, l).isTrue();
            }
            live.add(o);
        }
        for (long l : live) {
            cache.free(l);
        }
        slab.kfree(kmalloced);
        slab.verify();
        assertThat(cache.activeObjects()).isZero();
    }

    // Slot sizes on both sides of the reciprocal division's limit (256 KiB), every object of two slabs.
    @ParameterizedTest
    @ValueSource(strings = {"slab", "slub"})
    void everyObjectStartIsAcceptedAndNothingBetween(String flavour) {
        for (int objectSize : new int[] {8, 24, 100, 1000, 4000, 70_000, 300_000}) {
            SlabAllocator slab = Machines.machine(flavour, "slab.merge = false").slab();
            KmemCache cache = slab.createCache("size-" + objectSize, objectSize, 0, 0, null);
            int n = 2 * cache.objectsPerSlab();
            long[] objects = new long[n];
            for (int i = 0; i < n; i++) {
                objects[i] = cache.alloc(Gfp.GFP_KERNEL);
                assertThat(objects[i]).as("object %d of %d-byte slots", i, objectSize).isPositive();
            }
            for (int i = 0; i < n; i++) {
                long objp = objects[i];
                int slot = cache.slotSize();
                for (long bad : new long[] {objp + 1, objp + slot / 2, objp + slot - 8, objp + slot - 1}) {
                    if (bad != objp && bad != objp + slot) {
                        assertThatThrownBy(() -> cache.free(bad))
                            .isInstanceOf(SlabError.class).hasMessageContaining("Invalid object pointer 0x" + Long.toHexString(bad));
                    }
                }
                cache.free(objp);
            }
            slab.verify();
            assertThat(cache.activeObjects()).isZero();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"slab", "slub", "slob"})
    void allocationFailsCleanlyWhenMemoryRunsOut(String flavour) {
        StandaloneMachine machine = Machines.machine(flavour);
        SlabAllocator slab = machine.slab();
        KmemCache cache = slab.createCache("c", 1000, 0, 0, null);
        long first = cache.alloc(Gfp.GFP_KERNEL);
        ((BitmapPageAllocator) machine.pageAllocator()).failAfter = 0;
        long last = first;
        for (int i = 0; i < 100 && last != 0; i++) {
            last = cache.alloc(Gfp.GFP_KERNEL);
        }
        assertThat(last).isZero();
        assertThat(slab.kmalloc(1 << 20, Gfp.GFP_KERNEL)).isZero();
        slab.verify();
    }

    /** A seeded random mix of caches and kmalloc sizes, verified as it runs and empty at the end. */
    @ParameterizedTest
    @CsvSource({"slab, ''", "slub, ''", "slob, ''", "slab, FZPU", "slub, FZPU", "slob, F"})
    void randomWorkloadKeepsInvariants(String flavour, String debug) {
        StandaloneMachine machine = Machines.machine(flavour, "cpus = 2, slab.debug = \"" + debug + "\"");
        SlabAllocator slab = machine.slab();
        KmemCache[] caches = {
            slab.createCache("vm_area_struct", 184, 0, SlabFlags.SLAB_HWCACHE_ALIGN, null),
            slab.createCache("mm_struct", 1040, 64, 0, null),
            slab.createCache("radix_tree_node", 576, 0, SlabFlags.SLAB_RECLAIM_ACCOUNT, null)};
        SplittableRandom random = new SplittableRandom(42);
        List<long[]> live = new ArrayList<>();
        for (int step = 0; step < 20000; step++) {
            machine.setCurrentCpu(random.nextInt(2));
            if (live.isEmpty() || random.nextInt(100) < 55) {
                int kind = random.nextInt(4);
                long size = kind < 3 ? caches[kind].objectSize() : 1 + random.nextInt(random.nextInt(10) == 0 ? 300000 : 3000);
                long objp = kind < 3 ? caches[kind].alloc(Gfp.GFP_KERNEL) : slab.kmalloc(size, Gfp.GFP_KERNEL);
                assertThat(objp).isPositive();
                machine.memory().writeByte(objp + size - 1, (byte) step);
                live.add(new long[] {kind, objp, size, (byte) step});
            } else {
                long[] o = live.remove(random.nextInt(live.size()));
                assertThat(machine.memory().readByte(o[1] + o[2] - 1)).isEqualTo((byte) o[3]);
                if (o[0] < 3) {
                    caches[(int) o[0]].free(o[1]);
                } else {
                    slab.kfree(o[1]);
                }
            }
            if (step % 2500 == 0) {
                slab.verify();
            }
        }
        for (long[] o : live) {
            if (o[0] < 3) {
                caches[(int) o[0]].free(o[1]);
            } else {
                slab.kfree(o[1]);
            }
        }
        slab.verify();
        slab.shrink();
        assertThat(slab.slabPages()).isZero();
        for (KmemCache c : caches) {
            slab.destroyCache(c);
        }
        slab.verify();
    }
}
