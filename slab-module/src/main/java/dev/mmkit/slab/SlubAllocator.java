package dev.mmkit.slab;

import dev.mmkit.api.hw.Page;
import dev.mmkit.api.machine.Machine;
import dev.mmkit.api.machine.PageFlags;
import dev.mmkit.api.page.Gfp;
import dev.mmkit.api.page.PageAllocator;
import dev.mmkit.api.slab.ObjectConstructor;
import dev.mmkit.api.slab.SlabError;
import java.util.BitSet;

/**
 * SLUB, the unqueued slab allocator (Christoph Lameter, Linux 2.6.22; {@code mm/slub.c}).
 *
 * <h2>Glossary</h2>
 * <ul>
 *   <li><b>slab</b>: 2^order frames from the page allocator cut into {@code objects}
 *       slots of {@code size} bytes. There is no slab descriptor: what SLUB knows about a
 *       slab lives in the first frame's {@code struct page} (our {@code MemMap}).</li>
 *   <li><b>freelist</b>: a singly linked list of free objects; the link (free pointer) is
 *       a word inside each free object, at {@code offset} ({@link SlotLayout}).</li>
 *   <li><b>cpu slab</b>: the slab a CPU allocates from; its free objects have been moved
 *       to the CPU's own freelist, so the fast paths touch nothing shared. Such a slab is
 *       <i>frozen</i>.</li>
 *   <li><b>partial list</b>: per node ({@code kmem_cache_node}), the slabs with some free
 *       objects that no CPU owns. Full slabs are on no list at all.</li>
 * </ul>
 *
 * <h2>The slab's metadata in its first frame</h2>
 * <pre>
 *  flags    PG_SLAB (| PG_HEAD when order &gt; 0)
 *  mapping  the cache id (following frames: minus their distance to the first)
 *  private  the slab's own freelist (address of the first free object, 0 = none)
 *  index    counters:  bit 31 frozen | bits 30..16 objects | bits 15..0 inuse
 * </pre>
 * For a frozen slab {@code inuse} counts every object not on the slab's own freelist
 * (the CPU's freelist included): a frozen slab starts at {@code inuse = objects}.
 *
 * <h2>Algorithm: [alloc]</h2>
 * <ol>
 *   <li>Fast path: pop the CPU's freelist ({@code object = c->freelist;
 *       c->freelist = get_freepointer(object)}).</li>
 *   <li>Empty: take the frozen slab's own freelist, where frees from other CPUs went
 *       ({@code get_freelist}).</li>
 *   <li>Still empty: the cpu slab is full; unfreeze it (it goes on no list), freeze the
 *       first partial slab of the node, or a new slab ({@code new_slab}), and take its
 *       whole freelist.</li>
 * </ol>
 * <h2>Algorithm: [free]</h2>
 * <ol>
 *   <li>Fast path: the object is in this CPU's slab: push it on the CPU freelist.</li>
 *   <li>Otherwise push it on its slab's freelist and decrement {@code inuse}
 *       ({@code __slab_free}). A slab that was full goes on the partial list; one that
 *       became empty is given back to the page allocator once the node keeps
 *       {@code min_partial} partial slabs.</li>
 * </ol>
 * <h2>Slab order</h2>
 * {@code calculate_order}: the smallest order up to {@code PAGE_ALLOC_COSTLY_ORDER} (3)
 * that holds at least {@code min_objects = 4 * (fls(nr_cpus) + 1)} objects with at most
 * 1/16 of the slab left over, relaxing the waste to 1/8 and 1/4 and then the object count;
 * a slab of order {@code get_order(size)} is the fallback when memory is fragmented.
 *
 * <h2>Merging</h2>
 * With {@code merge = true}, a new cache without constructor or debugging whose slots fit
 * an existing cache's with less than a word to spare becomes an alias of it.
 *
 * <h2>Counters</h2>
 * {@code activeObjects} counts the objects handed out and not freed, exactly (Linux's
 * slabinfo counts every object of a cpu slab as active). {@code activeSlabs} leaves out
 * empty slabs kept on the partial list and empty cpu slabs.
 *
 * <p>[1] C. Lameter, "SLUB: The unqueued slab allocator V6", LWN, 2007.
 */
