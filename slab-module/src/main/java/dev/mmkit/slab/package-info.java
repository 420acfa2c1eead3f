/**
 * The object-cache allocators ({@code mmkit.machine.slab.impl}): {@code slub}
 * ({@link dev.mmkit.slab.SlubProvider}), {@code slab} ({@link dev.mmkit.slab.SlabProvider},
 * Bonwick's design) and {@code slob} ({@link dev.mmkit.slab.SlobProvider}).
 *
 * <p>One file per algorithm: {@code SlubAllocator}, {@code BonwickSlabAllocator},
 * {@code SlobAllocator}; what they share is written once: {@code AbstractSlabAllocator}
 * (cache list, creation checks, {@code SLAB_PANIC}, merging, destroy, kmalloc and large
 * kmalloc, page accounting), {@code CacheBase} (finding an object's slab), {@code SlotLayout}
 * (alignment, red zone, poison, track), {@code KmallocSizes} and {@code FrameList}. Only the
 * providers are public; the package is private to the bundle.
 */
package dev.mmkit.slab;
