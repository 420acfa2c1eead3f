import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * peer-lean.java: two replays of an oracleGeneral trace with FIFO and N resident pages, in
 * plain Java, written apart from mmkit: how fast the work of issues #6 and #7 can be done on
 * this host without the machine around it. Both count faults as cachesim counts misses and
 * the machine pgfault (bench/cachesim-peer.py: fifo@1000 on the Zipf trace 8,023,423).
 *
 * bare: the least a paging machine does, on flat arrays: one leaf page-table entry per page
 * (8 bytes, as x86-64's: P | RW | A for a present page, the swap slot << 12 for a swapped
 * one), a swap map of one byte per slot (Linux's swap_map), the swap slot each frame caches
 * (the swap cache), a stack of free frames and a ring of the resident pages in the order
 * they came in. Per reference: read the page's entry; present: set A if clear, done.
 * Otherwise a fault: with N pages resident, evict the ring's oldest: read its entry for the
 * frame, give it a slot if its frame caches none (the next free one from a cursor, counted
 * as a write, pswpout), store the swap entry, free the frame; then take a free frame, and
 * for a swapped page read its slot's byte (a major fault; the slot stays with the page,
 * which is clean: the trace only reads); store the present entry, append the page to the
 * ring. No TLB, upper levels, struct page, allocator, reverse map, VMA or counters.
 *
 * machine: every part the machine's replay goes through, in its leanest form, as the
 * machine's default replay configuration has them (x86-64 page table, set-associative TLB,
 * buddy page allocator, FIFO, 1 GiB of RAM, 5 GiB of swap, one process whose one VMA covers
 * the trace's pages):
 *   TLB:        64 entries, 16 sets of 4 ways, tags of page number and ASID, LRU ways (a
 *               use stamp per way); a hit costs 101 ns of virtual time (TLB + memory), a
 *               miss walks;
 *   page table: four levels of 512 8-byte entries in simulated frames (long[512] each),
 *               tables allocated from the page allocator as first touches need them; the
 *               walk sets A, counts its memory references (100 ns each), and a direct-
 *               mapped walk cache of 2048 leaf tables, generation-checked, spares it the
 *               upper levels (the machine's RadixPageTable keeps the same cache);
 *   struct page: flags, refcount, mapcount, mapping, index and private per frame;
 *   allocator:  order 0 from a stack of free frames, a double free refused;
 *   faults:     a VMA check, zero fill on first touch; a swap entry's page from the swap
 *               cache or read (a major fault, 8 ms of virtual time); the entry re-read
 *               after the allocation, as do_swap_page re-checks it;
 *   swap:       per slot one word of count | in use | cached pfn + 1, slots from a cursor
 *               over a bitmap of used words; the swap cache keeps a clean page's slot;
 *   reclaim:    the process's resident limit: FIFO's oldest page is evicted through the
 *               reverse map (its anon_vma's VMA and index give the entry), the entry
 *               exchanged for the swap entry, the TLB entry shot down, a page without a
 *               slot written (pswpout), the frame freed;
 *   counters:   pgfault, pgmajfault, pswpin, pswpout, pgscan, pgsteal, pgalloc, pgfree,
 *               nr_anon_pages, nr_swapcached, TLB hits and misses, walks, and the clock.
 * Before every 16th reference the machine replay reads the leaf entries of references 32
 * to 47 ahead, then the swap words they name, then the leaf entries of FIFO's 17th to 32nd
 * oldest pages (the victims of the faults to come), so that those misses overlap. The
 * machine's Kernel.prefetch hint reads the next 16 references and, in sets of 4,096 pages
 * and more, the next 16 victims; here 32 ahead ran fifo@1000 in 1.07-1.22 s against
 * 1.36-1.55 s, and the victims' entries on top in 1.02-1.05 s against 1.11-1.18
 * (fifo@100000 0.89-1.05 against 1.04-1.22), 3 rounds each.
 *
 * The machine replay's counts equal the machine's on the same trace (fifo@1000 on the Zipf
 * trace: pgfault 8,023,423, pgmajfault and pswpin 7,125,561, pswpout 897,842, pgfree
 * 8,022,423, TLB hits 736,999 and misses 17,286,424).
 *
 * Usage:  javac -d /tmp/peer-lean bench/peer-lean.java
 *         java -XX:+UseSerialGC -XX:+UseTransparentHugePages -XX:-UseCompressedOops \
 *              -cp /tmp/peer-lean PeerLean bare|machine TRACE N
 * Prints the counters and the replay's own seconds (file read included); for the whole
 * process run it under /usr/bin/time.
 */
final class PeerLean {
    private static final int RECORD = 24;
    /** The largest page number: bare's flat table grows up to 2^28 entries (1 TiB of address space). */
    static final long MAX_PAGE = (1L << 28) - 1;

    /** One of the replays, fed the trace's page numbers a block at a time. */
    interface Replay {
        void replay(long[] pages, int n);

        String counters();
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 3 || !(args[0].equals("bare") || args[0].equals("machine"))) {
            System.err.println("usage: PeerLean bare|machine TRACE N");
            System.exit(2);
        }
        long start = System.nanoTime();
        int n = Integer.parseInt(args[2]);
        Replay replay = args[0].equals("bare") ? new BareFifo(n) : new LeanMachine(1 << 18, 5L << 18, n, 0, 1L << 47);
        long refs = 0;
        long[] pages = new long[4096];
        ByteBuffer buf = ByteBuffer.allocateDirect(RECORD * pages.length).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel ch = FileChannel.open(Path.of(args[1]), StandardOpenOption.READ)) {
            while (true) {
                buf.clear();
                while (buf.hasRemaining() && ch.read(buf) > 0) {
                    // a whole block
                }
                buf.flip();
                if (buf.remaining() % RECORD != 0) {
                    throw new IllegalArgumentException(args[1] + ": ends inside record " + (refs + buf.remaining() / RECORD));
                }
                int k = buf.remaining() / RECORD;
                if (k == 0) {
                    break;
                }
                for (int i = 0; i < k; i++) {
                    long page = buf.getLong(i * RECORD + 4);
                    if (page < 0 || page > MAX_PAGE) {
                        throw new IllegalArgumentException(args[1] + ": record " + (refs + i) + ": object id "
                            + Long.toUnsignedString(page) + " is not a page number these replays take (at most " + MAX_PAGE + ")");
                    }
                    pages[i] = page;
                }
                replay.replay(pages, k);
                refs += k;
            }
        }
        System.out.printf("references %d %s replay %.3f s%n", refs, replay.counters(), (System.nanoTime() - start) / 1e9);
    }
}