final class SlubAllocator extends AbstractSlabAllocator {
    /** {@code slub_max_order} = {@code PAGE_ALLOC_COSTLY_ORDER}. */
    static final int SLUB_MAX_ORDER = 3;
    /** {@code MAX_OBJS_PER_PAGE}: {@code objects} has 15 bits. */
    static final int MAX_OBJS_PER_PAGE = 32767;
    static final int MIN_PARTIAL = 5;
    static final int MAX_PARTIAL = 10;

    private static final int INUSE_MASK = 0xffff;
    private static final int OBJECTS_SHIFT = 16;
    private static final int OBJECTS_MASK = 0x7fff;
    private static final long FROZEN = 1L << 31;

    SlubAllocator(Machine machine, SlabConfig config) {
        super(machine, config);
    }

    @Override
    String flavour() {
        return "slub";
    }

    @Override
    boolean mergeable() {
        return true;
    }

    @Override
    CacheBase newCache(int id, String name, int size, int align, int flags, ObjectConstructor ctor, boolean general) {
        return new Cache(this, id, name, size, align, flags, ctor, general);
    }

    static long counters(int inuse, int objects, boolean frozen) {
        return inuse | (long) objects << OBJECTS_SHIFT | (frozen ? FROZEN : 0);
    }

    static int inuse(long counters) {
        return (int) counters & INUSE_MASK;
    }

    static int objects(long counters) {
        return (int) (counters >>> OBJECTS_SHIFT) & OBJECTS_MASK;
    }

    static boolean frozen(long counters) {
        return (counters & FROZEN) != 0;
    }

    /** {@code fls}: the 1-based position of the highest set bit, 0 for 0. */
    static int fls(int x) {
        return 32 - Integer.numberOfLeadingZeros(x);
    }

    /** {@code order_objects}. */
    static int orderObjects(int order, int size) {
        return (Page.SIZE << order) / size;
    }

    /** {@code calc_slab_order}. */
    static int calcSlabOrder(int size, int minObjects, int maxOrder, int fractLeftover) {
        if (orderObjects(0, size) > MAX_OBJS_PER_PAGE) {
            return order((long) size * MAX_OBJS_PER_PAGE) - 1;
        }
        int order;
        for (order = Math.max(0, order((long) minObjects * size)); order <= maxOrder; order++) {
            int slabSize = Page.SIZE << order;
            int rem = slabSize % size;
            if (rem <= slabSize / fractLeftover) {
                break;
            }
        }
        return order;
    }

    /** {@code calculate_order}; -1 when no order below {@code maxOrder} holds one object. */
    static int calculateOrder(int size, int nrCpus, int maxOrder) {
        // slub_max_order is at most the page allocator's largest order (Linux: min(slub_max_order, MAX_ORDER))
        int slubMaxOrder = Math.min(SLUB_MAX_ORDER, maxOrder - 1);
        int minObjects = 4 * (fls(nrCpus) + 1);
        int maxObjects = orderObjects(slubMaxOrder, size);
        minObjects = Math.min(minObjects, maxObjects);
        while (minObjects > 1) {
            for (int fraction = 16; fraction >= 4; fraction /= 2) {
                int order = calcSlabOrder(size, minObjects, slubMaxOrder, fraction);
                if (order <= slubMaxOrder) {
                    return order;
                }
            }
            minObjects--;
        }
        int order = calcSlabOrder(size, 1, slubMaxOrder, 1);
        if (order <= slubMaxOrder) {
            return order;
        }
        order = calcSlabOrder(size, 1, maxOrder, 1);
        return order < maxOrder ? order : -1;
    }

