package dev.mmkit.slab;

import dev.mmkit.api.hw.Page;
import dev.mmkit.api.machine.Machine;
import dev.mmkit.api.machine.PageFlags;
import dev.mmkit.api.page.Gfp;
import dev.mmkit.api.page.PageAllocator;
import dev.mmkit.api.slab.ObjectConstructor;
import dev.mmkit.api.slab.SlabError;
import java.util.BitSet;
import java.util.HashSet;
import java.util.Set;

/**
 * SLAB, Bonwick's object-caching allocator [1] as Linux 2.6 built it ({@code mm/slab.c}).
 *
 * <h2>Glossary</h2>
 * <ul>
 *   <li><b>slab</b>: 2^order frames holding {@code num} objects and a slab descriptor
 *       ({@code struct slab}) with the {@code bufctl} array, the free list of the slab.</li>
 *   <li><b>bufctl</b>: one 4-byte entry per object; a free object's entry is the index of
 *       the next free object ({@code BUFCTL_END} ends the chain); an allocated object's is
 *       {@code BUFCTL_ACTIVE}.</li>
 *   <li><b>full / partial / free lists</b>: every slab is on exactly one, by how many of its
 *       objects are in use; allocation takes from partial slabs first, so that free slabs
 *       stay free and can be given back.</li>
 *   <li><b>array cache</b>: per CPU, a LIFO stack of up to {@code limit} free objects (the
 *       most recently freed, so cache-hot). Allocation and free touch only it; it is
 *       refilled from and flushed to the slabs {@code batchcount} objects at a time.</li>
 *   <li><b>colour</b>: consecutive slabs start their objects at different offsets, 0, 64,
 *       128 ... cycling through the space the objects leave over, so that objects at the
 *       same index of different slabs fall on different cache lines.</li>
 * </ul>
 *
 * <h2>Layout of a slab</h2>
 * <pre>
 *  on-slab (objects &lt; 512 bytes):
 *  | colour | struct slab | bufctl[num] | pad | obj 0 | obj 1 | ... | obj num-1 | left over |
 *           ^ descriptor                       ^ s_mem
 *  off-slab (objects of 512 bytes or more, unless the descriptor fits in the left over):
 *  | colour | obj 0 | obj 1 | ... | left over |      descriptor in a kmalloc cache
 *
 *  struct slab, in simulated memory (32 bytes):
 *   0 next (list)   8 prev (list)   16 s_mem   24 inuse   28 free   32 bufctl[0..num-1]
 * </pre>
 * The first frame's {@code private} field holds the descriptor's address
 * ({@code page->slab_page}); {@code mapping} holds the cache id.
 *
 * <h2>Algorithm: [alloc]</h2>
 * <ol>
 *   <li>Pop the CPU's array cache if it has an object.</li>
 *   <li>Otherwise refill it ({@code cache_alloc_refill}): move up to {@code batchcount}
 *       objects from the first partial slab, then from free slabs; with no slab left grow
 *       the cache by one slab ({@code cache_grow}) and retry.</li>
 * </ol>
 * <h2>Algorithm: [free]</h2>
 * <ol>
 *   <li>Push on the CPU's array cache if it holds fewer than {@code limit}.</li>
 *   <li>Otherwise flush its oldest {@code batchcount} objects to their slabs
 *       ({@code free_block}): each goes back on its slab's bufctl chain and the slab moves
 *       to the partial or free list; a free slab beyond {@code free_limit} free objects is
 *       destroyed at once.</li>
 * </ol>
 * <h2>Geometry</h2>
 * {@code cache_estimate}: on-slab, {@code num = (slab - 32) / (size + 4)}, less one if the
 * descriptor aligned to {@code align} then does not fit; the order is the smallest whose
 * left over is at most 1/8 of the slab, stopping at order 1 on machines above 32 MiB
 * ({@code slab_break_gfp_order}) and at once for reclaimable caches. Tunables
 * ({@code enable_cpucache}): {@code limit} 120, 54, 24, 8 or 1 by object size,
 * {@code batchcount = (limit + 1) / 2}. With more than one CPU, objects up to a page also
 * get a per-node shared array of {@code 8 * batchcount} entries (sharedfactor 8): a full
 * CPU array flushes into it first, and an empty one refills from it first, so objects move
 * between CPUs without touching the slabs.
 *
 * <h2>Counters</h2>
 * {@code activeObjects} counts the objects handed out and not freed, exactly (Linux's
 * slabinfo also counts the objects parked in array caches); {@code activeSlabs} are the
 * full and partial slabs, as Linux counts them.
 *
 * <p>[1] J. Bonwick, "The Slab Allocator: An Object-Caching Kernel Memory Allocator",
 * USENIX Summer 1994.
 */
