package dev.mmkit.tlb;

import java.util.Arrays;

/**
 * Maps the address-space numbers the machine passes ({@code asid} in the {@code Tlb}
 * interface: a process or {@code mm} id, any value {@code >= 0}) onto the TLB's few
 * hardware ASIDs, with generations, as Linux's arm64 allocator does
 * ({@code arch/arm64/mm/context.c}: {@code new_context}, {@code flush_context}).
 *
 * <h2>Glossary</h2>
 * <ul>
 *   <li><b>asid</b>: the caller's number for an address space.</li>
 *   <li><b>hardware ASID</b>: what the TLB tags entries with, 0 to 2^asid-bits − 1 (64 on
 *       the R3000, 4096 with x86 PCIDs).</li>
 *   <li><b>generation</b>: a counter; a hardware ASID handed out in generation g is valid
 *       only while the generation is g.</li>
 *   <li><b>context</b>: what is remembered per asid, {@code generation << 15 | hwAsid}
 *       (Linux keeps the same pair in {@code mm->context.id}).</li>
 * </ul>
 *
 * <h2>Algorithm</h2>
 * <ul>
 *   <li>[activate(asid)] on a context switch: if the asid's context is of the current
 *       generation, reuse its hardware ASID (no flush: its entries may still be cached).
 *       Otherwise take the next free hardware ASID of the generation's bitmap, searching
 *       round-robin from the last one handed out. If none is free, <b>roll over</b>: the
 *       generation advances, the bitmap and every context are forgotten, and the caller
 *       must flush the whole TLB (entries of the old generation would otherwise match the
 *       ASIDs handed out again); then allocate from the empty bitmap.</li>
 *   <li>[hwAsid(asid)] for invalidations: the asid's hardware ASID if it has one in this
 *       generation, else −1 (none of its entries can be cached).</li>
 * </ul>
 * Every hardware ASID is usable (no reserved one), so with 2^bits address spaces in turn
 * nothing is ever flushed, and the (2^bits + 1)-th distinct address space causes the first
 * rollover. The allocator is per TLB, that is per CPU, so (unlike Linux's global
 * allocator) no other CPU's active ASID needs to be kept across a rollover. Because a
 * rollover forgets every context, the table never holds more than 2^bits of them.
 *
 * <p>With ASIDs off there is a single hardware ASID, 0, for whichever address space is
 * current; the TLB flushes its non-global entries on every switch instead.
 *
 * <p>At creation the TLB is in address space 0, holding hardware ASID 0.
 */
final class AsidAllocator {
    private static final int EMPTY = -1;

    final boolean enabled;
    final int nrAsids;
    private long generation = 1;
    private long rollovers;
    private final long[] used;
    private int lastAllocated = -1;
    /** The caller asid each hardware ASID of this generation belongs to. */
    private final int[] owner;
    /** Open-addressing table asid → context (linear probing; cleared at rollover). */
    private final int[] keys;
    private final long[] contexts;
    private int current;
    private int currentHw;

    AsidAllocator(boolean enabled, int asidBits) {
        this.enabled = enabled;
        this.nrAsids = enabled ? 1 << asidBits : 1;
        this.used = new long[(nrAsids + 63) >>> 6];
        this.owner = new int[nrAsids];
        int capacity = Integer.highestOneBit(nrAsids) * 4;
        this.keys = new int[capacity];
        this.contexts = new long[capacity];
        Arrays.fill(keys, EMPTY);
        Arrays.fill(owner, EMPTY);
        this.current = 0;
        this.currentHw = enabled ? allocate(0) : 0;
        if (!enabled) {
            owner[0] = 0;
        }
    }

    static long context(long generation, int hwAsid) {
        return generation << TlbEntry.ASID_BITS | hwAsid;
    }

    static long generation(long context) {
        return context >>> TlbEntry.ASID_BITS;
    }

    static int hwAsidOf(long context) {
        return (int) context & TlbEntry.ASID_MASK;
    }

    /** The current address space. */
    int current() {
        return current;
    }

    /** The hardware ASID of the current address space. */
    int currentHw() {
        return currentHw;
    }

    long generation() {
        return generation;
    }

    long rollovers() {
        return rollovers;
    }

