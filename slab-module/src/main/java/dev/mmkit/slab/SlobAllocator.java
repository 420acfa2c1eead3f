package dev.mmkit.slab;

import dev.mmkit.api.hw.Page;
import dev.mmkit.api.machine.Machine;
import dev.mmkit.api.machine.MemMap;
import dev.mmkit.api.machine.PageFlags;
import dev.mmkit.api.page.Gfp;
import dev.mmkit.api.page.PageAllocator;
import dev.mmkit.api.page.ZoneType;
import dev.mmkit.api.slab.ObjectConstructor;
import dev.mmkit.api.slab.SlabError;
import dev.mmkit.api.slab.SlabFlags;

/**
 * SLOB, "simple list of blocks" (Matt Mackall, Linux 2.6.16; {@code mm/slob.c}): the
 * allocator for small machines, a classic K&amp;R-style first-fit heap inside pages.
 *
 * <h2>Glossary</h2>
 * <ul>
 *   <li><b>unit</b>: {@code SLOB_UNIT} = 2 bytes; every size is rounded up to units and a
 *       page holds 2048 of them.</li>
 *   <li><b>slob page</b>: an order-0 page shared by all caches and by kmalloc, with a
 *       free list of blocks inside it. There are no per-cache slabs.</li>
 *   <li><b>free block</b>: a run of free units whose first unit(s) say its size and where
 *       the next free block of the page starts (offsets in units from the page start;
 *       2048 = none). A one-unit block holds only the negated next offset:
 *       <pre>
 *  units &gt; 1:  | size (s16) | next (s16) | ...free... |
 *  units = 1:  | -next (s16) |
 *       </pre></li>
 *   <li><b>lists</b>: pages with free units are on one of three lists by the size of the
 *       request that last freed into them: small (&lt; 256 bytes), medium (&lt; 1024),
 *       large (the rest, below a page).</li>
 * </ul>
 * The first page frame's {@code private} holds the free units of the page
 * ({@code sp->units}) and {@code index} the offset of its first free block
 * ({@code sp->freelist}).
 *
 * <h2>Algorithm: [slob_alloc(size, align)]</h2>
 * <ol>
 *   <li>Pick the list by size; for each page with enough free units, walk its blocks first
 *       fit, splitting off a head fragment to honour the alignment and a tail fragment
 *       with what is left over.</li>
 *   <li>Rotate the list so that the next search starts at the page that served this one
 *       (Knuth's next fit, which spreads fragments).</li>
 *   <li>No page fits: take a new page, make it one free block, and allocate from it.</li>
 * </ol>
 * <h2>Algorithm: [slob_free(block, size)]</h2>
 * A page that becomes entirely free goes back to the page allocator. A full page gets a
 * one-block free list and goes on the list for this size. Otherwise the block is inserted
 * in address order, merged with a free neighbour on either side.
 *
 * <h2>kmalloc and caches</h2>
 * kmalloc prefixes each block with an 8-byte header holding the size (so kfree knows it);
 * a power-of-two request is aligned to its size. A request of a page or more (less the
 * header) takes whole pages. {@code kmem_cache_alloc} blocks have no header: the cache
 * knows the size. SLOB has no general caches and no slabs: {@code caches()} lists only the
 * caches created, with their object counts. The constructor runs on every allocation, as
 * in Linux: a free block's first bytes hold free-list links, so nothing of the object
 * survives a free. Of the debug flags only F (double free: the block overlaps a free one)
 * applies; SLOB has no room for red zones, poison or tracks.
 */
final class SlobAllocator extends AbstractSlabAllocator {
    static final int SLOB_UNIT = 2;
    static final int UNITS_PER_PAGE = Page.SIZE / SLOB_UNIT;
    static final int SLOB_BREAK1 = 256;
    static final int SLOB_BREAK2 = 1024;
    /** {@code max(ARCH_KMALLOC_MINALIGN, ARCH_SLAB_MINALIGN)}: the kmalloc header. */
    static final int MINALIGN = 8;
    private static final int NONE = UNITS_PER_PAGE;

    final FrameList small = new FrameList(links, "free_slob_small");
    final FrameList medium = new FrameList(links, "free_slob_medium");
    final FrameList large = new FrameList(links, "free_slob_large");
    /** Pages held as slob pages. */
    long slobPages;
    /** Bytes handed out by slob_alloc (what callers asked for, kmalloc headers included). */
    long blockBytes;
    private final boolean checkFrees;