final class BonwickSlabAllocator extends AbstractSlabAllocator {
    /** {@code sizeof(struct slab)}. */
    static final int SLAB_DESC = 32;
    /** {@code sizeof(kmem_bufctl_t)}. */
    static final int BUFCTL = 4;
    static final int BUFCTL_END = -1;
    static final int BUFCTL_ACTIVE = -3;
    /** Objects of this size or more keep their descriptor off the slab ({@code PAGE_SIZE >> 3}). */
    static final int OFF_SLAB_MIN = Page.SIZE >> 3;
    /** {@code KMALLOC_MAX_ORDER} for the order search. */
    static final int MAX_GFP_ORDER = 10;
    static final int FULL = 0;
    static final int PARTIAL = 1;
    static final int FREE = 2;
    private static final String[] LIST_NAMES = {"slabs_full", "slabs_partial", "slabs_free"};

    private static final int D_NEXT = 0;
    private static final int D_PREV = 8;
    private static final int D_SMEM = 16;
    private static final int D_INUSE = 24;
    private static final int D_FREE = 28;

    BonwickSlabAllocator(Machine machine, SlabConfig config) {
        super(machine, config);
    }

    @Override
    String flavour() {
        return "slab";
    }

    @Override
    CacheBase newCache(int id, String name, int size, int align, int flags, ObjectConstructor ctor, boolean general) {
        return new Cache(this, id, name, size, align, flags, ctor, general);
    }

    /** {@code slab_break_gfp_order}: 1 above 32 MiB of memory, else 0. */
    int breakOrder() {
        return machine.memMap().nrFrames() > (32L << 20) / Page.SIZE ? 1 : 0;
    }

    /** {@code slab_mgmt_size}. */
    static int mgmtSize(int num, int align) {
        return SlotLayout.alignUp(SLAB_DESC + num * BUFCTL, align);
    }

    /** {@code cache_estimate}: {num, leftOver} for a slab of {@code order}. */
    static int[] estimate(int order, int size, int align, boolean offSlab) {
        int slabSize = Page.SIZE << order;
        int num;
        int mgmt;
        if (offSlab) {
            mgmt = 0;
            num = slabSize / size;
        } else {
            num = (slabSize - SLAB_DESC) / (size + BUFCTL);
            if (mgmtSize(num, align) + num * size > slabSize) {
                num--;
            }
            mgmt = mgmtSize(num, align);
        }
        return new int[] {num, slabSize - num * size - mgmt};
    }

    /** The array-cache {@code limit} for a slot size ({@code enable_cpucache}). */
    static int limit(int size) {
        if (size > 131072) {
            return 1;
        }
        if (size > Page.SIZE) {
            return 8;
        }
        if (size > 1024) {
            return 24;
        }
        if (size > 256) {
            return 54;
        }
        return 120;
    }