    /** One SLUB cache ({@code struct kmem_cache} with its {@code kmem_cache_cpu}s and one node). */
    static final class Cache extends CacheBase {
        final int order;
        final int objects;
        /** Fallback order when a slab of {@link #order} cannot be had ({@code s->min}). */
        final int minOrder;
        final int minObjects;
        /** Offset of the free pointer in a slot. */
        final int offset;
        /** {@code s->min_partial}: empty slabs kept on the partial list. */
        final int minPartial;
        /** Per CPU: the cpu slab's first pfn ({@code c->slab}), -1 for none. */
        final long[] cpuSlab;
        /** Per CPU: the lockless freelist ({@code c->freelist}), 0 for empty. */
        final long[] cpuFreelist;
        /** Objects of each CPU's slab: the free fast path checks a pointer against them without reading the slab's counters. */
        private final int[] cpuObjects;
        /** The node's partial list ({@code n->partial}). */
        final FrameList partial;
        long nrSlabs;
        long totalObjects;

        Cache(SlubAllocator owner, int id, String name, int objectSize, int align, int flags, ObjectConstructor ctor,
              boolean general) {
            super(owner, id, name, objectSize, flags, ctor, SlotLayout.of(objectSize, align, flags, ctor != null, true), general);
            int maxOrder = owner.pageAllocator().maxOrder();
            int o = calculateOrder(size, owner.machine.nrCpus(), maxOrder);
            if (o < 0) {
                throw new IllegalArgumentException("size: " + objectSize + " (expected: a slot of at most "
                    + (Page.SIZE << (maxOrder - 1)) + " bytes, the largest block of the page allocator)");
            }
            this.order = o;
            this.objects = orderObjects(o, size);
            this.minOrder = Math.min(o, order(size));
            this.minObjects = orderObjects(minOrder, size);
            this.offset = layout.freePointerOffset;
            // set_min_partial: ilog2(size) / 2, kept between MIN_PARTIAL and MAX_PARTIAL
            this.minPartial = Math.min(MAX_PARTIAL, Math.max(MIN_PARTIAL, (31 - Integer.numberOfLeadingZeros(size)) / 2));
            int cpus = owner.machine.nrCpus();
            this.cpuSlab = new long[cpus];
            this.cpuFreelist = new long[cpus];
            this.cpuObjects = new int[cpus];
            java.util.Arrays.fill(cpuSlab, -1);
            this.partial = new FrameList(owner.links, name + " node 0 partial list");
        }

        @Override
        public long alloc(int gfp) {
            int cpu = machine.currentCpu();
            long object = cpuFreelist[cpu];
            if (object == 0 || debug || (gfp & Gfp.__GFP_ZERO) != 0) {
                return allocSlowPath(cpu, gfp);
            }
            cpuFreelist[cpu] = memory.readLong(object + offset);
            inUse++;
            return object;
        }

        private long allocSlowPath(int cpu, int gfp) {
            long object = allocSlow(cpu, gfp);
            if (object == 0) {
                return 0;
            }
            inUse++;
            if ((gfp & Gfp.__GFP_ZERO) != 0) {
                zero(object);
            }
            return object;
        }

        /** {@code __slab_alloc}: refills the CPU freelist if needed, then pops it. */
        private long allocSlow(int cpu, int gfp) {
            long object = cpuFreelist[cpu];
            if (object == 0) {
                object = refill(cpu, gfp);
                if (object == 0) {
                    return 0;
                }
            }
            cpuFreelist[cpu] = memory.readLong(object + offset);
            if (debug) {
                allocDebug(object);
            }
            return object;
        }

        /** {@code ___slab_alloc}: a new freelist for the CPU; returns its first object or 0. */
        private long refill(int cpu, int gfp) {
            long slab = cpuSlab[cpu];
            if (slab >= 0) {
                long freelist = memMap.privateData(slab);
                if (freelist != 0) {
                    // get_freelist: objects other CPUs freed into our slab
                    memMap.setPrivateData(slab, 0);
                    long c = memMap.index(slab);
                    memMap.setIndex(slab, counters(objects(c), objects(c), true));
                    cpuFreelist[cpu] = freelist;
                    return freelist;
                }
                deactivate(cpu);
            }
            slab = partial.pollFirst();
            if (slab < 0) {
                slab = newSlab(gfp);
                if (slab < 0) {
                    return 0;
                }
            }
            long freelist = memMap.privateData(slab);
            long c = memMap.index(slab);
            memMap.setPrivateData(slab, 0);
            memMap.setIndex(slab, counters(objects(c), objects(c), true));
            cpuSlab[cpu] = slab;
            cpuFreelist[cpu] = freelist;
            cpuObjects[cpu] = objects(c);
            return freelist;
        }