    SlobAllocator(Machine machine, SlabConfig config) {
        super(machine, config);
        this.checkFrees = (config.debugs("kmalloc") & SlabFlags.SLAB_CONSISTENCY_CHECKS) != 0;
    }

    @Override
    String flavour() {
        return "slob";
    }

    @Override
    void boot() {
        if (general == null) {
            general = new CacheBase[0];
        }
    }

    @Override
    boolean ownsAnonymousSlabPages() {
        return true;
    }

    @Override
    CacheBase newCache(int id, String name, int size, int align, int flags, ObjectConstructor ctor, boolean general) {
        return new Cache(this, id, name, size, align, flags, ctor);
    }

    private FrameList listFor(long size) {
        return size < SLOB_BREAK1 ? small : size < SLOB_BREAK2 ? medium : large;
    }

    static int units(long bytes) {
        return (int) ((bytes + SLOB_UNIT - 1) / SLOB_UNIT);
    }

    // --- free block encoding ---------------------------------------------------------

    /** A 16-bit slob_t, read through the aligned 32-bit word that holds it (little-endian). */
    private short readShort(long paddr) {
        return (short) (machine.memory().readInt(paddr & ~3L) >> ((paddr & 2) << 3));
    }

    private void writeShort(long paddr, int value) {
        long word = paddr & ~3L;
        int shift = (int) ((paddr & 2) << 3);
        int old = machine.memory().readInt(word);
        machine.memory().writeInt(word, (old & ~(0xffff << shift)) | ((value & 0xffff) << shift));
    }

    /** {@code set_slob}: block at unit {@code b} of page {@code base} has {@code size} units, next at unit {@code next}. */
    private void setSlob(long base, int b, int size, int next) {
        long addr = base + (long) b * SLOB_UNIT;
        if (size > 1) {
            writeShort(addr, size);
            writeShort(addr + SLOB_UNIT, next);
        } else {
            writeShort(addr, -next);
        }
    }

    /** {@code slob_units}. */
    private int slobUnits(long base, int b) {
        short s = readShort(base + (long) b * SLOB_UNIT);
        return s > 0 ? s : 1;
    }

    /** {@code slob_next}: the unit offset of the next free block, {@link #NONE} for the last. */
    private int slobNext(long base, int b) {
        long addr = base + (long) b * SLOB_UNIT;
        short s = readShort(addr);
        return s < 0 ? -s : readShort(addr + SLOB_UNIT);
    }

    // --- pages -----------------------------------------------------------------------

    private int pageUnits(long pfn) {
        return (int) machine.memMap().privateData(pfn);
    }

    private int pageFreelist(long pfn) {
        return (int) machine.memMap().index(pfn);
    }

    private void setPage(long pfn, int units, int freelist) {
        machine.memMap().setPrivateData(pfn, units);
        machine.memMap().setIndex(pfn, freelist);
    }

    /** {@code slob_page_alloc}: first fit in one page; the block's address or 0. */
    private long pageAlloc(long pfn, long size, int align, int alignOffset) {
        long base = pfn << Page.SHIFT;
        int units = units(size);
        int prev = -1;
        for (int cur = pageFreelist(pfn); ; prev = cur, cur = slobNext(base, cur)) {
            int avail = slobUnits(base, cur);
            int delta = 0;
            int aligned = cur;
            if (align > 0) {
                long addr = SlotLayout.alignUp(base + (long) cur * SLOB_UNIT + alignOffset, align) - alignOffset;
                aligned = (int) ((addr - base) / SLOB_UNIT);
                delta = aligned - cur;
            }
            if (avail >= units + delta) {
                if (delta > 0) {
                    int next = slobNext(base, cur);
                    setSlob(base, aligned, avail - delta, next);
                    setSlob(base, cur, delta, aligned);
                    prev = cur;
                    cur = aligned;
                    avail = slobUnits(base, cur);
                }
                int next = slobNext(base, cur);
                if (avail == units) {
                    if (prev >= 0) {
                        setSlob(base, prev, slobUnits(base, prev), next);
                    } else {
                        setPage(pfn, pageUnits(pfn), next);
                    }
                } else {
                    if (prev >= 0) {
                        setSlob(base, prev, slobUnits(base, prev), cur + units);
                    } else {
                        setPage(pfn, pageUnits(pfn), cur + units);
                    }
                    setSlob(base, cur + units, avail - units, next);
                }
                int left = pageUnits(pfn) - units;
                setPage(pfn, left, pageFreelist(pfn));
                return base + (long) cur * SLOB_UNIT;
            }
            if (slobNext(base, cur) == NONE) {
                return 0;
            }
        }
    }