    /** One SLAB cache with its lists ({@code kmem_list3}) and per-CPU array caches. */
    static final class Cache extends CacheBase {
        final int order;
        final int num;
        final boolean offSlab;
        /** Descriptor size: {@code struct slab} and bufctl array (aligned when on-slab). */
        final int slabSize;
        final int leftOver;
        final int colour;
        final int colourOff;
        int colourNext;
        /** Where off-slab descriptors come from ({@code slabp_cache}). */
        final CacheBase slabpCache;
        final int limit;
        final int batchcount;
        final int freeLimit;
        /** Per CPU: the array cache's entries and count ({@code ac->entry}, {@code ac->avail}). */
        final long[][] entry;
        final int[] avail;
        /** {@code cachep->shared}: 8 on machines with more than one CPU for objects up to a page, else 0. */
        final int sharedFactor;
        /** The node's shared array cache ({@code l3->shared}): {@code sharedFactor * batchcount} entries. */
        final long[] shared;
        int sharedAvail;
        final long[] listHead = {0, 0, 0};
        final long[] listTail = {0, 0, 0};
        final long[] listCount = new long[3];
        long freeObjects;
        long nrSlabs;

        Cache(BonwickSlabAllocator owner, int id, String name, int objectSize, int align, int flags,
              ObjectConstructor ctor, boolean general) {
            super(owner, id, name, objectSize, flags, ctor, SlotLayout.of(objectSize, align, flags, ctor != null, false), general);
            int a = layout.align;
            boolean off = size >= OFF_SLAB_MIN;
            int chosenOrder = -1;
            int chosenNum = 0;
            int left = 0;
            int maxOrder = Math.min(MAX_GFP_ORDER, owner.pageAllocator().maxOrder() - 1);
            // calculate_slab_order
            for (int o = 0; o <= maxOrder; o++) {
                int[] e = estimate(o, size, a, off);
                if (e[0] == 0) {
                    continue;
                }
                if (off && e[0] > (size - SLAB_DESC) / BUFCTL) {
                    break;
                }
                chosenOrder = o;
                chosenNum = e[0];
                left = e[1];
                if (reclaimable || o >= owner.breakOrder() || left * 8 <= (Page.SIZE << o)) {
                    break;
                }
            }
            if (chosenOrder < 0) {
                throw new IllegalArgumentException("size: " + objectSize + " (expected: a slot of at most "
                    + (Page.SIZE << maxOrder) + " bytes, the largest block of the page allocator)");
            }
            int mgmt = mgmtSize(chosenNum, a);
            if (off && left >= mgmt) {
                off = false;
                left -= mgmt;
            }
            this.order = chosenOrder;
            this.num = chosenNum;
            this.offSlab = off;
            this.slabSize = off ? SLAB_DESC + chosenNum * BUFCTL : mgmt;
            this.leftOver = left;
            this.colourOff = Math.max(SlotLayout.WORD * 8, a);
            this.colour = left / colourOff;
            this.slabpCache = off ? owner.general[KmallocSizes.index(slabSize)] : null;
            this.limit = limit(size);
            this.batchcount = (limit + 1) / 2;
            int cpus = owner.machine.nrCpus();
            this.freeLimit = (1 + cpus) * batchcount + num;
            this.entry = new long[cpus][limit];
            this.avail = new int[cpus];
            this.sharedFactor = cpus > 1 && size <= Page.SIZE ? 8 : 0;
            this.shared = new long[sharedFactor * batchcount];
        }

        @Override
        public long alloc(int gfp) {
            int cpu = machine.currentCpu();
            int a = avail[cpu] - 1;
            if (a < 0 || debug || (gfp & Gfp.__GFP_ZERO) != 0) {
                return allocSlowPath(cpu, gfp);
            }
            avail[cpu] = a;
            inUse++;
            return entry[cpu][a];
        }

        private long allocSlowPath(int cpu, int gfp) {
            int a = avail[cpu];
            long object;
            if (a > 0) {
                avail[cpu] = --a;
                object = entry[cpu][a];
            } else {
                object = refill(cpu, gfp);
                if (object == 0) {
                    return 0;
                }
            }
            inUse++;
            if (debug) {
                allocDebug(object);
            }
            if ((gfp & Gfp.__GFP_ZERO) != 0) {
                zero(object);
            }
            return object;
        }

