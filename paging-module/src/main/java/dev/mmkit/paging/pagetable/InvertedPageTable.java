package dev.mmkit.paging.pagetable;

import dev.mmkit.api.hw.Page;
import dev.mmkit.api.hw.PhysicalMemory;
import dev.mmkit.api.hw.Pte;
import dev.mmkit.api.machine.Machine;
import dev.mmkit.api.pagetable.PageTable;
import dev.mmkit.api.pagetable.PteVisitor;
import dev.mmkit.api.pagetable.Walk;
import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * A hashed inverted page table (IBM System/38, PowerPC's hashed page table): one table for
 * the whole machine, sized by physical memory rather than by virtual address space, found
 * through a hash anchor table.
 *
 * <h2>Glossary</h2>
 * <ul>
 *   <li>context: the address space an entry belongs to; {@link #createRoot} hands one out
 *       and the root is that number (never 0).</li>
 *   <li>HAT (hash anchor table): {@code nBuckets} 4-byte slots, a power of two at least
 *       the number of frames; slot {@code hash(context, vpn)} holds the index + 1 of the
 *       first entry of its chain, 0 for an empty chain.</li>
 *   <li>entry: 32 bytes, 128 to a frame. Word 0 the tag, word 1 the PTE, word 2 the index + 1
 *       of the next entry in the chain (or in the free list).</li>
 * </ul>
 *
 * <pre>
 *  tag:  63   62 ........... 40  39 ................ 0
 *       +----+-----------------+----------------------+
 *       | V  | context (23)    |  vpn (40)            |
 *       +----+-----------------+----------------------+
 * </pre>
 *
 * <p>Both the HAT and the entries live in frames from the page allocator, allocated when
 * the first address space is created: the HAT, then one entry per physical frame. Because a
 * frame may be mapped by several address spaces (copy on write) and swap entries are kept
 * too, more entries can be needed than frames exist: the pool then grows by a frame of 128
 * entries at a time (an overflow area) and never shrinks.
 *
 * <h2>Algorithm: [walk(root, vaddr, write)]</h2>
 * <ol>
 *   <li>Read the HAT slot of {@code hash(context, vpn)} (one memory reference).</li>
 *   <li>Follow the chain, reading each entry's tag (one reference per entry) until the tag
 *       matches. No match, or a non-present PTE: the walk fails at level 1.</li>
 *   <li>Set A (and D on a write the entry allows) in the entry's PTE word.</li>
 * </ol>
 * Hash collisions lengthen chains, and so walks: {@link Walk#memoryReferences} shows it.
 *
 * <h2>Algorithm: [setPte]</h2>
 * Find the entry as the walk does. Installing into a missing one takes an entry from the
 * free list and pushes it at the head of its chain; clearing unlinks it and returns it to
 * the free list. An empty free list grows the pool first; that allocation may reclaim, which
 * only ever removes entries, but may destroy the context itself (an OOM kill of its process):
 * then nothing is installed and {@link IllegalStateException} is thrown, as when no frame can
 * be had.
 */
final class InvertedPageTable implements PageTable {
    static final int ENTRY_BYTES = 32;
    static final int ENTRIES_PER_FRAME = Page.SIZE / ENTRY_BYTES;
    private static final int HAT_PER_FRAME = Page.SIZE / 4;
    private static final long VALID = 1L << 63;
    private static final int CONTEXT_SHIFT = 40;
    private static final long VPN_MASK = (1L << CONTEXT_SHIFT) - 1;
    private static final int MAX_CONTEXT = (1 << 23) - 1;
    /** The user address space of x86-64 ({@code TASK_SIZE_MAX}: 128 TiB less its last page). */
    private static final long USER_LIMIT = (1L << 47) - Page.SIZE;

    private final Machine machine;
    private final TablePages tables;
    private PhysicalMemory memory;
    private int hashBits;
    private long[] hatFrames;
    private long[] poolFrames = new long[0];
    private int poolSize;
    private int freeHead;
    private int nrUsed;
    private int nextContext = 1;
    private final ArrayDeque<Integer> freeContexts = new ArrayDeque<>();
    private boolean[] liveContext = new boolean[64];

    InvertedPageTable(Machine machine) {
        this.machine = machine;
        this.tables = new TablePages(machine);
    }

    @Override
    public int levels() {
        return 1;
    }

    @Override
    public long userAddressLimit() {
        return USER_LIMIT;
    }

    @Override
    public boolean isCanonical(long vaddr) {
        return (vaddr << 16) >> 16 == vaddr;
    }

    @Override
    public int largePageShift() {
        return 0;
    }

    private boolean setUp() {
        if (hatFrames != null) {
            return true;
        }
        memory = machine.memory();
        long nrFrames = machine.memMap().nrFrames();
        int bits = 64 - Long.numberOfLeadingZeros(Math.max(nrFrames, HAT_PER_FRAME) - 1);
        int nHat = (int) ((1L << bits) / HAT_PER_FRAME);
        long[] hat = new long[nHat];
        for (int i = 0; i < nHat; i++) {
            hat[i] = tables.alloc();
            if (hat[i] < 0) {
                for (int j = 0; j < i; j++) {
                    tables.free(hat[j]);
                }
                return false;
            }
        }
        hatFrames = hat;
        hashBits = bits;
        int initialFrames = (int) ((nrFrames + ENTRIES_PER_FRAME - 1) / ENTRIES_PER_FRAME);
        for (int i = 0; i < initialFrames; i++) {
            if (!grow()) {
                break;
            }
        }
        return true;
    }

    /** Adds one frame of free entries to the pool. */
    private boolean grow() {
        long pfn = tables.alloc();
        if (pfn < 0) {
            return false;
        }
        int frame = poolFrames.length;
        poolFrames = Arrays.copyOf(poolFrames, frame + 1);
        poolFrames[frame] = pfn;
        int first = frame * ENTRIES_PER_FRAME;
        for (int i = ENTRIES_PER_FRAME - 1; i >= 0; i--) {
            memory.writeLong(entryAddress(first + i) + 16, freeHead);
            freeHead = first + i + 1;
        }
        poolSize += ENTRIES_PER_FRAME;
        return true;
    }

    /** The HAT slot of a (context, vpn) pair: a multiplicative hash (Knuth), top bits. */
    int bucket(int context, long vpn) {
        long h = (vpn ^ ((long) context << 32)) * 0x9E37_79B9_7F4A_7C15L;
        return (int) (h >>> (64 - hashBits));
    }

    int nBuckets() {
        return 1 << hashBits;
    }

    private long hatAddress(int bucket) {
        return Page.address(hatFrames[bucket / HAT_PER_FRAME]) + (long) (bucket % HAT_PER_FRAME) * 4;
    }

    private long entryAddress(int index) {
        return Page.address(poolFrames[index / ENTRIES_PER_FRAME]) + (long) (index % ENTRIES_PER_FRAME) * ENTRY_BYTES;
    }

    private static long tag(int context, long vpn) {
        return VALID | ((long) context << CONTEXT_SHIFT) | (vpn & VPN_MASK);
    }

    @Override
    public long createRoot(int asid) {
        if (!setUp()) {
            return -1;
        }
        int context;
        if (!freeContexts.isEmpty()) {
            context = freeContexts.pop();
        } else if (nextContext <= MAX_CONTEXT) {
            context = nextContext++;
        } else {
            return -1;
        }
        if (context >= liveContext.length) {
            liveContext = Arrays.copyOf(liveContext, Math.max(context + 1, liveContext.length * 2));
        }
        liveContext[context] = true;
        return context;
    }

    private int context(long root) {
        if (root <= 0 || root > MAX_CONTEXT || root >= liveContext.length || !liveContext[(int) root]) {
            throw new IllegalArgumentException("root " + root + ": not a live context of the inverted page table");
        }
        return (int) root;
    }

    @Override
    public void destroyRoot(long root) {
        int context = context(root);
        for (int b = 0; b < nBuckets(); b++) {
            long hat = hatAddress(b);
            int prev = 0;
            int cur = memory.readInt(hat);
            while (cur != 0) {
                long addr = entryAddress(cur - 1);
                int next = (int) memory.readLong(addr + 16);
                long t = memory.readLong(addr);
                if (((t >>> CONTEXT_SHIFT) & MAX_CONTEXT) == context) {
                    unlink(hat, prev, cur, next);
                } else {
                    prev = cur;
                }
                cur = next;
            }
        }
        liveContext[context] = false;
        freeContexts.push(context);
    }

    private void unlink(long hat, int prev, int cur, int next) {
        if (prev == 0) {
            memory.writeInt(hat, next);
        } else {
            memory.writeLong(entryAddress(prev - 1) + 16, next);
        }
        long addr = entryAddress(cur - 1);
        memory.writeLong(addr, 0);
        memory.writeLong(addr + 8, 0);
        memory.writeLong(addr + 16, freeHead);
        freeHead = cur;
        nrUsed--;
    }

    @Override
    public long walk(long root, long vaddr, boolean write, Walk out) {
        out.pte = 0;
        out.entry = 0;
        out.faultLevel = 1;
        out.memoryReferences = 0;
        if (!isCanonical(vaddr) || hatFrames == null) {
            return 0;
        }
        int context = (int) root;
        long vpn = Page.vpn(vaddr) & VPN_MASK;
        long want = tag(context, vpn);
        int refs = 1;
        int cur = memory.readInt(hatAddress(bucket(context, vpn)));
        while (cur != 0) {
            long addr = entryAddress(cur - 1);
            refs++;
            if (memory.readLong(addr) == want) {
                long e = memory.readLong(addr + 8);
                out.memoryReferences = refs;
                out.entry = e;
                if (!Pte.isPresent(e)) {
                    return 0;
                }
                long bits = (write && (e & Pte.RW) != 0) ? Pte.A | Pte.D : Pte.A;
                if ((e & bits) != bits) {
                    e |= bits;
                    memory.writeLong(addr + 8, e);
                }
                out.entry = e;
                out.pte = e;
                out.pageShift = Page.SHIFT;
                out.faultLevel = 0;
                return e;
            }
            cur = (int) memory.readLong(addr + 16);
        }
        out.memoryReferences = refs;
        return 0;
    }

    /** Index + 1 of the entry for (context, vpn), or 0. */
    private int find(int context, long vpn) {
        long want = tag(context, vpn);
        int cur = memory.readInt(hatAddress(bucket(context, vpn)));
        while (cur != 0) {
            long addr = entryAddress(cur - 1);
            if (memory.readLong(addr) == want) {
                return cur;
            }
            cur = (int) memory.readLong(addr + 16);
        }
        return 0;
    }

    @Override
    public long getPte(long root, long vaddr) {
        if (!isCanonical(vaddr) || hatFrames == null) {
            return 0;
        }
        int e = find((int) root, Page.vpn(vaddr) & VPN_MASK);
        return e == 0 ? 0 : memory.readLong(entryAddress(e - 1) + 8);
    }

    @Override
    public boolean populate(long root, long vaddr, int pageShift) {
        if (freeHead == 0) {
            return grow();
        }
        return true;
    }

    @Override
    public long setPte(long root, long vaddr, long pte, int pageShift) {
        if (pageShift != Page.SHIFT) {
            throw new IllegalArgumentException("pageShift: " + pageShift + " (expected: 12, the inverted table has no large pages)");
        }
        if (!isCanonical(vaddr)) {
            throw new IllegalArgumentException("vaddr " + Page.hex(vaddr) + " is not canonical");
        }
        int context = context(root);
        long vpn = Page.vpn(vaddr) & VPN_MASK;
        int found = find(context, vpn);
        if (found != 0) {
            long addr = entryAddress(found - 1);
            long old = memory.readLong(addr + 8);
            if (pte != 0) {
                memory.writeLong(addr + 8, pte);
            } else {
                remove(context, vpn, found);
            }
            return old;
        }
        if (pte == 0) {
            return 0;
        }
        if (freeHead == 0) {
            if (!grow()) {
                throw new IllegalStateException("no frame to grow the inverted page table (" + poolSize + " entries)");
            }
            if (!liveContext[context]) {
                // the allocation reclaimed, and reclaim killed the process and released its mm
                // (destroyRoot) meanwhile: an entry installed now would belong to a dead context,
                // and to the next address space that createRoot hands the context to
                throw new IllegalStateException("root " + root + " of the inverted page table was destroyed"
                    + " while its entry pool grew");
            }
        }
        int e = freeHead;
        long addr = entryAddress(e - 1);
        freeHead = (int) memory.readLong(addr + 16);
        long hat = hatAddress(bucket(context, vpn));
        memory.writeLong(addr, tag(context, vpn));
        memory.writeLong(addr + 8, pte);
        memory.writeLong(addr + 16, memory.readInt(hat));
        memory.writeInt(hat, e);
        nrUsed++;
        return 0;
    }

    private void remove(int context, long vpn, int target) {
        long hat = hatAddress(bucket(context, vpn));
        int prev = 0;
        int cur = memory.readInt(hat);
        while (cur != 0) {
            int next = (int) memory.readLong(entryAddress(cur - 1) + 16);
            if (cur == target) {
                unlink(hat, prev, cur, next);
                return;
            }
            prev = cur;
            cur = next;
        }
        throw new IllegalStateException("inverted page table: entry " + (target - 1) + " not on its chain");
    }

    @Override
    public void forEach(long root, long start, long end, PteVisitor visitor) {
        if (hatFrames == null || start >= end) {
            return;
        }
        int context = context(root);
        long[] vpns = new long[16];
        int n = 0;
        for (int b = 0; b < nBuckets(); b++) {
            int cur = memory.readInt(hatAddress(b));
            while (cur != 0) {
                long addr = entryAddress(cur - 1);
                long t = memory.readLong(addr);
                long va = address(t & VPN_MASK);
                if (((t >>> CONTEXT_SHIFT) & MAX_CONTEXT) == context
                    && Long.compareUnsigned(va, start) >= 0 && Long.compareUnsigned(va, end) < 0) {
                    if (n == vpns.length) {
                        vpns = Arrays.copyOf(vpns, n * 2);
                    }
                    vpns[n++] = t & VPN_MASK;
                }
                cur = (int) memory.readLong(addr + 16);
            }
        }
        // the 40-bit vpns of the upper half (bits 36..39 set) sort after the lower half's,
        // as their canonical addresses do unsigned
        Arrays.sort(vpns, 0, n);
        for (int i = 0; i < n; i++) {
            long va = address(vpns[i]);
            int e = find(context, vpns[i]);
            long pte = memory.readLong(entryAddress(e - 1) + 8);
            long nv = visitor.visit(va, pte);
            if (nv != pte) {
                if (nv == 0) {
                    remove(context, vpns[i], e);
                } else {
                    memory.writeLong(entryAddress(e - 1) + 8, nv);
                }
            }
        }
    }

    /** The canonical address of a tag's 40-bit vpn: sign-extended from bit 47, as {@link #isCanonical} wants it. */
    private static long address(long vpn) {
        return (vpn << (Page.SHIFT + 16)) >> 16;
    }

    @Override
    public long tablePages() {
        return tables.nrTables();
    }

    /**
     * Walks every chain: each entry must hash to the bucket it hangs from and belong to a
     * live context, and the entries on chains plus those on the free list must make the pool.
     */
    @Override
    public void verify() {
        if (hatFrames == null) {
            return;
        }
        long chained = 0;
        for (int b = 0; b < nBuckets(); b++) {
            int cur = memory.readInt(hatAddress(b));
            while (cur != 0) {
                long addr = entryAddress(cur - 1);
                long t = memory.readLong(addr);
                int context = (int) ((t >>> CONTEXT_SHIFT) & MAX_CONTEXT);
                if ((t & VALID) == 0 || bucket(context, t & VPN_MASK) != b) {
                    throw new IllegalStateException("inverted page table: entry " + (cur - 1) + " tag " + Long.toHexString(t)
                        + " hangs from bucket " + b + " (expected: " + bucket(context, t & VPN_MASK) + ")");
                }
                if (context >= liveContext.length || !liveContext[context]) {
                    throw new IllegalStateException("inverted page table: entry " + (cur - 1) + " of dead context " + context);
                }
                if (++chained > poolSize) {
                    throw new IllegalStateException("inverted page table: more than " + poolSize + " entries chained (a cycle?)");
                }
                cur = (int) memory.readLong(addr + 16);
            }
        }
        long free = 0;
        for (int cur = freeHead; cur != 0; cur = (int) memory.readLong(entryAddress(cur - 1) + 16)) {
            if (++free > poolSize) {
                throw new IllegalStateException("inverted page table: free list longer than the pool (a cycle?)");
            }
        }
        if (chained != nrUsed || chained + free != poolSize) {
            throw new IllegalStateException("inverted page table: " + nrUsed + " entries counted used, " + chained
                + " chained, " + free + " free, pool of " + poolSize);
        }
    }

    /** Entries in use (tests, verify). */
    int nrUsed() {
        return nrUsed;
    }

    int poolSize() {
        return poolSize;
    }
}