        /** {@code allocate_slab}: pages, objects laid out and linked, or -1. */
        private long newSlab(int gfp) {
            int o = order;
            long pfn = owner.allocSlab(this, slabGfp(gfp), o);
            if (pfn == PageAllocator.NO_PAGE && minOrder != order) {
                o = minOrder;
                pfn = owner.allocSlab(this, slabGfp(gfp), o);
            }
            if (pfn == PageAllocator.NO_PAGE) {
                return -1;
            }
            int n = orderObjects(o, size);
            long base = pfn << Page.SHIFT;
            for (int i = 0; i < n; i++) {
                long object = base + (long) i * size;
                setupObject(object);
                memory.writeLong(object + offset, i + 1 < n ? object + size : 0);
            }
            memMap.setPrivateData(pfn, base);
            memMap.setIndex(pfn, counters(0, n, false));
            nrSlabs++;
            totalObjects += n;
            return pfn;
        }

        /** {@code discard_slab}. */
        private void discard(long slab) {
            int n = objects(memMap.index(slab));
            nrSlabs--;
            totalObjects -= n;
            owner.freeSlab(this, slab, n == objects ? order : minOrder);
        }

        /** {@code deactivate_slab}: the CPU's freelist back into its slab; the slab unfrozen. */
        private void deactivate(int cpu) {
            long slab = cpuSlab[cpu];
            if (slab < 0) {
                return;
            }
            long c = memMap.index(slab);
            int inuse = inuse(c);
            long slabFreelist = memMap.privateData(slab);
            for (long object = cpuFreelist[cpu]; object != 0; ) {
                long next = memory.readLong(object + offset);
                memory.writeLong(object + offset, slabFreelist);
                slabFreelist = object;
                object = next;
                inuse--;
            }
            memMap.setPrivateData(slab, slabFreelist);
            memMap.setIndex(slab, counters(inuse, objects(c), false));
            cpuSlab[cpu] = -1;
            cpuFreelist[cpu] = 0;
            if (inuse == 0 && partial.count() >= minPartial) {
                discard(slab);
            } else if (inuse < objects(c)) {
                partial.addTail(slab);
            }
        }

        @Override
        void freeToSlab(long slab, long objp) {
            int cpu = machine.currentCpu();
            if (slab == cpuSlab[cpu] && !debug) {
                checkObjectStart(slab << Page.SHIFT, objp, cpuObjects[cpu]);
                memory.writeLong(objp + offset, cpuFreelist[cpu]);
                cpuFreelist[cpu] = objp;
                inUse--;
                return;
            }
            freeSlowPath(slab, objp, cpu);
        }

        private void freeSlowPath(long slab, long objp, int cpu) {
            checkObjectStart(slab << Page.SHIFT, objp, objects(memMap.index(slab)));
            if (debug) {
                freeChecks(slab, objp);
            }
            inUse--;
            if (slab == cpuSlab[cpu]) {
                memory.writeLong(objp + offset, cpuFreelist[cpu]);
                cpuFreelist[cpu] = objp;
                return;
            }
            slabFree(slab, objp);
        }

        /** {@code __slab_free}: the object onto its slab's own freelist. */
        private void slabFree(long slab, long objp) {
            long c = memMap.index(slab);
            int inuse = inuse(c) - 1;
            long prior = memMap.privateData(slab);
            memory.writeLong(objp + offset, prior);
            memMap.setPrivateData(slab, objp);
            if (frozen(c)) {
                memMap.setIndex(slab, counters(inuse, objects(c), true));
                return;
            }
            if (inuse == 0 && partial.count() >= minPartial) {
                if (prior != 0) {
                    partial.remove(slab);
                }
                discard(slab);
                return;
            }
            memMap.setIndex(slab, counters(inuse, objects(c), false));
            if (prior == 0) {
                partial.addTail(slab);
            }
        }

