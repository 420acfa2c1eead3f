package dev.mmkit.slab;

import dev.mmkit.api.hw.Page;
import dev.mmkit.api.hw.PhysicalMemory;
import dev.mmkit.api.machine.MemMap;
import dev.mmkit.api.machine.PageFlags;
import dev.mmkit.api.page.Gfp;
import dev.mmkit.api.slab.KmemCache;
import dev.mmkit.api.slab.ObjectConstructor;
import dev.mmkit.api.slab.SlabError;
import dev.mmkit.api.slab.SlabFlags;

/**
 * What every flavour's cache has: its identity, its slot layout, its counters, and the
 * checks of a pointer handed to {@code free} (is it in a slab page, of this cache).
 *
 * <h2>Finding a slab from an object</h2>
 * Every frame of a slab has {@code PG_SLAB}. The first frame's {@code mapping} is the id
 * of the owning cache (never 0); each following frame's {@code mapping} is minus its
 * distance from the first ({@code compound_head}), so an object's slab is found from its
 * address with at most two reads of the {@code MemMap}.
 */
abstract class CacheBase implements KmemCache {
    final AbstractSlabAllocator owner;
    final int id;
    final String name;
    /**
     * The size asked for ({@code object_size}); raised, never lowered, when a merged alias
     * asks for more of the same slot ({@code __kmem_cache_alias}), so that zeroing covers
     * what every user of the cache was promised.
     */
    int objectSize;
    final int flags;
    final ObjectConstructor ctor;
    final SlotLayout layout;
    /** Slot size ({@code s->size}), copied from the layout for the fast paths. */
    final int size;
    /** {@code SLAB_CONSISTENCY_CHECKS}: validate every free. */
    final boolean checks;
    /** Any debugging work on allocation or free (checks, red zone, poison, track). */
    final boolean debug;
    /** GFP bits every slab allocation of this cache adds (zone, reclaimable). */
    final int slabGfp;
    final boolean reclaimable;
    final PhysicalMemory memory;
    final MemMap memMap;
    final dev.mmkit.api.machine.Machine machine;
    final boolean general;

    /** {@code ceil(2^RECIPROCAL_SHIFT / size)}: {@link #checkObjectStart} divides by the slot size with it. */
    private final long sizeReciprocal;

    /** Objects handed out and not yet freed. */
    long inUse;
    /** Pages held in this cache's slabs. */
    long pages;
    /** Creations that share this cache (1 + merged aliases). */
    int refcount = 1;

