package dev.mmkit.slab;

// Exists to check SLOB's first fit by hand: block addresses, the three lists, coalescing, page return.

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mmkit.api.hw.Page;
import dev.mmkit.api.page.Gfp;
import dev.mmkit.api.slab.SlabError;
import org.junit.jupiter.api.Test;

class SlobTest {
    @Test
    void firstFitWithTheSizeHeader() {
        SlobAllocator slob = (SlobAllocator) Machines.machine("slob").slab();
        long a = slob.kmalloc(100, Gfp.GFP_KERNEL);
        long b = slob.kmalloc(100, Gfp.GFP_KERNEL);
        long base = a & ~Page.OFFSET_MASK;
        // header of 8 bytes, then the object: block 0..107 (54 units)
        assertThat(a - base).isEqualTo(8);
        // next free unit 54 = byte 108; the object must be 8-aligned: header at 112, object at 120
        assertThat(b - base).isEqualTo(120);
        assertThat(slob.small.count()).isEqualTo(1);
        slob.verify();
    }

    @Test
    void threeListsBySize() {
        SlobAllocator slob = (SlobAllocator) Machines.machine("slob").slab();
        slob.kmalloc(100, Gfp.GFP_KERNEL);
        slob.kmalloc(600, Gfp.GFP_KERNEL);
        slob.kmalloc(2000, Gfp.GFP_KERNEL);
        // each size class searches only its own list, so each took a page
        assertThat(slob.slabPages()).isEqualTo(3);
        assertThat(new int[] {slob.small.count(), slob.medium.count(), slob.large.count()}).containsExactly(1, 1, 1);
        slob.kmalloc(50, Gfp.GFP_KERNEL);
        assertThat(slob.slabPages()).isEqualTo(3);
        slob.verify();
    }

    @Test
    void freedBlocksCoalesceAndAnEmptyPageGoesBack() {
        SlobAllocator slob = (SlobAllocator) Machines.machine("slob").slab();
        long a = slob.kmalloc(100, Gfp.GFP_KERNEL);
        long b = slob.kmalloc(100, Gfp.GFP_KERNEL);
        long c = slob.kmalloc(100, Gfp.GFP_KERNEL);
        slob.kfree(b);
        slob.verify();
        slob.kfree(a);
        slob.verify();
        // a and b merged into one block at the start of the page: a 200-byte request fits there
        long d = slob.kmalloc(200, Gfp.GFP_KERNEL);
        assertThat(d).isEqualTo(a);
        slob.kfree(d);
        slob.kfree(c);
        assertThat(slob.slabPages()).isZero();
        slob.verify();
    }

    @Test
    void powersOfTwoAreAlignedToTheirSize() {
        SlobAllocator slob = (SlobAllocator) Machines.machine("slob").slab();
        slob.kmalloc(24, Gfp.GFP_KERNEL);
        long p = slob.kmalloc(512, Gfp.GFP_KERNEL);
        assertThat(p % 512).isZero();
        slob.verify();
    }

    @Test
    void aPageOrMoreGoesToThePageAllocator() {
        SlobAllocator slob = (SlobAllocator) Machines.machine("slob").slab();
        long p = slob.kmalloc(Page.SIZE - 8, Gfp.GFP_KERNEL);
        assertThat(p & Page.OFFSET_MASK).isZero();
        assertThat(slob.slabPages()).isEqualTo(1);
        slob.kfree(p);
        assertThat(slob.slabPages()).isZero();
    }

    @Test
    void doubleFreeWithConsistencyChecks() {
        SlobAllocator slob = (SlobAllocator) Machines.machine("slob", "slab.debug = F").slab();
        long a = slob.kmalloc(100, Gfp.GFP_KERNEL);
        slob.kmalloc(100, Gfp.GFP_KERNEL);
        slob.kfree(a);
        assertThatThrownBy(() -> slob.kfree(a)).isInstanceOf(SlabError.class)
            .hasMessageStartingWith("BUG kfree: Object already free");
        slob.verify();
    }
}