/** The bare loop: see the file's comment. */
final class BareFifo implements PeerLean.Replay {
    private static final long P = 1, RW = 2, A = 1L << 5;

    private final int n;
    private long[] pte = new long[1 << 20];
    private byte[] swapMap = new byte[1 << 20];
    private final long[] frameSlot;
    private final int[] free;
    private int nrFree;
    private final int[] ring;
    private int head;
    private int resident;
    private int cursor = 1;
    private long faults;
    private long major;
    private long pswpout;

    BareFifo(int n) {
        this.n = n;
        frameSlot = new long[n];
        free = new int[n];
        for (int i = 0; i < n; i++) {
            free[i] = n - 1 - i;
        }
        nrFree = n;
        ring = new int[n];
    }

    @Override
    public void replay(long[] pages, int m) {
        for (int i = 0; i < m; i++) {
            long id = pages[i];
            if (id >= pte.length) {
                pte = Arrays.copyOf(pte, Integer.highestOneBit((int) id) << 1);
            }
        }
        for (int i = 0; i < m; i++) {
            int vpn = (int) pages[i];
            long e = pte[vpn];
            if ((e & P) != 0) {
                if ((e & A) == 0) {
                    pte[vpn] = e | A;
                }
                continue;
            }
            faults++;
            if (resident == n) {
                int victim = ring[head];
                head = head + 1 == n ? 0 : head + 1;
                resident--;
                int frame = (int) (pte[victim] >>> 12);
                long slot = frameSlot[frame];
                if (slot == 0) {
                    while (cursor < swapMap.length && swapMap[cursor] != 0) {
                        cursor++;
                    }
                    if (cursor == swapMap.length) {
                        swapMap = Arrays.copyOf(swapMap, swapMap.length * 2);
                    }
                    slot = cursor;
                    swapMap[cursor] = 1;
                    pswpout++;
                }
                pte[victim] = slot << 12;
                free[nrFree++] = frame;
            }
            int frame = free[--nrFree];
            long slot = 0;
            if (e != 0) {
                slot = e >>> 12;
                if (swapMap[(int) slot] == 0) {
                    throw new IllegalStateException("page " + vpn + ": swap slot " + slot + " is free");
                }
                major++;
            }
            frameSlot[frame] = slot;
            pte[vpn] = ((long) frame << 12) | P | RW | A;
            int tail = head + resident;
            ring[tail >= n ? tail - n : tail] = vpn;
            resident++;
        }
    }