        /** {@code cache_alloc_refill}: up to batchcount objects into the array; returns one of them or 0. */
        private long refill(int cpu, int gfp) {
            long[] ac = entry[cpu];
            if (sharedAvail > 0) {
                // transfer_objects: the most recently flushed objects of the shared array
                int nr = Math.min(Math.min(sharedAvail, batchcount), limit - avail[cpu]);
                sharedAvail -= nr;
                System.arraycopy(shared, sharedAvail, ac, avail[cpu], nr);
                avail[cpu] += nr;
                int a = --avail[cpu];
                return ac[a];
            }
            while (true) {
                int batch = batchcount;
                int a = avail[cpu];
                while (batch > 0) {
                    int list = PARTIAL;
                    long desc = listHead[PARTIAL];
                    if (desc == 0) {
                        list = FREE;
                        desc = listHead[FREE];
                        if (desc == 0) {
                            break;
                        }
                    }
                    unlink(list, desc);
                    int inuse = memory.readInt(desc + D_INUSE);
                    while (inuse < num && batch > 0) {
                        ac[a++] = getObj(desc);
                        inuse++;
                        batch--;
                        freeObjects--;
                    }
                    linkHead(inuse == num ? FULL : PARTIAL, desc);
                }
                avail[cpu] = a;
                if (a > 0) {
                    avail[cpu] = --a;
                    return ac[a];
                }
                if (!grow(gfp)) {
                    return 0;
                }
            }
        }

        /** {@code slab_get_obj}. */
        private long getObj(long desc) {
            int free = memory.readInt(desc + D_FREE);
            long bufctl = desc + SLAB_DESC + (long) free * BUFCTL;
            int next = memory.readInt(bufctl);
            memory.writeInt(bufctl, BUFCTL_ACTIVE);
            memory.writeInt(desc + D_FREE, next);
            memory.writeInt(desc + D_INUSE, memory.readInt(desc + D_INUSE) + 1);
            return memory.readLong(desc + D_SMEM) + (long) free * size;
        }

        /** {@code slab_put_obj}. */
        private void putObj(long desc, long objp) {
            int objnr = (int) ((objp - memory.readLong(desc + D_SMEM)) / size);
            memory.writeInt(desc + SLAB_DESC + (long) objnr * BUFCTL, memory.readInt(desc + D_FREE));
            memory.writeInt(desc + D_FREE, objnr);
            memory.writeInt(desc + D_INUSE, memory.readInt(desc + D_INUSE) - 1);
        }

        /** {@code cache_grow}: one more slab, coloured, on the free list. */
        private boolean grow(int gfp) {
            int offset = colourNext * colourOff;
            if (++colourNext >= colour) {
                colourNext = 0;
            }
            long pfn = owner.allocSlab(this, slabGfp(gfp), order);
            if (pfn == PageAllocator.NO_PAGE) {
                return false;
            }
            long base = pfn << Page.SHIFT;
            long desc;
            long sMem;
            if (offSlab) {
                desc = slabpCache.alloc(gfp & ~(Gfp.GFP_ZONEMASK | Gfp.__GFP_ZERO));
                if (desc == 0) {
                    owner.freeSlab(this, pfn, order);
                    return false;
                }
                sMem = base + offset;
            } else {
                desc = base + offset;
                sMem = desc + slabSize;
            }
            memory.writeLong(desc + D_NEXT, 0);
            memory.writeLong(desc + D_PREV, 0);
            memory.writeLong(desc + D_SMEM, sMem);
            memory.writeInt(desc + D_INUSE, 0);
            memory.writeInt(desc + D_FREE, 0);
            for (int i = 0; i < num; i++) {
                setupObject(sMem + (long) i * size);
                memory.writeInt(desc + SLAB_DESC + (long) i * BUFCTL, i + 1 < num ? i + 1 : BUFCTL_END);
            }
            memMap.setPrivateData(pfn, desc);
            memMap.setIndex(pfn, sMem); // page->s_mem: the first object, for the check of every free
            linkTail(FREE, desc);
            freeObjects += num;
            nrSlabs++;
            return true;
        }