    /** {@code slob_alloc}: a block of {@code size} bytes, aligned so that {@code block + alignOffset} is; 0 if no memory. */
    long slobAlloc(long size, int gfp, int align, int alignOffset) {
        FrameList list = listFor(size);
        int units = units(size);
        boolean dma = Gfp.zone(gfp) == ZoneType.DMA;
        long b = 0;
        for (long pfn = list.first(); pfn >= 0; pfn = list.next(pfn)) {
            if (pageUnits(pfn) < units || dma && pageAllocator().zoneOf(pfn).type() != ZoneType.DMA) {
                continue;
            }
            b = pageAlloc(pfn, size, align, alignOffset);
            if (b == 0) {
                continue;
            }
            if (pageUnits(pfn) == 0) {
                list.remove(pfn);
            } else {
                list.rotateToFront(pfn);
            }
            break;
        }
        if (b == 0) {
            long pfn = allocSlab(null, gfp & ~Gfp.__GFP_ZERO, 0);
            if (pfn == PageAllocator.NO_PAGE) {
                return 0;
            }
            slobPages++;
            long base = pfn << Page.SHIFT;
            setPage(pfn, UNITS_PER_PAGE, 0);
            setSlob(base, 0, UNITS_PER_PAGE, NONE);
            list.addHead(pfn);
            b = pageAlloc(pfn, size, align, alignOffset);
            if (b == 0) {
                throw new IllegalStateException("slob: a fresh page could not serve " + size + " bytes");
            }
            if (pageUnits(pfn) == 0) {
                list.remove(pfn);
            }
        }
        blockBytes += size;
        if ((gfp & Gfp.__GFP_ZERO) != 0) {
            machine.memory().fill(b, size, (byte) 0);
        }
        return b;
    }

    /** {@code slob_free}; {@code objp} is the address the caller gave, named in an error. */
    void slobFree(String who, long objp, long block, long size, boolean check) {
        long pfn = block >>> Page.SHIFT;
        long base = pfn << Page.SHIFT;
        int b = (int) ((block - base) / SLOB_UNIT);
        int units = units(size);
        if (check) {
            checkNotFree(who, objp, pfn, block, b, units);
        }
        blockBytes -= size;
        if (pageUnits(pfn) + units == UNITS_PER_PAGE) {
            if (links.isLinked(pfn)) {
                listOf(pfn).remove(pfn);
            }
            slobPages--;
            freeSlab(null, pfn, 0);
            return;
        }
        if (!links.isLinked(pfn)) {
            setPage(pfn, units, b);
            setSlob(base, b, units, NONE);
            listFor(size).addHead(pfn);
            return;
        }
        setPage(pfn, pageUnits(pfn) + units, pageFreelist(pfn));
        int freelist = pageFreelist(pfn);
        if (b < freelist) {
            if (b + units == freelist) {
                units += slobUnits(base, freelist);
                freelist = slobNext(base, freelist);
            }
            setSlob(base, b, units, freelist);
            setPage(pfn, pageUnits(pfn), b);
        } else {
            int prev = freelist;
            int next = slobNext(base, prev);
            while (b > next) {
                prev = next;
                next = slobNext(base, prev);
            }
            if (next != NONE && b + units == next) {
                units += slobUnits(base, next);
                setSlob(base, b, units, slobNext(base, next));
            } else {
                setSlob(base, b, units, next);
            }
            if (prev + slobUnits(base, prev) == b) {
                units = slobUnits(base, b) + slobUnits(base, prev);
                setSlob(base, prev, units, slobNext(base, b));
            } else {
                setSlob(base, prev, slobUnits(base, prev), b);
            }
        }
    }