    @Override
    public String counters() {
        return String.format("pgfault %d pgmajfault %d pswpout %d", faults, major, pswpout);
    }
}

/** The machine's work in one class: see the file's comment. */
final class LeanMachine implements PeerLean.Replay {
    /** How many references ahead the prefetch reads. */
    static final int AHEAD = 32;
    static final long P = 1, RW = 2, US = 4, A = 1L << 5, D = 1L << 6;
    static final long PFN_MASK = 0x000F_FFFF_FFFF_F000L;
    static final long TABLE = P | RW | US | A | D;
    // struct page flags
    static final int PG_ANON = 1, PG_SWAPCACHE = 2, PG_DIRTY = 4, PG_UPTODATE = 8, PG_SWAPBACKED = 16, PG_TABLE = 32;
    // counters
    static final int PGFAULT = 0, PGMAJFAULT = 1, PSWPIN = 2, PSWPOUT = 3, PGSCAN = 4, PGSTEAL = 5, PGALLOC = 6,
        PGFREE = 7, NR_ANON = 8, NR_SWAPCACHED = 9, TLB_HITS = 10, TLB_MISSES = 11, WALKS = 12, WALK_REFS = 13,
        TLB_FLUSH = 14, ZERO_FILLS = 15, PGMINFAULT = 16;
    final long[] vm = new long[17];
    long clock;

    // physical memory and struct page
    final int nrFrames;
    final long[][] frames;
    final int[] flags, refcount, mapcount, mapping;
    final long[] index, priv;
    final byte[] allocated;
    final int[] freeStack;
    int nrFree;

    // page table
    final long root;
    static final int WC = 2048;
    final long[] walkCache = new long[WC * 3];
    long generation = 1;

    // TLB: 16 sets x 4 ways
    final long[] tlbTag = new long[64];
    final long[] tlbPte = new long[64];
    /** When each way was last used: the set's least recently used way has the smallest. */
    final long[] tlbStamp = new long[64];
    long tick;
    final long asid = 1;

    // swap
    final long[] swapMap;
    final long[] swapUsed;
    long cursor = 1;

    // the one VMA and its anon_vma
    final long vmStart, vmEnd;
    final int anonVmaId = 1;
    long rss;
    final long limit;

    // FIFO
    final int[] ring;
    int head, count;

    LeanMachine(int nrFrames, long swapSlots, long limit, long vmStart, long vmEnd) {
        this.nrFrames = nrFrames;
        frames = new long[nrFrames][];
        flags = new int[nrFrames];
        refcount = new int[nrFrames];
        mapcount = new int[nrFrames];
        mapping = new int[nrFrames];
        index = new long[nrFrames];
        priv = new long[nrFrames];
        allocated = new byte[nrFrames];
        freeStack = new int[nrFrames];
        for (int i = 0; i < nrFrames; i++) {
            freeStack[i] = nrFrames - 1 - i;
        }
        nrFree = nrFrames;
        swapMap = new long[(int) swapSlots];
        swapUsed = new long[(int) ((swapSlots + 63) >>> 6)];
        swapUsed[0] = 1;
        swapMap[0] = 1L << 31;
        this.limit = limit;
        this.vmStart = vmStart;
        this.vmEnd = vmEnd;
        ring = new int[(int) limit];
        root = (long) allocTable() << 12;
    }

    // ---------------------------------------------------------------- page allocator
    int allocPage() {
        if (nrFree == 0) {
            throw new IllegalStateException("out of frames");
        }
        int pfn = freeStack[--nrFree];
        allocated[pfn] = 1;
        refcount[pfn] = 1;
        vm[PGALLOC]++;
        return pfn;
    }

    void freePage(int pfn) {
        if (allocated[pfn] == 0) {
            throw new IllegalStateException("pfn " + pfn + " freed twice");
        }
        allocated[pfn] = 0;
        flags[pfn] = 0;
        refcount[pfn] = 0;
        mapcount[pfn] = 0;
        mapping[pfn] = 0;
        index[pfn] = 0;
        priv[pfn] = 0;
        frames[pfn] = null;
        freeStack[nrFree++] = pfn;
        vm[PGFREE]++;
    }

