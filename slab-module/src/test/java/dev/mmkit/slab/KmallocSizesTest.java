package dev.mmkit.slab;

// Exists to pin kmalloc's size-class choice at every boundary and Linux's cache names.

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.hw.Page;
import dev.mmkit.api.machine.PageFlags;
import dev.mmkit.api.page.Gfp;
import dev.mmkit.api.slab.SlabAllocator;
import dev.mmkit.machine.StandaloneMachine;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class KmallocSizesTest {
    /** Request size -> the general cache that must serve it (kmalloc_index, Linux's names). */
    @ParameterizedTest
    @CsvSource({
        "1, kmalloc-32", "32, kmalloc-32", "33, kmalloc-64", "64, kmalloc-64", "65, kmalloc-96", "96, kmalloc-96",
        "97, kmalloc-128", "128, kmalloc-128", "129, kmalloc-192", "192, kmalloc-192", "193, kmalloc-256",
        "256, kmalloc-256", "257, kmalloc-512", "512, kmalloc-512", "513, kmalloc-1k", "1024, kmalloc-1k",
        "1025, kmalloc-2k", "2048, kmalloc-2k", "2049, kmalloc-4k", "4096, kmalloc-4k", "4097, kmalloc-8k",
        "8192, kmalloc-8k", "8193, kmalloc-16k", "16384, kmalloc-16k", "16385, kmalloc-32k", "32768, kmalloc-32k",
        "32769, kmalloc-64k", "65536, kmalloc-64k", "65537, kmalloc-128k", "131072, kmalloc-128k"})
    void sizeClassAtEveryBoundary(long size, String cache) {
        assertThat(KmallocSizes.name(KmallocSizes.index(size))).isEqualTo(cache);
    }

    @Test
    void aboveTheLargestClassGoesToThePageAllocator() {
        assertThat(KmallocSizes.index(131073)).isEqualTo(-1);
        assertThat(KmallocSizes.index(1L << 40)).isEqualTo(-1);
    }

    @Test
    void fifteenGeneralCachesNamedAsLinux() {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < KmallocSizes.COUNT; i++) {
            names.add(KmallocSizes.name(i));
        }
        assertThat(names).containsExactly("kmalloc-32", "kmalloc-64", "kmalloc-96", "kmalloc-128", "kmalloc-192",
            "kmalloc-256", "kmalloc-512", "kmalloc-1k", "kmalloc-2k", "kmalloc-4k", "kmalloc-8k", "kmalloc-16k",
            "kmalloc-32k", "kmalloc-64k", "kmalloc-128k");
    }

    /** The allocator really serves each boundary size from that cache (the page's mapping names it). */
    @ParameterizedTest
    @ValueSource(strings = {"slab", "slub"})
    void allocatorServesBoundariesFromTheRightCache(String flavour) {
        StandaloneMachine machine = Machines.machine(flavour);
        SlabAllocator slab = machine.slab();
        long[] sizes = {1, 32, 33, 96, 97, 128, 192, 193, 256, 257, 1024, 1025, 4096, 4097, 65536, 65537, 131072};
        for (long size : sizes) {
            long objp = slab.kmalloc(size, Gfp.GFP_KERNEL);
            long pfn = objp >>> Page.SHIFT;
            int mapping = machine.memMap().mapping(pfn);
            if (mapping < 0) {
                mapping = machine.memMap().mapping(pfn + mapping);
            }
            assertThat(((AbstractSlabAllocator) slab).cacheName(mapping)).as("kmalloc(%d)", size)
                .isEqualTo(KmallocSizes.name(KmallocSizes.index(size)));
            slab.kfree(objp);
        }
        long big = slab.kmalloc(131073, Gfp.GFP_KERNEL);
        assertThat(big & Page.OFFSET_MASK).isZero();
        assertThat(machine.memMap().testFlag(big >>> Page.SHIFT, PageFlags.PG_SLAB)).isFalse();
        // get_order(131073) = 6: 64 pages
        assertThat(slab.slabPages()).isGreaterThanOrEqualTo(64);
        long before = slab.slabPages();
        slab.kfree(big);
        assertThat(slab.slabPages()).isEqualTo(before - 64);
        slab.verify();
    }
}