        /** {@code slab_destroy}. */
        private void destroy(long desc) {
            long pfn = headOf(memory.readLong(desc + D_SMEM) >>> Page.SHIFT);
            if (offSlab) {
                slabpCache.free(desc);
            }
            nrSlabs--;
            owner.freeSlab(this, pfn, order);
        }

        private long headOf(long pfn) {
            int mapping = memMap.mapping(pfn);
            return mapping < 0 ? pfn + mapping : pfn;
        }

        @Override
        void freeToSlab(long slab, long objp) {
            checkObjectStart(memMap.index(slab), objp, num);
            int cpu = machine.currentCpu();
            int a = avail[cpu];
            if (a < limit && !debug) {
                entry[cpu][a] = objp;
                avail[cpu] = a + 1;
                inUse--;
                return;
            }
            freeSlowPath(slab, objp, cpu);
        }

        private void freeSlowPath(long slab, long objp, int cpu) {
            if (debug) {
                freeChecks(slab, objp);
            }
            inUse--;
            if (avail[cpu] >= limit) {
                flusharray(cpu);
            }
            entry[cpu][avail[cpu]++] = objp;
        }

        /** {@code cache_flusharray}: the oldest batchcount objects back to their slabs. */
        private void flusharray(int cpu) {
            long[] ac = entry[cpu];
            int n = Math.min(batchcount, avail[cpu]);
            int room = shared.length - sharedAvail;
            if (room > 0) {
                // into the shared array, where another CPU's refill finds them
                n = Math.min(n, room);
                System.arraycopy(ac, 0, shared, sharedAvail, n);
                sharedAvail += n;
            } else {
                freeBlock(ac, 0, n);
            }
            System.arraycopy(ac, n, ac, 0, avail[cpu] - n);
            avail[cpu] -= n;
        }

        /** {@code free_block}. */
        private void freeBlock(long[] objects, int from, int to) {
            for (int i = from; i < to; i++) {
                long objp = objects[i];
                long desc = memMap.privateData(headOf(objp >>> Page.SHIFT));
                int inuse = memory.readInt(desc + D_INUSE);
                unlink(inuse == num ? FULL : PARTIAL, desc);
                putObj(desc, objp);
                freeObjects++;
                if (inuse - 1 == 0) {
                    if (freeObjects > freeLimit) {
                        freeObjects -= num;
                        destroy(desc);
                    } else {
                        linkHead(FREE, desc);
                    }
                } else {
                    linkTail(PARTIAL, desc);
                }
            }
        }

        /** Debug checks of a free ({@code cache_free_debugcheck}; the slot start is checked on every free). */
        private void freeChecks(long slab, long objp) {
            long desc = memMap.privateData(slab);
            long off = objp - memory.readLong(desc + D_SMEM);
            if (checks && isFree(desc, (int) (off / size), objp)) {
                throw new SlabError(name, objp, "Object already free" + layout.describeTrack(memory, objp));
            }
            freeDebug(objp);
        }

        private boolean isFree(long desc, int objnr, long objp) {
            if (memory.readInt(desc + SLAB_DESC + (long) objnr * BUFCTL) != BUFCTL_ACTIVE) {
                return true;
            }
            for (int cpu = 0; cpu < avail.length; cpu++) {
                for (int i = 0; i < avail[cpu]; i++) {
                    if (entry[cpu][i] == objp) {
                        return true;
                    }
                }
            }
            for (int i = 0; i < sharedAvail; i++) {
                if (shared[i] == objp) {
                    return true;
                }
            }
            return false;
        }

