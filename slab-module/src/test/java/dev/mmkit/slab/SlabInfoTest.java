package dev.mmkit.slab;

// Exists to hold /proc/slabinfo to Linux's exact text, checked against rows copied from real machines.

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.page.Gfp;
import dev.mmkit.api.slab.KmemCache;
import dev.mmkit.api.slab.SlabAllocator;
import dev.mmkit.api.slab.SlabInfo;
import java.util.List;
import org.junit.jupiter.api.Test;

class SlabInfoTest {
    /** A cache that reports fixed numbers, to render real rows. */
    private static KmemCache fixed(String name, long active, long total, int size, int perSlab, int pages,
                                   int[] tunables, long activeSlabs, long slabs) {
        return new KmemCache() {
            public String name() { return name; }
            public int objectSize() { return size; }
            public int slotSize() { return size; }
            public int flags() { return 0; }
            public long alloc(int gfp) { return 0; }
            public void free(long objp) { }
            public long shrink() { return 0; }
            public long activeObjects() { return active; }
            public long totalObjects() { return total; }
            public int objectsPerSlab() { return perSlab; }
            public int pagesPerSlab() { return pages; }
            public long activeSlabs() { return activeSlabs; }
            public long totalSlabs() { return slabs; }
            public int[] tunables() { return tunables; }
            public void verify() { }
        };
    }

    @Test
    void rowsMatchRealLinuxSlabinfo() {
        // copied from /proc/slabinfo of Linux machines (SLUB: tunables are zero)
        assertThat(SlabInfo.row(fixed("kmalloc-128", 1440, 1440, 128, 32, 1, new int[] {0, 0, 0}, 45, 45)))
            .isEqualTo("kmalloc-128         1440   1440    128   32    1 : tunables    0    0    0 : slabdata     45     45      0");
        assertThat(SlabInfo.row(fixed("fuse_inode", 820000, 825000, 832, 39, 8, new int[] {0, 0, 0}, 21154, 21154)))
            .isEqualTo("fuse_inode        820000 825000    832   39    8 : tunables    0    0    0 : slabdata  21154  21154      0");
        assertThat(SlabInfo.row(fixed("ext4_groupinfo_4k", 2054, 2054, 152, 26, 1, new int[] {0, 0, 0}, 79, 79)))
            .startsWith("ext4_groupinfo_4k   2054   2054    152   26    1 : tunables    0    0  ");
    }

    @Test
    void slabTunablesUseFourColumnWidths() {
        // a SLAB row: "%4u %4u %4u" tunables
        assertThat(SlabInfo.row(fixed("size-64", 3776, 3776, 64, 59, 1, new int[] {120, 60, 0}, 64, 64)))
            .isEqualTo("size-64             3776   3776     64   59    1 : tunables  120   60    0 : slabdata     64     64      0");
    }

    @Test
    void headerAndNewestFirst() {
        String text = SlabInfo.render(List.of(
            fixed("old", 0, 0, 32, 128, 1, new int[] {0, 0, 0}, 0, 0),
            fixed("new", 0, 0, 64, 64, 1, new int[] {0, 0, 0}, 0, 0)));
        assertThat(text.split("\n")).containsExactly(
            "slabinfo - version: 2.1",
            "# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab> : tunables <limit>"
                + " <batchcount> <sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail>",
            "new                    0      0     64   64    1 : tunables    0    0    0 : slabdata      0      0      0",
            "old                    0      0     32  128    1 : tunables    0    0    0 : slabdata      0      0      0");
    }

    @Test
    void slubRowOfALiveAllocator() {
        SlabAllocator slab = Machines.machine("slub").slab();
        for (int i = 0; i < 65; i++) {
            slab.kmalloc(64, Gfp.GFP_KERNEL);
        }
        // 65 objects of 64 bytes: one full slab of 64 and one with 1 of 64
        String text = SlabInfo.render(slab.caches());
        assertThat(text).contains(
            "kmalloc-64            65    128     64   64    1 : tunables    0    0    0 : slabdata      2      2      0\n");
        assertThat(text.split("\n")[text.split("\n").length - 1]).startsWith("kmalloc-32 ");
    }

    @Test
    void slabRowShowsTunables() {
        SlabAllocator slab = Machines.machine("slab").slab();
        slab.kmalloc(64, Gfp.GFP_KERNEL);
        // kmalloc-64 under SLAB: 59 per page (see BonwickGeometryTest); the refill took one slab
        assertThat(SlabInfo.render(slab.caches())).contains(
            "kmalloc-64             1     59     64   59    1 : tunables  120   60    0 : slabdata      1      1      0\n");
    }
}
