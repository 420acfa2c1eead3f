package dev.mmkit.slab;

import dev.mmkit.api.slab.KmemCache;

/**
 * A cache created with {@code merge = true} that shares an existing compatible cache
 * (SLUB's {@code __kmem_cache_alias}): its own name, the target's slabs. {@code /proc/slabinfo}
 * shows only the target's row.
 */
final class MergedCache implements KmemCache {
    final String name;
    final CacheBase target;

    MergedCache(String name, CacheBase target) {
        this.name = name;
        this.target = target;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int objectSize() {
        return target.objectSize;
    }

    @Override
    public int slotSize() {
        return target.size;
    }

    @Override
    public int flags() {
        return target.flags;
    }

    @Override
    public long alloc(int gfp) {
        return target.alloc(gfp);
    }

    @Override
    public void free(long objp) {
        target.free(objp);
    }

    @Override
    public long shrink() {
        return target.shrink();
    }

    @Override
    public long activeObjects() {
        return target.activeObjects();
    }

    @Override
    public long totalObjects() {
        return target.totalObjects();
    }

    @Override
    public int objectsPerSlab() {
        return target.objectsPerSlab();
    }

    @Override
    public int pagesPerSlab() {
        return target.pagesPerSlab();
    }

    @Override
    public long activeSlabs() {
        return target.activeSlabs();
    }

    @Override
    public long totalSlabs() {
        return target.totalSlabs();
    }

    @Override
    public int[] tunables() {
        return target.tunables();
    }

    @Override
    public long sharedAvail() {
        return target.sharedAvail();
    }

    @Override
    public void verify() {
        target.verify();
    }

    /** The cache this one is an alias of. */
    KmemCache target() {
        return target;
    }

    @Override
    public String toString() {
        return name + " -> " + target.name;
    }
}