        /** {@code free_debug_processing}: not already free, bytes intact (the slot start is checked on every free). */
        private void freeChecks(long slab, long objp) {
            if (checks && onFreelist(slab, objp)) {
                throw new SlabError(name, objp, "Object already free" + layout.describeTrack(memory, objp));
            }
            freeDebug(objp);
        }

        /** {@code on_freelist}: on the slab's freelist or, if frozen, its CPU's. */
        private boolean onFreelist(long slab, long objp) {
            int n = objects(memMap.index(slab));
            if (contains(memMap.privateData(slab), objp, n)) {
                return true;
            }
            for (int cpu = 0; cpu < cpuSlab.length; cpu++) {
                if (cpuSlab[cpu] == slab && contains(cpuFreelist[cpu], objp, n)) {
                    return true;
                }
            }
            return false;
        }

        private boolean contains(long freelist, long objp, int limit) {
            int steps = 0;
            for (long o = freelist; o != 0 && steps <= limit; o = memory.readLong(o + offset), steps++) {
                if (o == objp) {
                    return true;
                }
            }
            return false;
        }

        /** {@code flush_all} then discards every empty partial slab ({@code __kmem_cache_shrink}). */
        @Override
        public long shrink() {
            long before = pages;
            for (int cpu = 0; cpu < cpuSlab.length; cpu++) {
                deactivate(cpu);
            }
            for (long slab = partial.first(); slab >= 0; ) {
                long next = partial.next(slab);
                if (inuse(memMap.index(slab)) == 0) {
                    partial.remove(slab);
                    discard(slab);
                }
                slab = next;
            }
            return before - pages;
        }

        @Override
        void release() {
            shrink();
            if (nrSlabs != 0 || pages != 0) {
                throw new IllegalStateException(name + ": " + nrSlabs + " slabs left after release (expected: 0)");
            }
        }

        @Override
        public long totalObjects() {
            return totalObjects;
        }

        @Override
        public int objectsPerSlab() {
            return objects;
        }

        @Override
        public int pagesPerSlab() {
            return 1 << order;
        }

        @Override
        public long totalSlabs() {
            return nrSlabs;
        }

        /** Slabs with an object in use: all but the empty partial slabs and empty cpu slabs. */
        @Override
        public long activeSlabs() {
            long empty = 0;
            for (long slab = partial.first(); slab >= 0; slab = partial.next(slab)) {
                if (inuse(memMap.index(slab)) == 0) {
                    empty++;
                }
            }
            for (int cpu = 0; cpu < cpuSlab.length; cpu++) {
                long slab = cpuSlab[cpu];
                if (slab >= 0) {
                    int live = inuse(memMap.index(slab));
                    for (long o = cpuFreelist[cpu]; o != 0; o = memory.readLong(o + offset)) {
                        live--;
                    }
                    if (live == 0) {
                        empty++;
                    }
                }
            }
            return nrSlabs - empty;
        }

