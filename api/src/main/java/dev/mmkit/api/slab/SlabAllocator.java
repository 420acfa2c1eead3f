package dev.mmkit.api.slab;

import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * An object allocator flavour (SLAB, SLUB, SLOB): creates caches and serves
 * {@code kmalloc} from its general caches.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>{@link #createCache} fails with {@link IllegalArgumentException} for a bad size,
 *       alignment or a duplicate name; with {@link SlabFlags#SLAB_PANIC} a failure is an
 *       {@link Error} that stops the machine.</li>
 *   <li>{@link #destroyCache} refuses, with {@link SlabError}, while objects are live,
 *       naming the cache and how many remain.</li>
 *   <li>{@link #kmalloc} serves sizes up to the largest general cache from the caches and
 *       larger ones straight from the page allocator; {@link #kfree} finds which.</li>
 *   <li>{@link #shrink} is reclaim's {@code shrink_slab}.</li>
 * </ul>
 */
@ConsumerType
public interface SlabAllocator {
    KmemCache createCache(String name, int size, int align, int flags, ObjectConstructor ctor);

    void destroyCache(KmemCache cache);

    /** Address of at least {@code size} bytes, or 0 when no memory can be had. */
    long kmalloc(long size, int gfp);

    void kfree(long objp);

    /** Gives empty slabs of every cache back; returns pages freed. */
    long shrink();

    /** Every cache, in creation order (slabinfo lists them). */
    List<? extends KmemCache> caches();

    /** Pages held in slabs (meminfo's {@code Slab}), and those of reclaimable caches. */
    long slabPages();

    long reclaimableSlabPages();

    void verify();
}