    CacheBase(AbstractSlabAllocator owner, int id, String name, int objectSize, int flags, ObjectConstructor ctor,
              SlotLayout layout, boolean general) {
        this.owner = owner;
        this.id = id;
        this.name = name;
        this.objectSize = objectSize;
        this.flags = flags;
        this.ctor = ctor;
        this.layout = layout;
        this.size = layout.size;
        this.sizeReciprocal = ((1L << RECIPROCAL_SHIFT) + size - 1) / size;
        this.checks = (flags & SlabFlags.SLAB_CONSISTENCY_CHECKS) != 0;
        this.debug = checks || layout.debugBytes();
        this.reclaimable = (flags & SlabFlags.SLAB_RECLAIM_ACCOUNT) != 0;
        this.slabGfp = ((flags & SlabFlags.SLAB_CACHE_DMA) != 0 ? Gfp.GFP_DMA : 0)
            | (reclaimable ? Gfp.__GFP_RECLAIMABLE : 0);
        this.machine = owner.machine;
        this.memory = owner.machine.memory();
        this.memMap = owner.machine.memMap();
        this.general = general;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final int objectSize() {
        return objectSize;
    }

    @Override
    public final int slotSize() {
        return size;
    }

    @Override
    public final int flags() {
        return flags;
    }

    @Override
    public final long activeObjects() {
        return inUse;
    }

    /** The GFP mask for a slab of this cache from a caller's mask: the cache's zone, no zeroing. */
    final int slabGfp(int gfp) {
        return (gfp & ~(Gfp.GFP_ZONEMASK | Gfp.__GFP_ZERO)) | slabGfp;
    }

    /**
     * The first frame of the slab holding {@code objp}, after checking that it is a slab
     * page of this cache ({@code virt_to_slab}, {@code cache_from_obj}).
     */
    final long slabOf(long objp) {
        long pfn = objp >>> Page.SHIFT;
        if (objp <= 0 || pfn >= owner.nrFrames || (memMap.flags(pfn) & PageFlags.PG_SLAB) == 0) {
            throw new SlabError(name, objp, "Object is not in a slab page");
        }
        int mapping = memMap.mapping(pfn);
        long head = pfn;
        if (mapping < 0) {
            head = pfn + mapping;
            mapping = memMap.mapping(head);
        }
        if (mapping != id) {
            throw new SlabError(name, objp, "Wrong slab cache. " + name + " but object is from " + owner.cacheName(mapping));
        }
        return head;
    }

    private static final int RECIPROCAL_SHIFT = 40;
    /** Offsets and slot sizes below 2^22 and 2^18 (product below 2^40) divide exactly by the reciprocal. */
    private static final int EXACT_OFFSET_BITS = 22;
    private static final int EXACT_SIZE_BITS = RECIPROCAL_SHIFT - EXACT_OFFSET_BITS;

    /**
     * Refuses {@code objp} unless it starts one of the {@code objects} slots laid out from
     * {@code firstObject} ({@code check_valid_pointer}). SLAB and SLUB check this on every
     * free, debugging or not: a pointer into the middle of an object, past the last one or
     * into the slab's colour or slack would otherwise go on a freelist and later be handed
     * out overlapping a live object.
     *
     * <p>The slot number is the offset divided by the slot size, done as Linux's
     * {@code obj_to_index} does, by a multiply with the size's reciprocal
     * ({@code reciprocal_divide}): with {@code m = ceil(2^40 / size)},
     * {@code offset * m >> 40} exceeds {@code offset / size} by less than
     * {@code offset / 2^40}, which leaves the quotient exact while {@code offset * size < 2^40}:
     * always for slots under 256 KiB in slabs under 4 MiB. Anything larger divides.
     */
    final void checkObjectStart(long firstObject, long objp, int objects) {
        long offset = objp - firstObject;
        long index = ((offset >>> EXACT_OFFSET_BITS) | (size >>> EXACT_SIZE_BITS)) == 0
            ? (offset * sizeReciprocal) >>> RECIPROCAL_SHIFT
            : offset / size;
        if (offset < 0 || index >= objects || index * size != offset) {
            throw new SlabError(name, objp, "Invalid object pointer 0x" + Long.toHexString(objp));
        }
    }

    /** {@code kmem_cache_free}: finds and checks the object's slab, then frees into it. */
    @Override
    public void free(long objp) {
        freeToSlab(slabOf(objp), objp);
    }

    /** Frees {@code objp}, whose slab {@code slab} is known to belong to this cache. */
    abstract void freeToSlab(long slab, long objp);

    /** Zeroes a fresh object for {@code __GFP_ZERO} ({@code kzalloc}). */
    final void zero(long objp) {
        memory.fill(objp, objectSize, (byte) 0);
    }

    /** Lays out one object of a new slab: debugging bytes, then the constructor. */
    final void setupObject(long objp) {
        if (debug) {
            layout.initFree(memory, objp);
        }
        if (ctor != null) {
            ctor.construct(objp);
        }
    }

    /** Debug work when an object is handed out. */
    final void allocDebug(long objp) {
        layout.initActive(memory, objp);
        layout.track(memory, objp, false, owner.machine.currentCpu(), owner.machine.clock().now());
    }

    /** Debug work on free after the checks passed: the red zone, the poison and the track. */
    final void freeDebug(long objp) {
        String problem = layout.check(memory, objp, false);
        if (problem != null) {
            throw new SlabError(name, objp, problem + "; object not freed");
        }
        layout.track(memory, objp, true, owner.machine.currentCpu(), owner.machine.clock().now());
        layout.initFree(memory, objp);
    }

    /** Checks the debugging bytes of an object in {@link #verify()}. */
    final void verifyBytes(long objp, boolean free) {
        String problem = layout.check(memory, objp, free);
        if (problem != null) {
            throw new SlabError(name, objp, problem + layout.describeTrack(memory, objp));
        }
    }

    /** Pages of one slab of this cache's usual order. */
    @Override
    public abstract int pagesPerSlab();

    /** Gives back per-CPU objects and empty slabs; returns pages freed. */
    @Override
    public abstract long shrink();

    /** Makes a cache ready to be forgotten: every slab freed. Only called with no objects in use. */
    abstract void release();

    @Override
    public String toString() {
        return name;
    }
}
