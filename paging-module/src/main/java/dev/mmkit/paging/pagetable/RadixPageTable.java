package dev.mmkit.paging.pagetable;

import dev.mmkit.api.hw.Page;
import dev.mmkit.api.hw.PhysicalMemory;
import dev.mmkit.api.hw.Pte;
import dev.mmkit.api.machine.Machine;
import dev.mmkit.api.pagetable.PageTable;
import dev.mmkit.api.pagetable.PteVisitor;
import dev.mmkit.api.pagetable.Walk;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The x86 radix (multi-level) page table, in each of its shapes: 32-bit two-level, PAE
 * three-level, x86-64 four-level and LA57 five-level.
 *
 * <h2>Glossary</h2>
 * <ul>
 *   <li>table: one page frame of entries; the root is what CR3 points to.</li>
 *   <li>level: tables are levels {@code levels()} (the root) down to 1 (the leaf, PTE
 *       table). Linux's names for x86-64 are PGD (4), PUD (3), PMD (2), PTE (1).</li>
 *   <li>large page: a directory entry with PS set maps a 4 MiB (32-bit PSE) or 2 MiB (PAE,
 *       x86-64 PMD) page directly instead of pointing to a lower table.</li>
 * </ul>
 *
 * <h2>Layout of a virtual address</h2>
 * <pre>
 *  x86-32   | 10 dir | 10 table | 12 offset |                     4-byte entries, 1024 per table
 *  PAE      | 2 pdpt | 9 dir | 9 table | 12 offset |               8-byte entries, 512 per table
 *  x86-64   | 16 sign | 9 pgd | 9 pud | 9 pmd | 9 pte | 12 offset | canonical: bits 63..47 equal
 *  LA57     | 7 sign | 9 p4d-above (pgd) | 9 | 9 | 9 | 9 | 12     | canonical: bits 63..56 equal
 * </pre>
 * The index at each level is {@code (vaddr >>> shift[level]) & (2^bits[level] − 1)}; the
 * shifts are derived from the widths, lowest level first at {@link Page#SHIFT}.
 *
 * <h2>Entries</h2>
 * Entries are {@link Pte} values. 8-byte formats store them as they are. The 32-bit format
 * stores the low 32 bits, so it has no NX bit and can map frames below 4 GiB only (and swap
 * slots below 2^20); {@link #setPte} rejects what it cannot store. A directory entry that
 * points to a lower table is {@code P | RW | US | A | D} (Linux's {@code _PAGE_TABLE}):
 * permissions are decided at the leaf.
 *
 * <h2>Algorithm: [walk(root, vaddr, write)]</h2>
 * <ol>
 *   <li>Refuse a non-canonical address (a fault at the top level).</li>
 *   <li>From the root down, read the entry at the level's index from physical memory,
 *       counting each read. A non-present entry ends the walk with the level it stopped at.</li>
 *   <li>The last level, or a directory entry with PS at the large-page level, is the leaf:
 *       set A, and D when the access writes and the leaf has RW (hardware sets D only on a
 *       write it allows), writing the entry back only if a bit changed.</li>
 * </ol>
 *
 * <h2>Algorithm: [setPte(root, vaddr, pte, pageShift)]</h2>
 * <ol>
 *   <li>Walk down to the level that maps pages of 2^pageShift. Installing: a missing table
 *       is allocated (zeroed) and linked, and its parent's count of used entries grows.
 *       An allocation may reclaim (and so change these very tables), so after each one the
 *       walk restarts from the root. If an allocation fails, the empty tables on the path
 *       are freed again and {@link IllegalStateException} is thrown: nothing changed.</li>
 *   <li>Write the entry; a none → used transition counts one more entry in its table,
 *       used → none one fewer.</li>
 *   <li>A table whose count reaches 0 is freed and its parent entry cleared, up to (not
 *       including) the root: tables exist only where something is mapped. Clearing an entry
 *       that is already none frees the empty tables {@link #populate} made for it.</li>
 * </ol>
 *
 * <h2>The walk cache (host speed only)</h2>
 * Like the paging-structure caches of x86 processors (Intel SDM vol. 3, 4.10.3, the "PDE
 * cache"), a small direct-mapped cache remembers, per root and 2 MiB (4 MiB) region, the
 * frame of the leaf table that the directory entries above it lead to, so that {@link #walk},
 * {@link #getPte} and {@link #setPte} read only the leaf entry from memory on a hit. Unlike
 * the hardware's, it changes nothing the simulation sees: the walk still counts one memory
 * reference per level, and entries are still read from and written to physical memory.
 * It stays exact because directory entries change only here: every write of an entry above
 * the leaf level (the only way a table is linked or unlinked) and every root destroyed
 * starts a new generation, and only entries of the current generation are used. Its 2048
 * entries of 32 bytes cover 4 GiB of address space per root.
 *
 * <h2>Entries in place</h2>
 * A table is read and written in its frame's own bytes ({@link PhysicalMemory#kmap}, as the
 * kernel reaches a table through {@code page_address()}), an entry at its byte offset. The
 * walk cache keeps, with each leaf table's frame number, the frame's bytes: a hit then costs
 * no lookup of the frame at all. They stay the frame's while the table is linked (a table
 * frame is cleared only when it is allocated and when it is freed, after it was unlinked and
 * the generation moved on).
 *
 * @see <a href="https://www.kernel.org/doc/html/latest/mm/page_tables.html">Linux page tables</a>
 */
final class RadixPageTable implements PageTable {
    /** A shape of the radix table. */
    record Format(String name, int[] bits, int entryBytes, int largeLevel, int largeShift, int canonicalBits, long userLimit) {
        /** x86 32-bit: 10/10/12, 4-byte entries, 4 MiB PSE pages at level 2, 3 GiB user space. */
        static final Format X86_32 = new Format("x86-32", new int[] {10, 10}, 4, 2, Page.SHIFT_4M, 32, 0xC000_0000L);
        /** PAE: 2/9/9/12, 8-byte entries, 2 MiB pages at level 2, 3 GiB user space. */
        static final Format X86_PAE = new Format("x86-pae", new int[] {2, 9, 9}, 8, 2, Page.SHIFT_2M, 32, 0xC000_0000L);
        /**
         * x86-64: 9/9/9/9/12, 2 MiB pages at level 2, 128 TiB user space less its last page:
         * Linux's {@code TASK_SIZE_MAX} is {@code (1 << 47) - PAGE_SIZE}, so that nothing is
         * mapped at the highest canonical address (a SYSCALL there would return to a
         * non-canonical address), and the stack ends at {@code 7ffffffff000}.
         */
        static final Format X86_64 = new Format("x86-64", new int[] {9, 9, 9, 9}, 8, 2, Page.SHIFT_2M, 48, (1L << 47) - Page.SIZE);
        /** LA57: five levels of 9 bits, 64 PiB user space less its last page ({@code TASK_SIZE_MAX} as for x86-64). */
        static final Format X86_64_LA57 = new Format("x86-64-la57", new int[] {9, 9, 9, 9, 9}, 8, 2, Page.SHIFT_2M, 57, (1L << 56) - Page.SIZE);
    }

    private static final long TABLE_FLAGS = Pte.P | Pte.RW | Pte.US | Pte.A | Pte.D;
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private final Format format;
    private final PhysicalMemory memory;
    private final TablePages tables;
    private final int levels;
    /** Shift of the index of level {@code l} (1-based: shift[1] = 12). */
    private final int[] shift;
    /** Mask of the index of level {@code l}. */
    private final int[] mask;
    private final int entryShift;
    private final long maxEntry;

    /** Bits above the canonical part of an address (x86-64: 16); 0 for the 32-bit formats. */
    private final int canonicalShift;
    private final int largeLevel;
    /** Shift of the region one leaf table maps (x86-64: 21). */
    private final int leafRegionShift;
    /** Mask of the leaf level's index ({@code mask[1]}). */
    private final long leafIndexMask;

    // reusable path of the current setPte: tables and entry addresses per level
    private final long[] pathTable;
    /** Whether {@link #pathTable} holds every level of the last descend (not a walk-cache hit). */
    private boolean pathComplete;
    /** The bytes of the leaf table the last descend found in the walk cache; null after a full descend. */
    private byte[] pathFrame;

    // the walk cache: WALK_CACHE_SLOTS entries of {root, region, leaf table pfn, generation}
    private static final int WALK_CACHE_SLOTS = 1 << 11;
    private final long[] walkCache = new long[4 * WALK_CACHE_SLOTS];
    /**
     * The bytes ({@link PhysicalMemory#kmap}) of each walk-cache entry's leaf table. A stale
     * entry's bytes stay reachable until its slot is filled again: at most 2048 frames' worth.
     */
    private final byte[][] walkCacheFrames = new byte[WALK_CACHE_SLOTS][];
    /** {@link #getPtes}' leaf tables, one per address. */
    private byte[][] aheadFrames = new byte[0][];
    /** The current generation; entries of older ones are stale. Starts at 1 (the cache is zeroed). */
    private long generation = 1;
    /** Live roots, for {@link #verify}. */
    private final java.util.Set<Long> roots = new java.util.LinkedHashSet<>();

    RadixPageTable(Format format, Machine machine) {
        this.format = format;
        this.memory = machine.memory();
        this.tables = new TablePages(machine);
        this.levels = format.bits.length;
        this.shift = new int[levels + 1];
        this.mask = new int[levels + 1];
        int s = Page.SHIFT;
        for (int l = 1; l <= levels; l++) {
            int bits = format.bits[levels - l];
            shift[l] = s;
            mask[l] = (1 << bits) - 1;
            s += bits;
        }
        this.entryShift = format.entryBytes == 8 ? 3 : 2;
        this.maxEntry = format.entryBytes == 8 ? -1L : 0xFFFF_FFFFL;
        this.canonicalShift = format.canonicalBits == 32 ? 0 : 64 - format.canonicalBits;
        this.largeLevel = format.largeLevel;
        this.leafRegionShift = levels > 1 ? shift[2] : 64;
        this.leafIndexMask = mask[1];
        this.pathTable = new long[levels + 1];
    }

    Format format() {
        return format;
    }

    @Override
    public int levels() {
        return levels;
    }

    @Override
    public long userAddressLimit() {
        return format.userLimit;
    }

    @Override
    public boolean isCanonical(long vaddr) {
        if (canonicalShift == 0) {
            return (vaddr >>> 32) == 0;
        }
        return (vaddr << canonicalShift) >> canonicalShift == vaddr;
    }

    @Override
    public int largePageShift() {
        return format.largeShift;
    }

    /** The index into the level-{@code level} table for {@code vaddr} (level 1 = leaf). */
    int index(long vaddr, int level) {
        return (int) (vaddr >>> shift[level]) & mask[level];
    }

    private long entryAddress(long tablePfn, long vaddr, int level) {
        return Page.address(tablePfn) + ((long) index(vaddr, level) << entryShift);
    }

    /** The byte offset of {@code vaddr}'s entry in its level-{@code level} table. */
    private int entryOffset(long vaddr, int level) {
        return index(vaddr, level) << entryShift;
    }

    /** {@link #entryOffset} at the leaf level, from final fields only (no per-level arrays to load and check). */
    private int leafEntryOffset(long vaddr) {
        return (int) ((vaddr >>> Page.SHIFT) & leafIndexMask) << entryShift;
    }

    /** The entry at byte {@code offset} of a table's bytes. */
    private long entry(byte[] table, int offset) {
        return entryShift == 3 ? (long) LONG.get(table, offset) : (int) INT.get(table, offset) & 0xFFFF_FFFFL;
    }

    private void setEntry(byte[] table, int offset, long entry) {
        if (entryShift == 3) {
            LONG.set(table, offset, entry);
        } else {
            INT.set(table, offset, (int) entry);
        }
    }

    private long read(long paddr) {
        return entry(memory.kmap(Page.pfn(paddr)), Page.offset(paddr));
    }

    private void write(long paddr, long entry) {
        setEntry(memory.kmap(Page.pfn(paddr)), Page.offset(paddr), entry);
    }

    /** Writes an entry of a level-{@code level} table; an entry above the leaf level invalidates the walk cache. */
    private void write(long paddr, long entry, int level) {
        if (level > 1) {
            generation++;
        }
        write(paddr, entry);
    }

    /** Slot (index of its first word) of the walk-cache entry for {@code root}'s region {@code region}. */
    private static int walkCacheSlot(long root, long region) {
        return ((int) (region ^ (region >>> 11) ^ (root >>> Page.SHIFT) * 0x9E37) & (WALK_CACHE_SLOTS - 1)) << 2;
    }

    /** The walk-cache slot holding the leaf table that maps {@code vaddr} under {@code root}; −1 on a miss. */
    private int walkCacheHit(long root, long vaddr) {
        long region = vaddr >>> leafRegionShift;
        int at = walkCacheSlot(root, region);
        long[] c = walkCache;
        return c[at + 3] == generation && c[at + 1] == region && c[at] == root ? at : -1;
    }

    /** The bytes of the leaf table mapping {@code vaddr} under {@code root}, from the walk cache; null on a miss. */
    private byte[] cachedLeafFrame(long root, long vaddr) {
        int at = walkCacheHit(root, vaddr);
        return at < 0 ? null : walkCacheFrames[at >>> 2];
    }

    private void cacheLeafTable(long root, long vaddr, long tablePfn) {
        long region = vaddr >>> leafRegionShift;
        int at = walkCacheSlot(root, region);
        long[] c = walkCache;
        c[at] = root;
        c[at + 1] = region;
        c[at + 2] = tablePfn;
        c[at + 3] = generation;
        walkCacheFrames[at >>> 2] = memory.kmap(tablePfn);
    }

    private boolean isLeaf(int level, long entry) {
        return level == 1 || (level == format.largeLevel && (entry & Pte.PS) != 0);
    }

    @Override
    public long createRoot(int asid) {
        long pfn = tables.alloc();
        if (pfn < 0) {
            return -1;
        }
        roots.add(Page.address(pfn));
        return Page.address(pfn);
    }

    @Override
    public void destroyRoot(long root) {
        if (!roots.remove(root)) {
            throw new IllegalArgumentException("root " + Page.hex(root) + ": not a live root of " + format.name);
        }
        long rootPfn = Page.pfn(root);
        generation++;
        freeTree(rootPfn, levels);
    }

    private void freeTree(long tablePfn, int level) {
        if (level > 1) {
            long base = Page.address(tablePfn);
            int entries = 1 << (Page.SHIFT - entryShift);
            for (int i = 0; i < entries && tables.used(tablePfn) > 0; i++) {
                long e = read(base + ((long) i << entryShift));
                if (e != 0) {
                    if (Pte.isPresent(e) && !isLeaf(level, e)) {
                        freeTree(Pte.pfn(e), level - 1);
                    }
                    tables.addUsed(tablePfn, -1);
                }
            }
        }
        tables.free(tablePfn);
    }

    /**
     * {@inheritDoc} The common case is kept small enough for the JIT to inline into the MMU:
     * a walk-cache hit reads the leaf entry only (and counts every level it stands for);
     * anything else walks from the root in {@link #walkFromRoot}.
     */
    @Override
    public long walk(long root, long vaddr, boolean write, Walk out) {
        if (isCanonical(vaddr)) {
            byte[] leaf = cachedLeafFrame(root, vaddr);
            if (leaf != null) {
                int offset = leafEntryOffset(vaddr);
                return walked(leaf, offset, entry(leaf, offset), 1, write, out);
            }
        }
        return walkFromRoot(root, vaddr, write, out);
    }

    /** {@link #walk} from the root table down, filling the walk cache on the way. */
    private long walkFromRoot(long root, long vaddr, boolean write, Walk out) {
        if (!isCanonical(vaddr)) {
            out.pte = 0;
            out.entry = 0;
            out.memoryReferences = 0;
            out.faultLevel = levels;
            return 0;
        }
        long table = root >>> Page.SHIFT;
        for (int level = levels; ; level--) {
            byte[] bytes = memory.kmap(table);
            int offset = entryOffset(vaddr, level);
            long e = entry(bytes, offset);
            if ((e & Pte.P) == 0 || level == 1 || (level == largeLevel && (e & Pte.PS) != 0)) {
                return walked(bytes, offset, e, level, write, out);
            }
            table = (e & Pte.PFN_MASK) >>> Pte.PFN_SHIFT;
            if (level == 2) {
                cacheLeafTable(root, vaddr, table);
            }
        }
    }

    /**
     * The end of a walk at entry {@code e}, read at {@code offset} of the level-{@code level}
     * table's bytes: a non-present entry fails there; otherwise it is the leaf, and gets A
     * (and D on a write it allows), written back only if a bit changed.
     */
    private long walked(byte[] table, int offset, long e, int level, boolean write, Walk out) {
        out.memoryReferences = levels - level + 1;
        if ((e & Pte.P) == 0) {
            out.pte = 0;
            out.entry = level == 1 ? e : 0;
            out.faultLevel = level;
            return 0;
        }
        long bits = (write && (e & Pte.RW) != 0) ? Pte.A | Pte.D : Pte.A;
        if ((e & bits) != bits) {
            e |= bits;
            setEntry(table, offset, e);
        }
        out.pte = e;
        out.entry = e;
        out.pageShift = level == 1 ? Page.SHIFT : format.largeShift;
        out.faultLevel = 0;
        return e;
    }

    /**
     * The leaf entries of {@code count} addresses into {@code out}, in two loops: the first
     * finds each entry's table and offset from the walk cache (no table where it holds
     * none), the second loads them, and walks with {@link #getPte} for the others. The loads
     * of the second loop are a few instructions apart, so the host's CPU overlaps their
     * misses; inside one {@link #getPte} each, they would wait one after the other.
     */
    @Override
    public void getPtes(long root, long[] vaddrs, long[] out, int count) {
        byte[][] frames = aheadFrames;
        if (frames.length < count) {
            frames = new byte[count][];
            aheadFrames = frames;
        }
        for (int i = 0; i < count; i++) {
            long vaddr = vaddrs[i];
            frames[i] = isCanonical(vaddr) ? cachedLeafFrame(root, vaddr) : null;
            out[i] = leafEntryOffset(vaddr);
        }
        for (int i = 0; i < count; i++) {
            byte[] leaf = frames[i];
            frames[i] = null;
            out[i] = leaf != null ? entry(leaf, (int) out[i]) : getPte(root, vaddrs[i]);
        }
    }

    @Override
    public long getPte(long root, long vaddr) {
        if (!isCanonical(vaddr)) {
            return 0;
        }
        byte[] leaf = cachedLeafFrame(root, vaddr);
        if (leaf != null) {
            return entry(leaf, leafEntryOffset(vaddr));
        }
        long table = Page.pfn(root);
        for (int level = levels; level >= 1; level--) {
            long e = read(entryAddress(table, vaddr, level));
            if (e == 0 || isLeaf(level, e) || !Pte.isPresent(e)) {
                return e;
            }
            table = Pte.pfn(e);
            if (level == 2) {
                cacheLeafTable(root, vaddr, table);
            }
        }
        throw new AssertionError();
    }

    private int levelOf(int pageShift) {
        if (pageShift == Page.SHIFT) {
            return 1;
        }
        if (pageShift == format.largeShift && format.largeShift != 0) {
            return format.largeLevel;
        }
        throw new IllegalArgumentException("pageShift: " + pageShift + " (expected: " + Page.SHIFT
            + (format.largeShift != 0 ? " or " + format.largeShift : "") + ")");
    }

    private long encode(long pte, int level, long vaddr) {
        if (pte == 0) {
            return 0;
        }
        if (level > 1 && Pte.isPresent(pte)) {
            pte |= Pte.PS;
            long align = (1L << (format.largeShift - Page.SHIFT)) - 1;
            if ((Pte.pfn(pte) & align) != 0) {
                throw new IllegalArgumentException("pfn " + Page.hex(Pte.pfn(pte)) + " not aligned to a "
                    + (1 << (format.largeShift - 20)) + " MiB page");
            }
        }
        if (maxEntry != -1L) {
            pte &= ~Pte.NX;
            if ((pte & ~maxEntry) != 0) {
                throw new IllegalArgumentException("entry " + Long.toHexString(pte) + " does not fit 32 bits"
                    + " (frame or swap slot above the 32-bit format's limit)");
            }
        }
        return pte;
    }

    @Override
    public boolean populate(long root, long vaddr, int pageShift) {
        int target = levelOf(pageShift);
        try {
            descend(root, vaddr, target, true);
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    /**
     * Walks to the table of level {@code target} for {@code vaddr}, filling {@link #pathTable};
     * allocates missing tables if asked. Returns the table pfn, or −1 when it is missing.
     *
     * <p>An allocation may reclaim, and reclaim may kill the process whose tables these are,
     * clearing its entries and freeing its emptied tables, so after each allocation the walk
     * starts again from the root and links the new table wherever the first gap is then.
     * When no frame can be had, the tables on the path that are empty (those this call made)
     * are freed again before {@link IllegalStateException} is thrown. When the allocation
     * destroyed the root itself (reclaim killed a process other than the current one, whose
     * mm goes at once), the new table is freed and {@link IllegalStateException} is thrown:
     * the root's tables are all gone already.
     */
    private long descend(long root, long vaddr, int target, boolean allocate) {
        if (!isCanonical(vaddr)) {
            throw new IllegalArgumentException("vaddr " + Page.hex(vaddr) + " is not canonical in " + format.name);
        }
        if (target == 1) {
            int at = walkCacheHit(root, vaddr);
            if (at >= 0) {
                long leafTable = walkCache[at + 2];
                pathTable[1] = leafTable;
                pathComplete = false;
                pathFrame = walkCacheFrames[at >>> 2];
                return leafTable;
            }
        }
        return descendFull(root, vaddr, target, allocate);
    }

    /** {@link #descend} through every level, filling the whole {@link #pathTable}. */
    private long descendFull(long root, long vaddr, int target, boolean allocate) {
        pathComplete = true;
        pathFrame = null;
        long spare = -1;
        while (true) {
            long table = Page.pfn(root);
            int level = levels;
            long gap = -1;
            for (; level > target; level--) {
                pathTable[level] = table;
                long addr = entryAddress(table, vaddr, level);
                long e = read(addr);
                if (e == 0) {
                    gap = addr;
                    break;
                }
                if (!Pte.isPresent(e) || isLeaf(level, e)) {
                    if (spare >= 0) {
                        tables.free(spare);
                    }
                    throw new IllegalStateException("vaddr " + Page.hex(vaddr) + ": a large page or swap entry at level "
                        + level + " is in the way");
                }
                table = Pte.pfn(e);
            }
            if (gap < 0) {
                if (spare >= 0) {
                    tables.free(spare);
                }
                pathTable[target] = table;
                if (target == 1 && levels > 1) {
                    cacheLeafTable(root, vaddr, table);
                }
                return table;
            }
            if (!allocate) {
                return -1;
            }
            if (spare >= 0) {
                write(gap, Pte.make(spare, TABLE_FLAGS), level);
                tables.addUsed(pathTable[level], 1);
                spare = -1;
                continue;
            }
            spare = tables.alloc();
            if (!roots.contains(root)) {
                // reclaim killed the process and released its mm (destroyRoot) meanwhile:
                // its root frame is free now, nothing may be linked into it
                if (spare >= 0) {
                    tables.free(spare);
                }
                throw new IllegalStateException("root " + Page.hex(root) + " of " + format.name
                    + " was destroyed while one of its page tables was allocated");
            }
            if (spare < 0) {
                pruneEmptyPath(root, vaddr);
                throw new IllegalStateException("no frame for a level-" + (level - 1) + " page table of " + format.name);
            }
        }
    }

    /** Frees the empty tables on the path to {@code vaddr}, lowest first (never the root). */
    private void pruneEmptyPath(long root, long vaddr) {
        long table = Page.pfn(root);
        int depth = levels;
        pathTable[levels] = table;
        for (int level = levels; level > 1; level--) {
            long e = read(entryAddress(table, vaddr, level));
            if (!Pte.isPresent(e) || isLeaf(level, e)) {
                break;
            }
            table = Pte.pfn(e);
            depth = level - 1;
            pathTable[depth] = table;
        }
        for (int level = depth; level < levels; level++) {
            if (tables.used(pathTable[level]) != 0) {
                break;
            }
            write(entryAddress(pathTable[level + 1], vaddr, level + 1), 0, level + 1);
            tables.free(pathTable[level]);
            tables.addUsed(pathTable[level + 1], -1);
        }
    }

    @Override
    public long setPte(long root, long vaddr, long pte, int pageShift) {
        int target = levelOf(pageShift);
        long value = encode(pte, target, vaddr);
        long table = descend(root, vaddr, target, value != 0);
        if (table < 0) {
            return 0;
        }
        long old;
        if (target == 1) {
            // a leaf entry: nothing to check first; in the bytes the walk cache kept, if it had the table
            byte[] leaf = pathFrame != null ? pathFrame : memory.kmap(table);
            int offset = leafEntryOffset(vaddr);
            old = entry(leaf, offset);
            setEntry(leaf, offset, value);
        } else {
            long addr = entryAddress(table, vaddr, target);
            old = read(addr);
            if (target > 1 && Pte.isPresent(old) && !isLeaf(target, old)) {
                // the directory entry points to a table of smaller pages: replacing it would lose
                // them and leak the table (as a small page under a large one is refused in descend)
                throw new IllegalStateException("vaddr " + Page.hex(vaddr) + ": a level-" + (target - 1)
                    + " page table is in the way of a large page at level " + target);
            }
            write(addr, value, target);
        }
        if (old == 0 && value != 0) {
            tables.addUsed(table, 1);
        } else if (value == 0 && (old != 0 ? tables.addUsed(table, -1) : tables.used(table)) == 0) {
            // the table emptied, or was empty already (populate() made it for an entry that
            // was then not set): it goes, with its emptied parents
            if (!pathComplete) {
                descendFull(root, vaddr, target, false);
            }
            pruneUp(vaddr, target);
        }
        return old;
    }

    /** Frees the emptied table at {@code level} on the current path, and its emptied parents. */
    private void pruneUp(long vaddr, int level) {
        while (level < levels && tables.used(pathTable[level]) == 0) {
            long parent = pathTable[level + 1];
            write(entryAddress(parent, vaddr, level + 1), 0, level + 1);
            tables.free(pathTable[level]);
            tables.addUsed(parent, -1);
            level++;
        }
    }

    @Override
    public void forEach(long root, long start, long end, PteVisitor visitor) {
        if (start >= end) {
            return;
        }
        visitTable(Page.pfn(root), levels, 0, start, end, visitor);
    }

    private long signExtend(long vaddr) {
        if (format.canonicalBits == 32) {
            return vaddr;
        }
        int unused = 64 - format.canonicalBits;
        return (vaddr << unused) >> unused;
    }

    private void visitTable(long tablePfn, int level, long base, long start, long end, PteVisitor visitor) {
        long span = 1L << shift[level];
        int entries = mask[level] + 1;
        long tableBase = Page.address(tablePfn);
        for (int i = 0; i < entries; i++) {
            long lo = signExtend(base + i * span);
            long hi = lo + span;
            if (Long.compareUnsigned(hi - 1, start) < 0 || Long.compareUnsigned(lo, end) >= 0) {
                continue;
            }
            long addr = tableBase + ((long) i << entryShift);
            long e = read(addr);
            if (e == 0) {
                continue;
            }
            if (!Pte.isPresent(e) || isLeaf(level, e)) {
                long nv = visitor.visit(lo, e);
                if (nv != e) {
                    long stored = encode(nv, level, lo);
                    write(addr, stored, level);
                    if (stored == 0) {
                        tables.addUsed(tablePfn, -1);
                    }
                }
            } else {
                long child = Pte.pfn(e);
                visitTable(child, level - 1, base + i * span, start, end, visitor);
                if (tables.used(child) == 0) {
                    write(addr, 0, level);
                    tables.free(child);
                    tables.addUsed(tablePfn, -1);
                }
            }
        }
    }

    @Override
    public long tablePages() {
        return tables.nrTables();
    }

    /**
     * Walks every table of every live root again: each table's count of used entries must
     * equal the non-none entries it holds, every table must be marked {@code PG_table}, and
     * the tables found must be all the tables allocated. Every walk-cache entry of the
     * current generation must name the leaf table a walk from its root finds, and hold that
     * frame's own bytes.
     */
    @Override
    public void verify() {
        long found = 0;
        for (long root : roots) {
            found += verifyTable(Page.pfn(root), levels);
        }
        if (found != tables.nrTables()) {
            throw new IllegalStateException(format.name + ": " + tables.nrTables() + " table pages allocated but "
                + found + " reachable from " + roots.size() + " roots");
        }
        for (int at = 0; at < walkCache.length; at += 4) {
            if (walkCache[at + 3] != generation) {
                continue;
            }
            long root = walkCache[at];
            long vaddr = walkCache[at + 1] << leafRegionShift;
            String entry = format.name + ": walk cache entry for root " + Page.hex(root) + " at " + Page.hex(vaddr);
            if (!roots.contains(root)) {
                throw new IllegalStateException(entry + ": not a live root");
            }
            long table = Page.pfn(root);
            for (int level = levels; level > 1 && table >= 0; level--) {
                long e = read(entryAddress(table, vaddr, level));
                table = Pte.isPresent(e) && !isLeaf(level, e) ? Pte.pfn(e) : -1;
            }
            if (table != walkCache[at + 2]) {
                throw new IllegalStateException(entry + " names table page " + Page.hex(walkCache[at + 2])
                    + " but the tables lead to " + (table < 0 ? "none" : Page.hex(table)));
            }
            if (walkCacheFrames[at >>> 2] != memory.kmap(table)) {
                throw new IllegalStateException(entry + ": the bytes it keeps are not table page " + Page.hex(table) + "'s");
            }
        }
    }

    private long verifyTable(long tablePfn, int level) {
        if (!tables.isTable(tablePfn)) {
            throw new IllegalStateException(format.name + ": table page " + Page.hex(tablePfn) + " not marked PG_table");
        }
        long found = 1;
        int used = 0;
        long base = Page.address(tablePfn);
        for (int i = 0; i <= mask[level]; i++) {
            long e = read(base + ((long) i << entryShift));
            if (e == 0) {
                continue;
            }
            used++;
            if (Pte.isPresent(e) && !isLeaf(level, e)) {
                found += verifyTable(Pte.pfn(e), level - 1);
            }
        }
        if (used != tables.used(tablePfn)) {
            throw new IllegalStateException(format.name + ": table page " + Page.hex(tablePfn) + " at level " + level
                + " counts " + tables.used(tablePfn) + " entries but holds " + used);
        }
        if (used == 0 && level != levels) {
            throw new IllegalStateException(format.name + ": table page " + Page.hex(tablePfn) + " at level " + level
                + " is empty but was not freed");
        }
        return found;
    }

    /** The entry count kept for a table page (tests). */
    int usedEntries(long tablePfn) {
        return tables.used(tablePfn);
    }
}