    int allocTable() {
        int pfn = allocPage();
        flags[pfn] = PG_TABLE;
        frames[pfn] = new long[512];
        return pfn;
    }

    // ---------------------------------------------------------------- page table
    int cachedLeaf(long vaddr) {
        long region = vaddr >>> 21;
        int at = (int) ((region ^ (region >>> 11) ^ (root >>> 12) * 0x9E37) & (WC - 1)) * 3;
        if (walkCache[at + 2] == generation && walkCache[at] == region) {
            return (int) walkCache[at + 1];
        }
        return -1;
    }

    void cacheLeaf(long vaddr, int table) {
        long region = vaddr >>> 21;
        int at = (int) ((region ^ (region >>> 11) ^ (root >>> 12) * 0x9E37) & (WC - 1)) * 3;
        walkCache[at] = region;
        walkCache[at + 1] = table;
        walkCache[at + 2] = generation;
    }

    /** The memory references of the last {@link #leafTable} walk (4 on a walk-cache hit, which stands for them). */
    int walkRefs;

    /** The leaf table of vaddr (allocating missing tables if asked), -1 if missing. */
    int leafTable(long vaddr, boolean populate) {
        int leaf = cachedLeaf(vaddr);
        if (leaf >= 0) {
            walkRefs = 4;
            return leaf;
        }
        int table = (int) (root >>> 12);
        for (int level = 4; level > 1; level--) {
            int i = (int) (vaddr >>> (12 + 9 * (level - 1))) & 511;
            long e = frames[table][i];
            if ((e & P) == 0) {
                if (!populate) {
                    walkRefs = 5 - level;
                    return -1;
                }
                int t = allocTable();
                frames[table][i] = ((long) t << 12) | TABLE;
                generation++;
                e = frames[table][i];
            }
            table = (int) ((e & PFN_MASK) >>> 12);
        }
        cacheLeaf(vaddr, table);
        walkRefs = 4;
        return table;
    }

    // ---------------------------------------------------------------- TLB
    long tlbLookup(long vpn) {
        int set = (int) (vpn & 15) << 2;
        long tag = vpn | asid << 52;
        for (int w = 0; w < 4; w++) {
            if (tlbTag[set + w] == tag) {
                touch(set, w);
                return tlbPte[set + w];
            }
        }
        return 0;
    }

    void touch(int set, int w) {
        tlbStamp[set + w] = ++tick;
    }

    void tlbInsert(long vpn, long pte) {
        int set = (int) (vpn & 15) << 2;
        int victim = 0;
        for (int w = 0; w < 4; w++) {
            if (tlbTag[set + w] == 0) {
                victim = w;
                break;
            }
            if (tlbStamp[set + w] < tlbStamp[set + victim]) {
                victim = w;
            }
        }
        tlbTag[set + victim] = vpn | asid << 52;
        tlbPte[set + victim] = pte;
        touch(set, victim);
    }

    void tlbInvalidate(long vpn) {
        int set = (int) (vpn & 15) << 2;
        long tag = vpn | asid << 52;
        vm[TLB_FLUSH]++;
        for (int w = 0; w < 4; w++) {
            if (tlbTag[set + w] == tag) {
                tlbTag[set + w] = 0;
                tlbStamp[set + w] = 0;
            }
        }
    }

    // ---------------------------------------------------------------- swap
    long allocSlot() {
        long s = cursor;
        long n = swapMap.length;
        for (long tried = 0; tried < n; tried++, s = s + 1 >= n ? 1 : s + 1) {
            long word = swapUsed[(int) (s >>> 6)];
            if (word == -1L) {
                long next = (s | 63) + 1;
                tried += next - s - 1;
                s = next - 1;
                continue;
            }
            if ((word & (1L << s)) == 0) {
                swapUsed[(int) (s >>> 6)] |= 1L << s;
                swapMap[(int) s] = 1L << 31;
                cursor = s + 1 >= n ? 1 : s + 1;
                return s;
            }
        }
        throw new IllegalStateException("swap full");
    }

    long slotWord(long slot) {
        long e = swapMap[(int) slot];
        if ((e & (1L << 31)) == 0) {
            throw new IllegalStateException("swap slot " + slot + " not in use");
        }
        return e;
    }

