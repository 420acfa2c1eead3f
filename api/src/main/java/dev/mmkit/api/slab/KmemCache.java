package dev.mmkit.api.slab;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A cache of objects of one size ({@code struct kmem_cache}). Objects are physical
 * addresses inside slabs (2^order frames from the page allocator).
 *
 * <p>{@link #free} of an object that is not allocated from this cache throws
 * {@link SlabError}; the cache stays consistent.
 */
@ConsumerType
public interface KmemCache {
    String name();

    /** The size asked for at creation ({@code object_size}). */
    int objectSize();

    /** The size of each object slot with alignment and metadata ({@code size}). */
    int slotSize();

    int flags();

    /** {@code kmem_cache_alloc}: an object's address, or 0 when no memory can be had. */
    long alloc(int gfp);

    /** {@code kmem_cache_free}. */
    void free(long objp);

    /** {@code kmem_cache_shrink}: gives empty slabs back to the page allocator; returns pages freed. */
    long shrink();

    // /proc/slabinfo columns

    /** Objects in use ({@code active_objs}). */
    long activeObjects();

    /** Object slots in all slabs ({@code num_objs}). */
    long totalObjects();

    int objectsPerSlab();

    int pagesPerSlab();

    /** Slabs with at least one object in use ({@code active_slabs}). */
    long activeSlabs();

    long totalSlabs();

    /** The SLAB tunables {@code limit batchcount sharedfactor}; zeros for flavours without them. */
    default int[] tunables() {
        return new int[] {0, 0, 0};
    }

    /** Objects in SLAB's shared (per-node) array cache ({@code shared_avail}); 0 for flavours without one. */
    default long sharedAvail() {
        return 0;
    }

    /** Re-derives the cache's invariants; throws {@link IllegalStateException} naming the first broken one. */
    void verify();
}
