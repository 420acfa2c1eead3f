package dev.mmkit.slab;

// Exists to check SLUB's slab order and objects per slab against Linux's calculate_order, by hand and against real slabinfo rows.

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.slab.KmemCache;
import dev.mmkit.api.slab.SlabAllocator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SlubGeometryTest {
    /**
     * One CPU: min_objects = 4 * (fls(1) + 1) = 8, slub_max_order 3.
     * <pre>
     * 64:    get_order(8*64=512)=0, 4096 % 64 = 0            -> order 0, 64 objects
     * 96:    get_order(768)=0, 4096 % 96 = 64 <= 4096/16     -> order 0, 42
     * 192:   4096 % 192 = 64 <= 256                          -> order 0, 21
     * 1024:  get_order(8192)=1, 8192 % 1024 = 0              -> order 1, 8
     * 4096:  get_order(32768)=3                              -> order 3, 8
     * 8192:  max_objects = 32768/8192 = 4, get_order(32768)  -> order 3, 4
     * 32768: max_objects 1: no loop; calc(.., 1, 3, 1) = 3   -> order 3, 1
     * 65536: calc(.., 1, 3, 1) = 4 > 3; calc(.., 1, 11, 1)=4 -> order 4, 1
     * 131072:                                                -> order 5, 1
     * 700 (slot 704): get_order(5632)=1, 8192 % 704 = 448 <= 512 -> order 1, 11
     * </pre>
     */
    @ParameterizedTest
    @CsvSource({"64, 64, 1", "96, 42, 1", "192, 21, 1", "1024, 8, 2", "4096, 8, 8", "8192, 4, 8", "32768, 1, 8",
        "65536, 1, 16", "131072, 1, 32", "700, 11, 2"})
    void oneCpu(int size, int objects, int pages) {
        SlabAllocator slab = Machines.machine("slub", "slab.merge = false").slab();
        KmemCache cache = slab.createCache("test", size, 0, 0, null);
        assertThat(cache.objectsPerSlab()).isEqualTo(objects);
        assertThat(cache.pagesPerSlab()).isEqualTo(pages);
    }

    /**
     * Eight CPUs: min_objects = 4 * (fls(8) + 1) = 20. Each row is a real Linux slabinfo row
     * (size, objperslab, pagesperslab):
     * <pre>
     * fuse_request 400: get_order(8000)=1, 8192 % 400 = 192 <= 512    -> 20 objects, 2 pages
     * nf_conntrack 320: get_order(6400)=1, 8192 % 320 = 192           -> 25, 2
     * RAWv6        704: get_order(14080)=2, 16384 % 704 = 192 <= 1024 -> 23, 4
     * ovl_inode    720: get_order(14400)=2, 16384 % 720 = 544         -> 22, 4
     * fuse_inode   832: get_order(16640)=3, 32768 % 832 = 320         -> 39, 8
     * dentry       192: get_order(3840)=0, 4096 % 192 = 64            -> 21, 1
     * </pre>
     */
    @ParameterizedTest
    @CsvSource({"400, 20, 2", "320, 25, 2", "704, 23, 4", "720, 22, 4", "832, 39, 8", "192, 21, 1"})
    void eightCpusMatchRealRows(int size, int objects, int pages) {
        SlabAllocator slab = Machines.machine("slub", "cpus = 8, slab.merge = false").slab();
        KmemCache cache = slab.createCache("test", size, 0, 0, null);
        assertThat(cache.objectsPerSlab()).isEqualTo(objects);
        assertThat(cache.pagesPerSlab()).isEqualTo(pages);
    }

    @ParameterizedTest
    @CsvSource({"8, 1, 8", "1, 1, 8", "64, 64, 64", "100, 1, 104"})
    void slotSizes(int size, int align, int slot) {
        SlabAllocator slab = Machines.machine("slub", "slab.merge = false").slab();
        assertThat(slab.createCache("test", size, align, 0, null).slotSize()).isEqualTo(slot);
    }
}
