package dev.mmkit.slab;

import dev.mmkit.api.hw.Page;
import dev.mmkit.api.machine.Machine;
import dev.mmkit.api.machine.MemMap;
import dev.mmkit.api.machine.PageFlags;
import dev.mmkit.api.machine.VmItem;
import dev.mmkit.api.page.Gfp;
import dev.mmkit.api.page.PageAllocator;
import dev.mmkit.api.slab.KmemCache;
import dev.mmkit.api.slab.ObjectConstructor;
import dev.mmkit.api.slab.SlabAllocator;
import dev.mmkit.api.slab.SlabError;
import dev.mmkit.api.slab.SlabFlags;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the flavours share ({@code mm/slab_common.c}): the list of caches, creation with its
 * argument checks, {@code SLAB_PANIC}, merging of compatible caches, destruction that
 * refuses while objects are live, {@code kmalloc} over the general caches and
 * {@code kmalloc_large} straight from the page allocator, and the accounting of slab pages
 * ({@code NR_SLAB_RECLAIMABLE}, {@code NR_SLAB_UNRECLAIMABLE}).
 *
 * <h2>Large kmalloc</h2>
 * A request above {@link KmallocSizes#MAX_SIZE} takes {@code 2^get_order(size)} frames;
 * the first frame gets {@code PG_HEAD} (not {@code PG_SLAB}) and keeps the order in its
 * {@code private} field, which is how {@link #kfree} tells it from a slab object and how
 * many pages it gives back. Like Linux, these pages count as unreclaimable slab memory.
 *
 * <h2>Address 0</h2>
 * 0 is the NULL object pointer. Should the page allocator hand out the block at pfn 0,
 * it is kept aside for good and another block is taken, so no object ever lives at 0.
 *
 * <p>Not thread-safe: the machine runs one CPU's work at a time; per-CPU structures are
 * selected by {@code machine.currentCpu()}.
 */
abstract class AbstractSlabAllocator implements SlabAllocator {
    final Machine machine;
    final SlabConfig config;
    private PageAllocator pageAllocator;
    final List<CacheBase> caches = new ArrayList<>();
    private final Map<String, KmemCache> byName = new HashMap<>();
    private CacheBase[] byId = new CacheBase[32];
    private int nextId = 1;
    /** The general caches by {@link KmallocSizes} index; null until booted. */
    CacheBase[] general;
    /** The DMA general caches ({@code dma-kmalloc-64}), created on first {@code GFP_DMA} kmalloc. */
    private final CacheBase[] dmaGeneral = new CacheBase[KmallocSizes.COUNT];
    /** Links of the slab lists kept per frame (page->slab_list). */
    final FrameList.Links links = new FrameList.Links();
    /** Pages held by large kmalloc allocations. */
    long largePages;
    /** Order of the block at pfn 0 kept aside, or -1. */
    int nullBlockOrder = -1;

    /** The machine's frame metadata (a service, not a collaborator: safe to keep from create). */
    final MemMap memMap;

    AbstractSlabAllocator(Machine machine, SlabConfig config) {
        this.machine = machine;
        this.config = config;
        this.memMap = machine.memMap();
        this.nrFrames = memMap.nrFrames();
    }

    /** Frames of the machine. */
    final long nrFrames;

    /** The flavour's name in configuration: slab, slub, slob. */
    abstract String flavour();

    /** Creates a cache of this flavour; throws {@link IllegalArgumentException} when the size cannot be served. */
    abstract CacheBase newCache(int id, String name, int size, int align, int flags, ObjectConstructor ctor, boolean general);

    /** Whether compatible caches may be merged ({@code merge = true}); SLUB only. */
    boolean mergeable() {
        return false;
    }

    final PageAllocator pageAllocator() {
        if (pageAllocator == null) {
            pageAllocator = machine.pageAllocator();
        }
        return pageAllocator;
    }

    /** Creates the general caches on first use ({@code create_kmalloc_caches}). */
    void boot() {
        if (general != null) {
            return;
        }
        general = new CacheBase[KmallocSizes.COUNT];
        for (int i = 0; i < KmallocSizes.COUNT; i++) {
            String name = KmallocSizes.name(i);
            CacheBase cache;
            try {
                cache = newCache(nextId, name, KmallocSizes.SIZES[i], SlotLayout.WORD, config.debugs(name), null, true);
            } catch (IllegalArgumentException e) {
                // A slab of this size needs a block larger than the page allocator's largest
                // (a small max-order): as Linux bounds KMALLOC_SHIFT_HIGH by MAX_ORDER, there is
                // no general cache from here on, and kmalloc of these sizes goes to kmalloc_large.
                break;
            }
            general[i] = register(cache);
        }
    }

    private CacheBase register(CacheBase cache) {
        if (cache.id >= byId.length) {
            byId = Arrays.copyOf(byId, byId.length * 2);
        }
        byId[cache.id] = cache;
        nextId++;
        caches.add(cache);
        byName.put(cache.name, cache);
        return cache;
    }

    @Override
    public final KmemCache createCache(String name, int size, int align, int flags, ObjectConstructor ctor) {
        boot();
        try {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("name: must not be empty");
            }
            if (byName.containsKey(name)) {
                throw new IllegalArgumentException("Duplicate cache name [" + name + "]");
            }
            if (size < 1) {
                throw new IllegalArgumentException("size: " + size + " (expected: at least 1)");
            }
            if (align < 0 || align > Page.SIZE || (align & (align - 1)) != 0) {
                throw new IllegalArgumentException("align: " + align + " (expected: 0 or a power of two up to 4096)");
            }
            int effective = flags | config.debugs(name);
            if (config.merge && mergeable()) {
                CacheBase target = findMergeable(size, align, effective, ctor);
                if (target != null) {
                    target.refcount++;
                    // __kmem_cache_alias: s->object_size = max(s->object_size, size)
                    target.objectSize = Math.max(target.objectSize, size);
                    MergedCache alias = new MergedCache(name, target);
                    byName.put(name, alias);
                    return alias;
                }
            }
            return register(newCache(nextId, name, size, align, effective, ctor, false));
        } catch (IllegalArgumentException e) {
            if ((flags & SlabFlags.SLAB_PANIC) != 0) {
                throw new Error("Kernel panic - not syncing: kmem_cache_create: Failed to create slab '" + name
                    + "'. Error: " + e.getMessage(), e);
            }
            throw e;
        }
    }

    /** Flags that make a cache unmergeable ({@code SLAB_NEVER_MERGE}). */
    private static final int NEVER_MERGE = SlabFlags.SLAB_RED_ZONE | SlabFlags.SLAB_POISON
        | SlabFlags.SLAB_STORE_USER | SlabFlags.SLAB_CONSISTENCY_CHECKS;
    /** Flags two caches must agree on to merge ({@code SLAB_MERGE_SAME}). */
    private static final int MERGE_SAME = SlabFlags.SLAB_RECLAIM_ACCOUNT | SlabFlags.SLAB_CACHE_DMA;

    /** {@code find_mergeable}: the oldest cache whose slots fit this one with less than a word to spare. */
    private CacheBase findMergeable(int size, int align, int flags, ObjectConstructor ctor) {
        if (ctor != null || (flags & NEVER_MERGE) != 0) {
            return null;
        }
        int s = SlotLayout.alignUp(size, SlotLayout.WORD);
        int a = SlotLayout.alignment(flags, align, s);
        s = SlotLayout.alignUp(s, a);
        for (CacheBase c : caches) {
            if (c.ctor != null || (c.flags & NEVER_MERGE) != 0 || s > c.size
                || (flags & MERGE_SAME) != (c.flags & MERGE_SAME)
                || (c.size & ~(a - 1)) != c.size || c.size - s >= SlotLayout.WORD) {
                continue;
            }
            return c;
        }
        return null;
    }

    @Override
    public final void destroyCache(KmemCache cache) {
        boot();
        if (cache == null || byName.get(cache.name()) != cache) {
            throw new IllegalArgumentException("Unknown cache [" + (cache == null ? null : cache.name()) + "]");
        }
        CacheBase target = cache instanceof MergedCache ? ((MergedCache) cache).target : (CacheBase) cache;
        if (cache instanceof MergedCache) {
            // an alias goes at once; the cache it names goes with its last user (kmem_cache_destroy's refcount)
            if (target.refcount == 1 && !target.general) {
                destroyNow(target);
            } else {
                target.refcount--;
            }
            byName.remove(cache.name());
            return;
        }
        if (target.general) {
            throw new IllegalArgumentException(target.name + ": a general kmalloc cache cannot be destroyed");
        }
        if (target.refcount > 1) {
            target.refcount--;
            return;
        }
        destroyNow(target);
    }

    private void destroyNow(CacheBase target) {
        target.shrink();
        if (target.inUse > 0) {
            throw new SlabError(target.name, "Slab cache still has " + target.inUse + " objects when destroyed");
        }
        target.release();
        target.refcount = 0;
        caches.remove(target);
        byId[target.id] = null;
        byName.values().removeIf(c -> c == target || c instanceof MergedCache && ((MergedCache) c).target == target);
    }

    /** The name of the cache with id {@code id}, for messages. */
    final String cacheName(int id) {
        CacheBase c = id > 0 && id < byId.length ? byId[id] : null;
        return c == null ? "no cache (id " + id + ")" : c.name;
    }

    final CacheBase cacheById(int id) {
        return id > 0 && id < byId.length ? byId[id] : null;
    }

    /** The cache of this name, merged aliases included; null if none. */
    final KmemCache cache(String name) {
        boot();
        return byName.get(name);
    }

    @Override
    public long kmalloc(long size, int gfp) {
        CacheBase[] g = general;
        if (size >= 1 && size <= KmallocSizes.MAX_SIZE && g != null && (gfp & DMA_BITS) == 0) {
            CacheBase cache = g[KmallocSizes.index(size)];
            if (cache != null) {
                return cache.alloc(gfp);
            }
        }
        return kmallocSlow(size, gfp);
    }

    private static final int DMA_BITS = Gfp.__GFP_DMA | Gfp.__GFP_DMA32;

    private long kmallocSlow(long size, int gfp) {
        if (size < 1) {
            throw new IllegalArgumentException("size: " + size + " (expected: at least 1)");
        }
        boot();
        if (size > KmallocSizes.MAX_SIZE || general[KmallocSizes.index(size)] == null) {
            return kmallocLarge(size, gfp);
        }
        int index = KmallocSizes.index(size);
        if ((gfp & DMA_BITS) == 0) {
            return general[index].alloc(gfp);
        }
        // kmalloc_caches[KMALLOC_DMA]: a GFP_DMA request needs memory from ZONE_DMA
        if (dmaGeneral[index] == null) {
            String name = "dma-" + KmallocSizes.name(index);
            dmaGeneral[index] = register(newCache(nextId, name, KmallocSizes.SIZES[index], SlotLayout.WORD,
                SlabFlags.SLAB_CACHE_DMA | config.debugs(name), null, true));
        }
        return dmaGeneral[index].alloc(gfp);
    }

    /** The fast path: an object in the first frame of a slab of a live cache; anything else goes to {@link #kfreeSlow}. */
    @Override
    public void kfree(long objp) {
        long pfn = objp >>> Page.SHIFT;
        if (objp > 0 && pfn < nrFrames && (memMap.flags(pfn) & PageFlags.PG_SLAB) != 0) {
            int mapping = memMap.mapping(pfn);
            CacheBase[] ids = byId;
            if (mapping > 0 && mapping < ids.length && ids[mapping] != null) {
                ids[mapping].freeToSlab(pfn, objp);
                return;
            }
        }
        kfreeSlow(objp);
    }

    private void kfreeSlow(long objp) {
        if (objp == 0) {
            return;
        }
        long pfn = objp >>> Page.SHIFT;
        if (objp < 0 || pfn >= memMap.nrFrames()) {
            throw new SlabError("kfree", objp, "Object is not in a slab page");
        }
        int flags = memMap.flags(pfn);
        if ((flags & PageFlags.PG_SLAB) != 0) {
            int mapping = memMap.mapping(pfn);
            long head = pfn;
            if (mapping < 0) {
                head = pfn + mapping;
                mapping = memMap.mapping(head);
            }
            CacheBase cache = cacheById(mapping);
            if (cache == null) {
                throw new SlabError("kfree", objp, "Object is in a slab page of no cache");
            }
            cache.freeToSlab(head, objp);
            return;
        }
        freeLarge("kfree", objp);
    }

    /** Frees a {@link #kmallocLarge} block; {@code who} names the caller in the error. */
    final void freeLarge(String who, long objp) {
        MemMap memMap = machine.memMap();
        long pfn = objp >>> Page.SHIFT;
        if ((memMap.flags(pfn) & (PageFlags.PG_HEAD | PageFlags.PG_SLAB)) != PageFlags.PG_HEAD
            || (objp & Page.OFFSET_MASK) != 0) {
            throw new SlabError(who, objp, "Object is not in a slab page");
        }
        int order = (int) memMap.privateData(pfn);
        memMap.clearFlag(pfn, PageFlags.PG_HEAD);
        memMap.setPrivateData(pfn, 0);
        largePages -= 1L << order;
        machine.vmstat().add(VmItem.NR_SLAB_UNRECLAIMABLE, -(1L << order));
        pageAllocator().freePages(pfn, order);
    }

    /** {@code kmalloc_large}: whole pages; the order is kept in the first frame's {@code private}. */
    final long kmallocLarge(long size, int gfp) {
        int order = order(size);
        if (order >= pageAllocator().maxOrder()) {
            return 0;
        }
        long pfn = allocPages(gfp | Gfp.__GFP_COMP, order);
        if (pfn == PageAllocator.NO_PAGE) {
            return 0;
        }
        MemMap memMap = machine.memMap();
        memMap.setFlag(pfn, PageFlags.PG_HEAD);
        memMap.setPrivateData(pfn, order);
        largePages += 1L << order;
        machine.vmstat().add(VmItem.NR_SLAB_UNRECLAIMABLE, 1L << order);
        return pfn << Page.SHIFT;
    }

    /** {@code get_order}: the smallest order whose block holds {@code bytes}. */
    static int order(long bytes) {
        long pages = (bytes + Page.SIZE - 1) >>> Page.SHIFT;
        return pages <= 1 ? 0 : 64 - Long.numberOfLeadingZeros(pages - 1);
    }

    /** Pages from the page allocator, never the block at pfn 0. */
    private long allocPages(int gfp, int order) {
        long pfn = pageAllocator().allocPages(gfp, order);
        if (pfn == 0) {
            nullBlockOrder = order;
            pfn = pageAllocator().allocPages(gfp, order);
        }
        return pfn;
    }

    /**
     * A new slab of 2^order frames for {@code cache} (or, with a null cache, for SLOB's
     * shared pages): frames marked {@code PG_SLAB}, first frame's {@code mapping} = the
     * cache id, the others' = minus their distance. Returns the first pfn or NO_PAGE.
     */
    final long allocSlab(CacheBase cache, int gfp, int order) {
        long pfn = allocPages(gfp, order);
        if (pfn == PageAllocator.NO_PAGE) {
            return pfn;
        }
        MemMap memMap = machine.memMap();
        links.ensure(memMap.nrFrames());
        int n = 1 << order;
        for (int i = 0; i < n; i++) {
            memMap.setFlag(pfn + i, PageFlags.PG_SLAB);
            memMap.setMapping(pfn + i, i == 0 ? (cache == null ? 0 : cache.id) : -i);
        }
        if (order > 0) {
            memMap.setFlag(pfn, PageFlags.PG_HEAD);
        }
        boolean reclaimable = cache != null && cache.reclaimable;
        machine.vmstat().add(reclaimable ? VmItem.NR_SLAB_RECLAIMABLE : VmItem.NR_SLAB_UNRECLAIMABLE, n);
        if (cache != null) {
            cache.pages += n;
        }
        return pfn;
    }

    /** Gives a slab's frames back, their slab metadata cleared. */
    final void freeSlab(CacheBase cache, long pfn, int order) {
        MemMap memMap = machine.memMap();
        int n = 1 << order;
        for (int i = 0; i < n; i++) {
            memMap.clearFlag(pfn + i, PageFlags.PG_SLAB | PageFlags.PG_HEAD);
            memMap.setMapping(pfn + i, 0);
            memMap.setIndex(pfn + i, 0);
            memMap.setPrivateData(pfn + i, 0);
        }
        boolean reclaimable = cache != null && cache.reclaimable;
        machine.vmstat().add(reclaimable ? VmItem.NR_SLAB_RECLAIMABLE : VmItem.NR_SLAB_UNRECLAIMABLE, -n);
        if (cache != null) {
            cache.pages -= n;
        }
        pageAllocator().freePages(pfn, order);
    }

    /**
     * Shrinks every cache, newest first: a cache's off-slab descriptors come from older
     * (general) caches, which are shrunk after it and so also give back what it freed.
     */
    @Override
    public long shrink() {
        boot();
        long freed = 0;
        for (int i = caches.size() - 1; i >= 0; i--) {
            freed += caches.get(i).shrink();
        }
        return freed;
    }

    @Override
    public List<? extends KmemCache> caches() {
        boot();
        return Collections.unmodifiableList(caches);
    }

    @Override
    public long slabPages() {
        long pages = largePages;
        for (CacheBase c : caches) {
            pages += c.pages;
        }
        return pages;
    }

    @Override
    public long reclaimableSlabPages() {
        long pages = 0;
        for (CacheBase c : caches) {
            if (c.reclaimable) {
                pages += c.pages;
            }
        }
        return pages;
    }

    /**
     * Every cache's invariants, then the frames: each {@code PG_SLAB} frame belongs to a
     * live cache, and each cache's page count equals the frames that name it.
     */
    @Override
    public void verify() {
        boot();
        for (CacheBase c : caches) {
            c.verify();
        }
        MemMap memMap = machine.memMap();
        long[] frames = new long[byId.length];
        for (long pfn = 0; pfn < memMap.nrFrames(); pfn++) {
            if ((memMap.flags(pfn) & PageFlags.PG_SLAB) == 0) {
                continue;
            }
            int mapping = memMap.mapping(pfn);
            if (mapping < 0) {
                long head = pfn + mapping;
                if (head < 0 || (memMap.flags(head) & PageFlags.PG_SLAB) == 0 || memMap.mapping(head) < 0) {
                    throw new IllegalStateException("page 0x" + Long.toHexString(pfn) + ": slab tail page whose head 0x"
                        + Long.toHexString(head) + " is not a slab head");
                }
                mapping = memMap.mapping(head);
            }
            if (mapping == 0 && !ownsAnonymousSlabPages()) {
                throw new IllegalStateException("page 0x" + Long.toHexString(pfn) + ": slab page of no cache");
            }
            if (mapping > 0) {
                if (cacheById(mapping) == null) {
                    throw new IllegalStateException("page 0x" + Long.toHexString(pfn) + ": slab page of destroyed cache id " + mapping);
                }
                frames[mapping]++;
            }
        }
        for (CacheBase c : caches) {
            if (frames[c.id] != c.pages) {
                throw new IllegalStateException(c.name + ": " + c.pages + " pages counted but " + frames[c.id]
                    + " frames are marked as its slabs");
            }
        }
    }

    /** Whether slab pages with mapping 0 (shared by all caches, SLOB) are this allocator's. */
    boolean ownsAnonymousSlabPages() {
        return false;
    }

    @Override
    public String toString() {
        return flavour() + " allocator, " + caches.size() + " caches";
    }
}