    /** F: the block must lie in a slob page and overlap no free block; an error names {@code objp}, the caller's pointer. */
    private void checkNotFree(String who, long objp, long pfn, long block, int b, int units) {
        MemMap memMap = machine.memMap();
        if ((memMap.flags(pfn) & PageFlags.PG_SLAB) == 0 || memMap.mapping(pfn) != 0 || b + units > UNITS_PER_PAGE) {
            throw new SlabError(who, objp, "Invalid object pointer 0x" + Long.toHexString(objp));
        }
        if (!links.isLinked(pfn)) {
            return;
        }
        long base = pfn << Page.SHIFT;
        for (int cur = pageFreelist(pfn); cur != NONE; cur = slobNext(base, cur)) {
            int end = cur + slobUnits(base, cur);
            if (cur < b + units && b < end) {
                throw new SlabError(who, objp, "Object already free");
            }
        }
    }

    private FrameList listOf(long pfn) {
        for (FrameList l : new FrameList[] {small, medium, large}) {
            for (long p = l.first(); p >= 0; p = l.next(p)) {
                if (p == pfn) {
                    return l;
                }
            }
        }
        throw new IllegalStateException("page 0x" + Long.toHexString(pfn) + ": linked but on no slob list");
    }

    @Override
    public long kmalloc(long size, int gfp) {
        if (size < 1) {
            throw new IllegalArgumentException("size: " + size + " (expected: at least 1)");
        }
        if (size < Page.SIZE - MINALIGN) {
            int align = Long.bitCount(size) == 1 ? (int) Math.max(MINALIGN, size) : MINALIGN;
            long m = slobAlloc(size + MINALIGN, gfp, align, MINALIGN);
            if (m == 0) {
                return 0;
            }
            machine.memory().writeInt(m, (int) size);
            return m + MINALIGN;
        }
        return kmallocLarge(size, gfp);
    }

    @Override
    public void kfree(long objp) {
        if (objp == 0) {
            return;
        }
        MemMap memMap = machine.memMap();
        long pfn = objp >>> Page.SHIFT;
        if (objp < 0 || pfn >= memMap.nrFrames()) {
            throw new SlabError("kfree", objp, "Object is not in a slab page");
        }
        if ((memMap.flags(pfn) & PageFlags.PG_SLAB) != 0) {
            long m = objp - MINALIGN;
            if ((objp & (MINALIGN - 1)) != 0 || (m >>> Page.SHIFT) != pfn) {
                throw new SlabError("kfree", objp, "Invalid object pointer 0x" + Long.toHexString(objp));
            }
            if (checkFrees) {
                checkNotFree("kfree", objp, pfn, m, (int) ((m & Page.OFFSET_MASK) / SLOB_UNIT), MINALIGN / SLOB_UNIT);
            }
            int size = machine.memory().readInt(m);
            if (size < 1 || size >= Page.SIZE - MINALIGN) {
                throw new SlabError("kfree", objp, "Invalid object pointer 0x" + Long.toHexString(objp)
                    + " (header holds size " + size + ")");
            }
            slobFree("kfree", objp, m, size + MINALIGN, checkFrees);
            return;
        }
        freeLarge("kfree", objp);
    }

    @Override
    public long slabPages() {
        return super.slabPages() + slobPages;
    }

    @Override
    public long shrink() {
        // Slob pages go back the moment they are empty: nothing to shrink.
        return 0;
    }

    /**
     * Every list walked, every slob page's blocks in address order inside the page with
     * their units summing to the page's count, full pages on no list, and the pages marked
     * in the MemMap equal to the count.
     */
    @Override
    public void verify() {
        super.verify();
        long onLists = 0;
        for (FrameList l : new FrameList[] {small, medium, large}) {
            for (long pfn : l.verify()) {
                onLists++;
                verifyPage(pfn);
            }
        }
        MemMap memMap = machine.memMap();
        long pages = 0;
        for (long pfn = 0; pfn < memMap.nrFrames(); pfn++) {
            if ((memMap.flags(pfn) & PageFlags.PG_SLAB) != 0 && memMap.mapping(pfn) == 0) {
                pages++;
                if (!links.isLinked(pfn) && pageUnits(pfn) != 0) {
                    throw new IllegalStateException("slob page 0x" + Long.toHexString(pfn) + " has " + pageUnits(pfn)
                        + " free units but is on no list");
                }
            }
        }
        if (pages != slobPages || onLists > pages) {
            throw new IllegalStateException("slob: " + slobPages + " pages counted but " + pages + " marked, " + onLists + " on lists");
        }
    }