    void addCount(long slot, int delta) {
        long e = slotWord(slot);
        swapMap[(int) slot] = (e & ~0x7FFF_FFFFL) | ((e & 0x7FFF_FFFFL) + delta);
    }

    void setCachePfn(long slot, long pfn) {
        long e = slotWord(slot);
        swapMap[(int) slot] = (e & 0xFFFF_FFFFL) | ((pfn + 1) << 32);
    }

    /** What {@link #prefetch} read, summed, so that the compiler keeps its loads. */
    long prefetchedSum;
    final long[] ahead = new long[16];

    /**
     * Reads the leaf entries of the pages from..to, then the slot words they name, then the
     * leaf entries of the next victims: a few instructions apart, so that their misses overlap.
     */
    void prefetch(long[] pages, int from, int to) {
        int n = 0;
        for (int i = from; i < to; i++) {
            int leaf = cachedLeaf(pages[i] << 12);
            ahead[n++] = leaf < 0 ? -1 : ((long) leaf << 9) | (pages[i] & 511);
        }
        long sum = 0;
        for (int i = 0; i < n; i++) {
            long a = ahead[i];
            ahead[i] = a < 0 ? 0 : frames[(int) (a >>> 9)][(int) (a & 511)];
        }
        for (int i = 0; i < n; i++) {
            long e = ahead[i];
            if (e != 0 && (e & P) == 0) {
                sum += swapMap[(int) (e >>> 12)];
            }
        }
        // the next victims' leaf entries (FIFO's oldest pages)
        for (int v = 16; v < 32 && v < count; v++) {
            int at = head + v;
            int pfn = ring[at >= ring.length ? at - ring.length : at];
            long va = index[pfn] << 12;
            int leaf = cachedLeaf(va);
            if (leaf >= 0) {
                sum += frames[leaf][(int) ((va >>> 12) & 511)];
            }
        }
        prefetchedSum += sum;
    }

    // ---------------------------------------------------------------- the reference
    void access(long vaddr) {
        long vpn = vaddr >>> 12;
        long e = tlbLookup(vpn);
        if (e != 0) {
            vm[TLB_HITS]++;
            clock += 101;
            return;
        }
        for (int attempt = 0; attempt < 4; attempt++) {
            if (attempt > 0) {
                e = tlbLookup(vpn);
                if (e != 0) {
                    vm[TLB_HITS]++;
                    return;
                }
            }
            vm[TLB_MISSES]++;
            vm[WALKS]++;
            int leaf = leafTable(vaddr, false);
            vm[WALK_REFS] += walkRefs;
            clock += 100L * walkRefs;
            long pte = 0;
            long[] table = null;
            int i = (int) (vpn & 511);
            if (leaf >= 0) {
                table = frames[leaf];
                pte = table[i];
            }
            if ((pte & P) != 0) {
                if ((pte & A) == 0) {
                    pte |= A;
                    table[i] = pte;
                }
                tlbInsert(vpn, pte);
                return;
            }
            fault(vaddr, pte);
        }
        throw new IllegalStateException("fault at " + Long.toHexString(vaddr) + " not resolved");
    }

    void fault(long vaddr, long pte) {
        vm[PGFAULT]++;
        if (vaddr < vmStart || vaddr >= vmEnd) {
            throw new IllegalStateException("SIGSEGV at " + Long.toHexString(vaddr));
        }
        if (pte == 0) {
            doAnonymousPage(vaddr);
        } else {
            doSwapPage(vaddr, pte);
        }
    }

    void doAnonymousPage(long vaddr) {
        int leaf = leafTable(vaddr, true);
        int pfn = allocUserPage();
        int i = (int) ((vaddr >>> 12) & 511);
        if (frames[leaf][i] != 0) {
            freePage(pfn);
            return;
        }
        flags[pfn] = PG_ANON | PG_SWAPBACKED | PG_UPTODATE;
        mapping[pfn] = anonVmaId;
        index[pfn] = vaddr >>> 12;
        mapcount[pfn] = 1;
        refcount[pfn] = 1;
        vm[NR_ANON]++;
        frames[leaf][i] = ((long) pfn << 12) | P | RW | US;
        rss++;
        lruAdd(pfn);
        vm[ZERO_FILLS]++;
        vm[PGMINFAULT]++;
        clock += 1000;
    }