        private void unlink(int list, long desc) {
            long next = memory.readLong(desc + D_NEXT);
            long prev = memory.readLong(desc + D_PREV);
            if (prev != 0) {
                memory.writeLong(prev + D_NEXT, next);
            } else {
                listHead[list] = next;
            }
            if (next != 0) {
                memory.writeLong(next + D_PREV, prev);
            } else {
                listTail[list] = prev;
            }
            listCount[list]--;
        }

        private void linkHead(int list, long desc) {
            long head = listHead[list];
            memory.writeLong(desc + D_NEXT, head);
            memory.writeLong(desc + D_PREV, 0);
            if (head != 0) {
                memory.writeLong(head + D_PREV, desc);
            } else {
                listTail[list] = desc;
            }
            listHead[list] = desc;
            listCount[list]++;
        }

        private void linkTail(int list, long desc) {
            long last = listTail[list];
            if (last == 0) {
                linkHead(list, desc);
                return;
            }
            memory.writeLong(last + D_NEXT, desc);
            memory.writeLong(desc + D_PREV, last);
            memory.writeLong(desc + D_NEXT, 0);
            listTail[list] = desc;
            listCount[list]++;
        }

        /** {@code drain_cpu_caches} then {@code drain_freelist}: every free slab destroyed. */
        @Override
        public long shrink() {
            long before = pages;
            for (int cpu = 0; cpu < avail.length; cpu++) {
                freeBlock(entry[cpu], 0, avail[cpu]);
                avail[cpu] = 0;
            }
            freeBlock(shared, 0, sharedAvail);
            sharedAvail = 0;
            while (listHead[FREE] != 0) {
                long desc = listHead[FREE];
                unlink(FREE, desc);
                freeObjects -= num;
                destroy(desc);
            }
            return before - pages;
        }

        @Override
        void release() {
            shrink();
            if (nrSlabs != 0) {
                throw new IllegalStateException(name + ": " + nrSlabs + " slabs left after release (expected: 0)");
            }
        }

        @Override
        public long totalObjects() {
            return nrSlabs * num;
        }

        @Override
        public int objectsPerSlab() {
            return num;
        }

        @Override
        public int pagesPerSlab() {
            return 1 << order;
        }

        @Override
        public long activeSlabs() {
            return listCount[FULL] + listCount[PARTIAL];
        }

        @Override
        public long totalSlabs() {
            return nrSlabs;
        }

        @Override
        public int[] tunables() {
            return new int[] {limit, batchcount, sharedFactor};
        }

        @Override
        public long sharedAvail() {
            return sharedAvail;
        }