        /**
         * Walks every slab of the cache through the frame metadata: free pointers valid and
         * each free object on one list only, {@code inuse} equal to the objects not on the
         * slab's freelist, partial-list membership, counts, and the debugging bytes.
         */
        @Override
        public void verify() {
            long[] members = partial.verify();
            java.util.Set<Long> onPartial = new java.util.HashSet<>();
            for (long m : members) {
                onPartial.add(m);
            }
            for (int cpu = 0; cpu < cpuSlab.length; cpu++) {
                long slab = cpuSlab[cpu];
                if (slab < 0) {
                    if (cpuFreelist[cpu] != 0) {
                        throw new IllegalStateException(name + ": cpu " + cpu + " has a freelist but no slab");
                    }
                    continue;
                }
                if (!isSlabHead(slab) || !frozen(memMap.index(slab))) {
                    throw new IllegalStateException(name + ": cpu " + cpu + " slab 0x" + Long.toHexString(slab)
                        + " is not a frozen slab of this cache");
                }
            }
            long slabs = 0;
            long objectsSeen = 0;
            long live = 0;
            long frames = memMap.nrFrames();
            for (long pfn = 0; pfn < frames; pfn++) {
                if (!isSlabHead(pfn)) {
                    continue;
                }
                slabs++;
                long c = memMap.index(pfn);
                int n = objects(c);
                if (n != objects && n != minObjects) {
                    throw new IllegalStateException(name + ": slab 0x" + Long.toHexString(pfn) + " has " + n
                        + " objects (expected: " + objects + " or " + minObjects + ")");
                }
                objectsSeen += n;
                BitSet free = new BitSet(n);
                int slabFree = walk(pfn, memMap.privateData(pfn), n, free, "slab freelist");
                int cpuFree = 0;
                int owners = 0;
                for (int cpu = 0; cpu < cpuSlab.length; cpu++) {
                    if (cpuSlab[cpu] == pfn) {
                        owners++;
                        cpuFree += walk(pfn, cpuFreelist[cpu], n, free, "cpu " + cpu + " freelist");
                    }
                }
                boolean frozen = frozen(c);
                if (frozen != (owners == 1) || owners > 1) {
                    throw new IllegalStateException(name + ": slab 0x" + Long.toHexString(pfn) + " frozen=" + frozen
                        + " but owned by " + owners + " cpus");
                }
                if (inuse(c) != n - slabFree) {
                    throw new IllegalStateException(name + ": slab 0x" + Long.toHexString(pfn) + " inuse " + inuse(c)
                        + " but " + slabFree + " of " + n + " objects are on its freelist");
                }
                boolean shouldBePartial = !frozen && slabFree > 0;
                if (onPartial.contains(pfn) != shouldBePartial) {
                    throw new IllegalStateException(name + ": slab 0x" + Long.toHexString(pfn) + " with " + slabFree
                        + " free objects, frozen=" + frozen + (shouldBePartial ? " is not" : " is") + " on the partial list");
                }
                live += n - slabFree - cpuFree;
                if (debug) {
                    long base = pfn << Page.SHIFT;
                    for (int i = 0; i < n; i++) {
                        verifyBytes(base + (long) i * size, free.get(i));
                    }
                }
            }
            for (long m : members) {
                if (!isSlabHead(m)) {
                    throw new IllegalStateException(name + ": partial list holds 0x" + Long.toHexString(m) + ", not a slab of this cache");
                }
            }
            if (slabs != nrSlabs || objectsSeen != totalObjects || live != inUse) {
                throw new IllegalStateException(name + ": counted " + nrSlabs + " slabs, " + totalObjects + " objects, "
                    + inUse + " in use but found " + slabs + ", " + objectsSeen + ", " + live);
            }
        }

        private boolean isSlabHead(long pfn) {
            return (memMap.flags(pfn) & PageFlags.PG_SLAB) != 0 && memMap.mapping(pfn) == id;
        }

        /** Walks a freelist of slab {@code pfn}, marking objects in {@code free}; returns its length. */
        private int walk(long pfn, long freelist, int n, BitSet free, String what) {
            long base = pfn << Page.SHIFT;
            int length = 0;
            for (long o = freelist; o != 0; o = memory.readLong(o + offset)) {
                long off = o - base;
                if (off < 0 || off % size != 0 || off / size >= n) {
                    throw new IllegalStateException(name + ": " + what + " of slab 0x" + Long.toHexString(pfn)
                        + " points to 0x" + Long.toHexString(o) + ", not an object of the slab (Freepointer corrupt)");
                }
                int index = (int) (off / size);
                if (free.get(index)) {
                    throw new IllegalStateException(name + ": object 0x" + Long.toHexString(o) + " is on a freelist twice");
                }
                free.set(index);
                length++;
            }
            return length;
        }
    }
}
