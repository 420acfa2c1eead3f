package dev.mmkit.tlb;

import dev.mmkit.api.hw.Page;
import dev.mmkit.api.tlb.TlbListener;

/**
 * A single-level TLB refilled by the hardware walk, as on x86: on a miss {@link #lookup}
 * returns 0, the MMU walks the page table and calls {@link #insert} with the leaf PTE. The
 * level's organisation (fully associative, set associative, direct mapped) and
 * replacement rule come from configuration; see {@link TlbLevel} for the lookup.
 */
final class HardwareWalkedTlb extends AbstractTlb {
    private final TlbLevel level;

    HardwareWalkedTlb(TlbLevel level, AsidAllocator asids, TlbListener listener, boolean writebackBits) {
        super(new TlbLevel[] {level}, asids, listener, writebackBits);
        this.level = level;
    }

    @Override
    public long lookup(long vaddr, int access) {
        return level.lookup(vaddr, currentHw, marksDirty(access));
    }

    @Override
    public void insert(long vaddr, int access, long pte, int pageShift) {
        level.insert(vaddr, currentHw, pte, sizeClass(pageShift));
    }

    /** {@code invlpg} in the one level, without the loop over levels every other TLB takes. */
    @Override
    public void invalidatePage(long vaddr, int asid) {
        level.invalidatePage(vaddr, asids.hwAsid(asid));
    }

    static int sizeClass(int pageShift) {
        int size = TlbEntry.sizeClass(pageShift);
        if (size < 0) {
            throw new IllegalArgumentException("pageShift: " + pageShift + " (expected: " + Page.SHIFT + ", "
                + Page.SHIFT_2M + ", " + Page.SHIFT_4M + " or " + Page.SHIFT_1G + ")");
        }
        return size;
    }

    @Override
    public long hits() {
        return level.hits;
    }

    @Override
    public long misses() {
        return level.misses;
    }
}