    void doSwapPage(long vaddr, long pte) {
        long slot = pte >>> 12;
        long pfn = (slotWord(slot) >>> 32) - 1;
        boolean major = false;
        int leaf = leafTable(vaddr, false);
        int i = (int) ((vaddr >>> 12) & 511);
        if (pfn < 0) {
            int fresh = allocUserPage();
            if (frames[leaf][i] != pte) {
                freePage(fresh);
                return;
            }
            pfn = fresh;
            flags[fresh] = PG_ANON | PG_SWAPBACKED | PG_UPTODATE | PG_SWAPCACHE;
            mapping[fresh] = anonVmaId;
            index[fresh] = vaddr >>> 12;
            priv[fresh] = slot;
            mapcount[fresh] = 0;
            refcount[fresh] = 1;
            setCachePfn(slot, fresh);
            vm[NR_ANON]++;
            vm[NR_SWAPCACHED]++;
            lruAdd(fresh);
            major = true;
        }
        addCount(slot, -1);
        int p = (int) pfn;
        mapcount[p]++;
        refcount[p] = mapcount[p] + 1;
        frames[leaf][i] = (pfn << 12) | P | US;
        rss++;
        if (major) {
            vm[PSWPIN]++;
            vm[PGMAJFAULT]++;
            clock += 8_000_000;
        } else {
            vm[PGMINFAULT]++;
            clock += 1000;
        }
    }

    int allocUserPage() {
        if (count >= limit) {
            reclaimOne();
        }
        return allocPage();
    }

    void lruAdd(int pfn) {
        int tail = head + count;
        ring[tail >= ring.length ? tail - ring.length : tail] = pfn;
        count++;
    }

    void reclaimOne() {
        int pfn = ring[head];
        head = head + 1 == ring.length ? 0 : head + 1;
        count--;
        vm[PGSCAN]++;
        int f = flags[pfn];
        boolean cached = (f & PG_SWAPCACHE) != 0;
        long slot;
        if (cached) {
            slot = priv[pfn];
        } else {
            slot = allocSlot();
            flags[pfn] = f | PG_SWAPCACHE;
            priv[pfn] = slot;
            setCachePfn(slot, pfn);
            refcount[pfn]++;
            vm[NR_SWAPCACHED]++;
        }
        // rmap: the anon_vma's one VMA, the page's address in it
        if (mapping[pfn] != anonVmaId) {
            throw new IllegalStateException("page " + pfn + ": not of the anon_vma");
        }
        long va = index[pfn] << 12;
        if (va < vmStart || va >= vmEnd) {
            throw new IllegalStateException("page " + pfn + ": outside its VMA");
        }
        addCount(slot, 1);
        int leaf = leafTable(va, false);
        int i = (int) ((va >>> 12) & 511);
        long old = frames[leaf][i];
        frames[leaf][i] = slot << 12;
        if ((old & P) == 0 || ((old & PFN_MASK) >>> 12) != pfn) {
            throw new IllegalStateException("page " + pfn + ": its entry maps " + Long.toHexString(old));
        }
        rss--;
        tlbInvalidate(va >>> 12);
        if (!cached || (old & D) != 0 || (flags[pfn] & PG_DIRTY) != 0) {
            vm[PSWPOUT]++;
        }
        flags[pfn] &= ~(PG_DIRTY | PG_SWAPCACHE);
        mapcount[pfn] = 0;
        priv[pfn] = 0;
        setCachePfn(slot, -1);
        vm[NR_SWAPCACHED]--;
        vm[NR_ANON]--;
        freePage(pfn);
        vm[PGSTEAL]++;
    }

    @Override
    public void replay(long[] pages, int n) {
        for (int i = 0; i < n; i++) {
            if ((i & 15) == 0) {
                int from = Math.min(n, i + AHEAD);
                prefetch(pages, from, Math.min(n, from + 16));
            }
            access(pages[i] << 12);
        }
    }

    @Override
    public String counters() {
        return String.format("pgfault %d pgmajfault %d pswpin %d pswpout %d pgfree %d tlb hits %d misses %d walks %d",
            vm[PGFAULT], vm[PGMAJFAULT], vm[PSWPIN], vm[PSWPOUT], vm[PGFREE], vm[TLB_HITS], vm[TLB_MISSES], vm[WALKS]);
    }
}