    /**
     * Makes {@code asid} current (ASIDs on).
     *
     * @return true if the generation rolled over and the TLB must be flushed entirely
     */
    boolean activate(int asid) {
        checkAsid(asid);
        current = asid;
        if (!enabled) {
            owner[0] = asid;
            return false;
        }
        int hw = lookUp(asid);
        if (hw >= 0) {
            currentHw = hw;
            return false;
        }
        boolean rolledOver = false;
        if (!hasFree()) {
            rollOver();
            rolledOver = true;
        }
        currentHw = allocate(asid);
        return rolledOver;
    }

    /**
     * The hardware ASID of {@code asid} in this generation, or −1. The current address
     * space's is {@link #currentHw} (every activation and rollover leaves it so), which a
     * shootdown of the running process, the common one, finds without the table's probe.
     */
    int hwAsid(int asid) {
        if (asid == current) {
            return currentHw;
        }
        return enabled ? lookUp(asid) : -1;
    }

    /** {@link #hwAsid} from the table (ASIDs on). */
    private int lookUp(int asid) {
        int i = indexOf(asid);
        if (keys[i] == EMPTY) {
            return -1;
        }
        long context = contexts[i];
        return generation(context) == generation ? hwAsidOf(context) : -1;
    }

    /** The caller asid a hardware ASID of this generation belongs to. */
    int owner(int hwAsid) {
        return owner[hwAsid];
    }

    private int allocate(int asid) {
        int hw = nextFree();
        markUsed(hw);
        lastAllocated = hw;
        owner[hw] = asid;
        int i = indexOf(asid);
        keys[i] = asid;
        contexts[i] = context(generation, hw);
        return hw;
    }

    /** Whether every hardware ASID of this generation is handed out: a new address space rolls over. */
    boolean isFull() {
        return enabled && !hasFree();
    }

    private boolean hasFree() {
        return nrUsed() < nrAsids;
    }

    /** The bitmap of hardware ASIDs handed out in this generation: one bit per ASID, 64 per word. */
    private boolean isUsed(int hw) {
        return (used[hw >>> 6] & (1L << hw)) != 0;
    }

    private void markUsed(int hw) {
        used[hw >>> 6] |= 1L << hw;
    }

    private int nrUsed() {
        int n = 0;
        for (long word : used) {
            n += Long.bitCount(word);
        }
        return n;
    }

    private int nextFree() {
        for (int n = 1; n <= nrAsids; n++) {
            int hw = (lastAllocated + n) & (nrAsids - 1);
            if (!isUsed(hw)) {
                return hw;
            }
        }
        throw new IllegalStateException("no free hardware ASID of " + nrAsids);
    }

    /** {@code flush_context}: a new generation; every hardware ASID is free again. */
    private void rollOver() {
        generation++;
        rollovers++;
        Arrays.fill(used, 0);
        Arrays.fill(keys, EMPTY);
        Arrays.fill(owner, EMPTY);
        lastAllocated = -1;
    }

    private int indexOf(int asid) {
        int mask = keys.length - 1;
        int h = asid * 0x9E3779B9;
        int i = (h ^ h >>> 16) & mask;
        while (keys[i] != EMPTY && keys[i] != asid) {
            i = (i + 1) & mask;
        }
        return i;
    }

    private static void checkAsid(int asid) {
        if (asid < 0) {
            throw new IllegalArgumentException("asid: " + asid + " (expected: 0 or more)");
        }
    }

    /** Re-derives the invariants: every live context is in the bitmap and owned by its asid. */
    void verify() {
        if (!enabled) {
            return;
        }
        int live = 0;
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] == EMPTY) {
                continue;
            }
            live++;
            int hw = hwAsidOf(contexts[i]);
            if (generation(contexts[i]) != generation) {
                throw new IllegalStateException("asid " + keys[i] + ": generation " + generation(contexts[i]) + " (expected: " + generation + ")");
            }
            if (!isUsed(hw)) {
                throw new IllegalStateException("asid " + keys[i] + ": hardware ASID " + hw + " not marked used");
            }
            if (owner[hw] != keys[i]) {
                throw new IllegalStateException("hardware ASID " + hw + ": owned by asid " + owner[hw] + " (expected: " + keys[i] + ")");
            }
        }
        int marked = nrUsed();
        if (marked != live) {
            throw new IllegalStateException("hardware ASIDs: " + marked + " marked used (expected: " + live + ")");
        }
    }
}