    private void verifyPage(long pfn) {
        long base = pfn << Page.SHIFT;
        int sum = 0;
        int last = -1;
        int steps = 0;
        for (int cur = pageFreelist(pfn); cur != NONE; cur = slobNext(base, cur)) {
            int u = slobUnits(base, cur);
            if (cur <= last || cur < 0 || cur + u > UNITS_PER_PAGE || steps++ > UNITS_PER_PAGE) {
                throw new IllegalStateException("slob page 0x" + Long.toHexString(pfn) + ": free block at unit " + cur
                    + " of " + u + " units is out of order or outside the page");
            }
            last = cur + u - 1;
            sum += u;
        }
        if (sum != pageUnits(pfn) || sum == 0) {
            throw new IllegalStateException("slob page 0x" + Long.toHexString(pfn) + ": free blocks hold " + sum
                + " units but the page counts " + pageUnits(pfn));
        }
    }

    /** A SLOB cache: a size, an alignment and a constructor; objects are blocks in the shared pages. */
    static final class Cache extends CacheBase {
        private final SlobAllocator slob;
        private final int align;

        Cache(SlobAllocator owner, int id, String name, int objectSize, int align, int flags, ObjectConstructor ctor) {
            super(owner, id, name, objectSize, flags & ~(SlabFlags.SLAB_RED_ZONE | SlabFlags.SLAB_POISON | SlabFlags.SLAB_STORE_USER),
                ctor, SlotLayout.of(objectSize, align, flags & SlabFlags.SLAB_HWCACHE_ALIGN, ctor != null, false), false);
            this.slob = owner;
            this.align = layout.align;
            if (order(objectSize) >= owner.pageAllocator().maxOrder()) {
                throw new IllegalArgumentException("size: " + objectSize + " (expected: at most "
                    + (Page.SIZE << (owner.pageAllocator().maxOrder() - 1)) + " bytes, the largest block of the page allocator)");
            }
        }

        @Override
        public long alloc(int gfp) {
            int g = slabGfp(gfp) | (gfp & Gfp.__GFP_ZERO);
            long b = objectSize < Page.SIZE ? slob.slobAlloc(objectSize, g, align, 0) : slob.kmallocLarge(objectSize, g);
            if (b == 0) {
                return 0;
            }
            inUse++;
            if (ctor != null) {
                ctor.construct(b);
            }
            return b;
        }

        @Override
        public void free(long objp) {
            // SLOB's pages are shared by every cache, so no page says whose an object is: a
            // destroyed cache (refcount 0, see destroyNow) must refuse by itself, or it would
            // free whatever another cache now keeps at that address
            if (refcount == 0) {
                throw new SlabError(name, objp, "Slab cache already destroyed");
            }
            if (objp <= 0 || (objp >>> Page.SHIFT) >= memMap.nrFrames()) {
                throw new SlabError(name, objp, "Object is not in a slab page");
            }
            if (objectSize < Page.SIZE) {
                long pfn = objp >>> Page.SHIFT;
                if ((memMap.flags(pfn) & PageFlags.PG_SLAB) == 0 || memMap.mapping(pfn) != 0) {
                    throw new SlabError(name, objp, "Object is not in a slab page");
                }
                slob.slobFree(name, objp, objp, objectSize, checks);
            } else {
                slob.freeLarge(name, objp);
            }
            inUse--;
        }

        @Override
        void freeToSlab(long slab, long objp) {
            free(objp);
        }

        @Override
        public long shrink() {
            return 0;
        }

        @Override
        void release() {
        }

        @Override
        public long totalObjects() {
            return inUse;
        }

        /** Objects of this size an empty page holds. */
        @Override
        public int objectsPerSlab() {
            return objectSize < Page.SIZE ? UNITS_PER_PAGE / units(objectSize) : 1;
        }

        @Override
        public int pagesPerSlab() {
            return objectSize < Page.SIZE ? 1 : 1 << order(objectSize);
        }

        /** SLOB has no slabs of its own: pages are shared by every cache. */
        @Override
        public long activeSlabs() {
            return 0;
        }

        @Override
        public long totalSlabs() {
            return 0;
        }

        @Override
        public void verify() {
            if (inUse < 0) {
                throw new IllegalStateException(name + ": " + inUse + " objects in use");
            }
        }
    }
}