        /**
         * Walks the three lists (links both ways, each slab's {@code inuse} fits its list,
         * its bufctl chain has {@code num - inuse} distinct free objects, no slab twice),
         * then the array caches (objects of this cache, allocated in their slab, on one
         * array only), the counts, and the debugging bytes.
         */
        @Override
        public void verify() {
            Set<Long> slabsSeen = new HashSet<>();
            long slabs = 0;
            long free = 0;
            long inSlabs = 0;
            Set<Long> inArrays = new HashSet<>();
            for (int cpu = 0; cpu <= avail.length; cpu++) {
                boolean isShared = cpu == avail.length;
                int n = isShared ? sharedAvail : avail[cpu];
                for (int i = 0; i < n; i++) {
                    long objp = isShared ? shared[i] : entry[cpu][i];
                    if (!inArrays.add(objp)) {
                        throw new IllegalStateException(name + ": object 0x" + Long.toHexString(objp) + " is in the array caches twice");
                    }
                    long desc = memMap.privateData(slabOf(objp));
                    long off = objp - memory.readLong(desc + D_SMEM);
                    if (off < 0 || off % size != 0 || off / size >= num) {
                        throw new IllegalStateException(name + ": " + (isShared ? "the shared" : "cpu " + cpu) + " array holds 0x" + Long.toHexString(objp)
                            + ", not an object start");
                    }
                    if (memory.readInt(desc + SLAB_DESC + (off / size) * BUFCTL) != BUFCTL_ACTIVE) {
                        throw new IllegalStateException(name + ": object 0x" + Long.toHexString(objp)
                            + " is both in " + (isShared ? "the shared" : "cpu " + cpu + "'s") + " array and free in its slab");
                    }
                }
            }
            for (int list = FULL; list <= FREE; list++) {
                long count = 0;
                long prev = 0;
                for (long desc = listHead[list]; desc != 0; desc = memory.readLong(desc + D_NEXT)) {
                    if (!slabsSeen.add(desc)) {
                        throw new IllegalStateException(name + ": slab 0x" + Long.toHexString(desc) + " is on two lists (again on "
                            + LIST_NAMES[list] + ")");
                    }
                    if (memory.readLong(desc + D_PREV) != prev) {
                        throw new IllegalStateException(name + ": " + LIST_NAMES[list] + " slab 0x" + Long.toHexString(desc)
                            + " has a wrong prev link");
                    }
                    prev = desc;
                    count++;
                    int inuse = memory.readInt(desc + D_INUSE);
                    int expected = inuse == num ? FULL : inuse == 0 ? FREE : PARTIAL;
                    if (expected != list || inuse < 0 || inuse > num) {
                        throw new IllegalStateException(name + ": slab 0x" + Long.toHexString(desc) + " with inuse " + inuse
                            + " of " + num + " is on " + LIST_NAMES[list]);
                    }
                    long sMem = memory.readLong(desc + D_SMEM);
                    long head = headOf(sMem >>> Page.SHIFT);
                    if ((memMap.flags(head) & PageFlags.PG_SLAB) == 0 || memMap.mapping(head) != id
                        || memMap.privateData(head) != desc) {
                        throw new IllegalStateException(name + ": slab 0x" + Long.toHexString(desc)
                            + " is not the descriptor its page names");
                    }
                    if (memMap.index(head) != sMem) {
                        throw new IllegalStateException(name + ": slab 0x" + Long.toHexString(desc) + ": page->s_mem 0x"
                            + Long.toHexString(memMap.index(head)) + " but the descriptor's s_mem 0x" + Long.toHexString(sMem));
                    }
                    BitSet freeSet = new BitSet(num);
                    int chain = 0;
                    for (int i = memory.readInt(desc + D_FREE); i != BUFCTL_END; i = memory.readInt(desc + SLAB_DESC + (long) i * BUFCTL)) {
                        if (i < 0 || i >= num || freeSet.get(i)) {
                            throw new IllegalStateException(name + ": slab 0x" + Long.toHexString(desc) + " bufctl chain is corrupt at " + i);
                        }
                        freeSet.set(i);
                        chain++;
                    }
                    if (chain != num - inuse) {
                        throw new IllegalStateException(name + ": slab 0x" + Long.toHexString(desc) + " has " + chain
                            + " objects on its bufctl chain (expected: " + (num - inuse) + ")");
                    }
                    free += chain;
                    inSlabs += inuse;
                    if (debug) {
                        for (int i = 0; i < num; i++) {
                            long objp = sMem + (long) i * size;
                            verifyBytes(objp, freeSet.get(i) || inArrays.contains(objp));
                        }
                    }
                }
                if (prev != listTail[list]) {
                    throw new IllegalStateException(name + ": " + LIST_NAMES[list] + " tail is 0x" + Long.toHexString(listTail[list])
                        + " (expected: 0x" + Long.toHexString(prev) + ")");
                }
                if (count != listCount[list]) {
                    throw new IllegalStateException(name + ": " + LIST_NAMES[list] + " has " + count + " slabs (counted: "
                        + listCount[list] + ")");
                }
                slabs += count;
            }
            if (slabs != nrSlabs || free != freeObjects || inSlabs - inArrays.size() != inUse) {
                throw new IllegalStateException(name + ": counted " + nrSlabs + " slabs, " + freeObjects + " free, " + inUse
                    + " in use but found " + slabs + ", " + free + ", " + (inSlabs - inArrays.size()));
            }
        }
    }
}
