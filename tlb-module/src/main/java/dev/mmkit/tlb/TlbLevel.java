package dev.mmkit.tlb;

import dev.mmkit.api.hw.Page;
import dev.mmkit.api.hw.Pte;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * One level of a TLB: {@code sets × ways} entries in parallel primitive arrays, with the
 * lookup, fill and invalidation every organisation shares. The organisations
 * ({@link FullyAssociativeLevel}, {@link SetAssociativeLevel}, {@link DirectMappedLevel})
 * decide where a page may live and how a set is searched.
 *
 * <h2>Layout</h2>
 * <pre>
 *   slot = set * ways + way          set = page number &amp; (sets − 1)   (low VPN bits)
 *
 *   tag[slot]  TlbEntry tag: page number | ASID | size | G | V   (0 = empty)
 *   pte[slot]  the page's leaf PTE: first frame, RW US NX G PS, A and D as cached
 * </pre>
 * Pages of every size share the arrays. A large page is indexed by the low bits of its
 * own page number ({@code vaddr >>> 21} for 2 MiB), so a lookup probes the 4 KiB set
 * first and the large sizes only while the level holds entries of that size
 * ({@code nrBySize}).
 *
 * <h2>Algorithm</h2>
 * <ul>
 *   <li>[lookup(vaddr, asid)]: for each size held, compute the page number and set; the
 *       organisation searches the set for a tag equal to {@code key(page, asid, size)} or
 *       {@code globalKey(page, size)}. On a hit: count it, tell the replacement rule, set A
 *       (and D on a write when bits are written back), return the base page's translation.
 *       On a miss: count it, return 0.</li>
 *   <li>[insert(vaddr, asid, pte, size)]: an entry for the same page is overwritten in
 *       place (and a second one, if the page was cached both for the ASID and as global,
 *       leaves); otherwise the first invalid way of the set is filled, else the rule's
 *       victim is evicted (counted) and refilled.</li>
 *   <li>[leave(slot)]: every entry that goes (evicted, invalidated, flushed) passes here.
 *       When bits are written back, its A and D go to the next level's copy of the same
 *       entry if there is one, else to any other level's copy (only the last copy to
 *       leave the TLB is reported), else to the listener.</li>
 * </ul>
 */
abstract class TlbLevel {
    /** The organisations configuration accepts. */
    static final java.util.List<String> ORGANISATIONS = java.util.List.of("fully-associative", "set-associative", "direct-mapped");

    /** The tag bits the counts of sizes and global entries depend on. */
    private static final long SIZE_AND_G = TlbEntry.G | (long) TlbEntry.SIZE_MASK << TlbEntry.SIZE_SHIFT;

    /** Where entries leaving the last level report their bits (null: bits are not written back). */
    interface Writeback {
        void evicted(long tag, long pte);
    }

    final String name;
    final int sets;
    final int ways;
    /** log2(ways) where ways is a power of two (set-associative, direct-mapped); a fully associative level has one set, so {@code set << waysShift} is 0 whatever it is. */
    final int waysShift;
    final int setMask;
    final long[] tag;
    final long[] pte;
    final int[] nrBySize = new int[TlbEntry.NR_SIZES];
    /** Entries of any size but 4 KiB: while 0 a lookup probes the 4 KiB set only. */
    int nrLarge;
    /** Valid entries: while the level is full a fill looks for no empty slot. */
    int nrValid;
    /** Global entries: while 0 a search compares each way with the ASID's key only. */
    int nrGlobal;
    /**
     * The 4 KiB key of the last lookup that missed, until anything is written: an insert of
     * that page right after the miss (the walk's fill) knows the set holds no entry for it
     * and skips the search. {@link TlbEntry#NO_KEY} when unknown.
     */
    long missedKey = TlbEntry.NO_KEY;
    /** The level a miss goes on to (gem5's {@code next_level}), or null. */
    TlbLevel next;
    /** Non-null when the TLB writes referenced and dirty bits back (the Nachos convention). */
    Writeback writeback;
    /** The slot of the last hit of {@link #lookupKeepingSlot}, for the hierarchy's fill of the levels above. */
    int hitSlot = -1;

    long hits;
    long misses;
    long evictions;
    long flushes;
    long shootdowns;

    TlbLevel(String name, int sets, int ways) {
        this.name = name;
        this.sets = sets;
        this.ways = ways;
        this.waysShift = Integer.numberOfTrailingZeros(ways);
        this.setMask = sets - 1;
        this.tag = new long[sets * ways];
        this.pte = new long[sets * ways];
    }

    /** A level of the named organisation; {@code ways} is ignored by the fully associative and direct-mapped ones. */
    static TlbLevel create(String name, String organisation, int entries, int ways, String replacement, RandomGenerator random) {
        return switch (organisation) {
            case "fully-associative" -> new FullyAssociativeLevel(name, entries, Replacement.of(replacement, 1, entries, random));
            case "set-associative" -> new SetAssociativeLevel(name, entries / ways, ways, Replacement.of(replacement, entries / ways, ways, random));
            case "direct-mapped" -> new DirectMappedLevel(name, entries);
            default -> throw new IllegalArgumentException("Unknown organisation [" + organisation + "], known options " + ORGANISATIONS);
        };
    }

    // The organisation's part.

    /**
     * The slot of set {@code set} whose tag is {@code key} or {@code globalKey}, or −1.
     * {@code globalKey} is a global tag, {@link TlbEntry#NO_KEY}, or {@code key} itself, so a
     * level without global entries ({@link #nrGlobal} 0) may ignore it.
     */
    abstract int find(int set, long key, long globalKey);

    /** The slot a fill of a full set {@code set} evicts. */
    abstract int victim(int set);

    /** A hit on {@code slot} of {@code set}. */
    abstract void touched(int set, int slot);

    /** A fill of {@code slot} of {@code set}. */
    abstract void filled(int set, int slot);

    /** An entry was written into {@code slot} (an organisation that indexes its tags updates the index). */
    void placed(int slot) {
    }

    /** The entry in {@code slot} is about to be cleared; its tag is still there. */
    void removing(int slot) {
    }

    /** Checks the organisation's own structures; called by {@link #verify}. */
    void verifyOrganisation() {
    }

    /** The organisation's name as configuration spells it. */
    abstract String organisation();

    /** The replacement rule's name, or {@code none}. */
    abstract String replacement();

    final int setOf(long pageNumber) {
        return (int) pageNumber & setMask;
    }

    /** The slot holding a translation of {@code vaddr} for {@code asid} (−1: global entries only), or −1. */
    final int probe(long vaddr, int asid) {
        long vpn = TlbEntry.pageNumber(vaddr, TlbEntry.SIZE_4K);
        int slot = find(setOf(vpn), asid < 0 ? TlbEntry.NO_KEY : TlbEntry.key(vpn, asid, TlbEntry.SIZE_4K), TlbEntry.globalKey(vpn, TlbEntry.SIZE_4K));
        if (slot >= 0 || nrLarge == 0) {
            return slot;
        }
        for (int size = TlbEntry.SIZE_2M; size < TlbEntry.NR_SIZES; size++) {
            if (nrBySize[size] != 0) {
                long page = TlbEntry.pageNumber(vaddr, size);
                slot = find(setOf(page), asid < 0 ? TlbEntry.NO_KEY : TlbEntry.key(page, asid, size), TlbEntry.globalKey(page, size));
                if (slot >= 0) {
                    return slot;
                }
            }
        }
        return -1;
    }

    /**
     * A slot other than {@code except} holding an entry that translates {@code vaddr} for
     * {@code asid} (its own or a global one, of any size), or −1. {@link #probe} stops at
     * the first match; this sees every one, for {@code tlbwi}'s check that no two entries
     * match an address.
     */
    final int otherMatch(long vaddr, int asid, int except) {
        for (int size = 0; size < TlbEntry.NR_SIZES; size++) {
            if (nrBySize[size] == 0) {
                continue;
            }
            long page = TlbEntry.pageNumber(vaddr, size);
            long key = TlbEntry.key(page, asid, size);
            long globalKey = TlbEntry.globalKey(page, size);
            int base = setOf(page) * ways;
            for (int slot = base; slot < base + ways; slot++) {
                if (slot != except && (tag[slot] == key || tag[slot] == globalKey)) {
                    return slot;
                }
            }
        }
        return -1;
    }

    /**
     * @param markDirty set D in the entry on a hit (write references when the TLB keeps its own bits)
     * @return the base page's translation, or 0 on a miss
     */
    final long lookup(long vaddr, int asid, boolean markDirty) {
        return lookup(vaddr, asid, markDirty, false);
    }

    /** {@link #lookup}, and a hit's slot kept in {@link #hitSlot}: a hierarchy's lower levels, whose hits fill the levels above. */
    final long lookupKeepingSlot(long vaddr, int asid, boolean markDirty) {
        return lookup(vaddr, asid, markDirty, true);
    }

    /** {@code keepSlot} is a constant at each call, so the single-level TLBs' hit path stores no slot. */
    private long lookup(long vaddr, int asid, boolean markDirty, boolean keepSlot) {
        // The 4 KiB probe inline: the hot path of every reference.
        int set = (int) (vaddr >>> Page.SHIFT) & setMask; // setOf(vpn(vaddr)): the low VPN bits
        long key = TlbEntry.key4k(vaddr, asid);
        int slot = find(set, key, TlbEntry.globalKey4k(vaddr));
        if (slot >= 0) {
            hits++;
            if (keepSlot) {
                hitSlot = slot;
            }
            touched(set, slot);
            long[] ptes = pte;
            long entry = ptes[slot];
            long bits = markDirty ? Pte.A | Pte.D : Pte.A;
            if ((entry & bits) != bits) {
                entry |= bits;
                ptes[slot] = entry; // only when A (or D) was clear: the common hit writes nothing
            }
            return entry;
        }
        slot = nrLarge == 0 ? -1 : probe(vaddr, asid);
        if (slot < 0) {
            misses++;
            missedKey = key;
            return 0;
        }
        hits++;
        if (keepSlot) {
            hitSlot = slot;
        }
        return use(slot, vaddr, markDirty);
    }

    /** A reference through {@code slot}: tells the rule, sets A (and D), returns the base page's translation. */
    final long use(int slot, long vaddr, boolean markDirty) {
        touched(sets == 1 ? 0 : slot >>> waysShift, slot);
        long entry = pte[slot] | Pte.A;
        if (markDirty) {
            entry |= Pte.D;
        }
        pte[slot] = entry;
        int size = TlbEntry.size(tag[slot]);
        return size == TlbEntry.SIZE_4K ? entry : TlbEntry.basePage(entry, vaddr, size);
    }

    /** Caches {@code pte} for the page of size class {@code size} containing {@code vaddr}; returns its slot. */
    final int insert(long vaddr, int asid, long pte, int size) {
        checkPresent(pte);
        long page = TlbEntry.pageNumber(vaddr, size);
        int set = setOf(page);
        long key = TlbEntry.key(page, asid, size);
        long globalKey = TlbEntry.globalKey(page, size);
        int slot = key == missedKey ? -1 : find(set, key, globalKey);
        int free = -1;
        if (slot >= 0) {
            // A page may be cached twice, once for this ASID and once global (inserted while
            // another ASID was current): the new entry replaces both.
            int other = find(set, tag[slot] == key ? globalKey : key, TlbEntry.NO_KEY);
            if (other >= 0) {
                leave(other);
            }
        } else {
            free = freeSlot(set);
        }
        long entry = size == TlbEntry.SIZE_4K ? pte : TlbEntry.firstFrame(pte, size);
        long newTag = Pte.isGlobal(pte) ? globalKey : key;
        if (slot >= 0) {
            if (writeback != null) {
                entry |= this.pte[slot] & (Pte.A | Pte.D);
            }
            overwrite(slot, newTag, entry); // the same page: nothing leaves
        } else if (free >= 0) {
            slot = free;
            write(slot, newTag, entry);
        } else {
            slot = victim(set);
            evictions++;
            if (writeback == null) {
                overwrite(slot, newTag, entry);
            } else {
                long leavingTag = tag[slot];
                long leavingPte = this.pte[slot];
                overwrite(slot, newTag, entry);
                writeBack(leavingTag, leavingPte);
            }
        }
        filled(set, slot);
        return slot;
    }

    /** Writes an entry into a given slot (the software {@code tlbwi}); the slot's old entry leaves. */
    final void writeSlot(int slot, long vaddr, int asid, long pte, int size) {
        checkPresent(pte);
        long page = TlbEntry.pageNumber(vaddr, size);
        int set = setOf(page);
        if (slot / ways != set) {
            throw new IllegalArgumentException(name + ": index " + slot + " is in set " + slot / ways
                + ", vaddr " + Page.hex(vaddr) + " belongs in set " + set);
        }
        if (TlbEntry.isValid(tag[slot])) {
            leave(slot);
        }
        write(slot, TlbEntry.tag(page, asid, size, pte), TlbEntry.firstFrame(pte, size));
        filled(set, slot);
    }

    /** The first empty slot of {@code set}, or −1. */
    int freeSlot(int set) {
        if (nrValid == tag.length) {
            return -1;
        }
        int base = set << waysShift;
        for (int slot = base; slot < base + ways; slot++) {
            if (tag[slot] == 0) {
                return slot;
            }
        }
        return -1;
    }

    private void checkPresent(long pte) {
        if (!Pte.isPresent(pte)) {
            throw new IllegalArgumentException(name + ": pte " + Page.hex(pte) + ": not present");
        }
    }

    private void write(int slot, long tag, long pte) {
        this.tag[slot] = tag;
        this.pte[slot] = pte;
        nrValid++;
        if (TlbEntry.isGlobal(tag)) {
            nrGlobal++;
        }
        missedKey = TlbEntry.NO_KEY;
        placed(slot);
        int size = TlbEntry.size(tag);
        nrBySize[size]++;
        if (size != TlbEntry.SIZE_4K) {
            nrLarge++;
        }
    }

    /** Empties a slot without reporting its bits (it is being overwritten by the same page). */
    private void drop(int slot) {
        removing(slot);
        nrValid--;
        if (TlbEntry.isGlobal(tag[slot])) {
            nrGlobal--;
        }
        int size = TlbEntry.size(tag[slot]);
        nrBySize[size]--;
        if (size != TlbEntry.SIZE_4K) {
            nrLarge--;
        }
        tag[slot] = 0;
        pte[slot] = 0;
    }

    /** An entry leaves the level: its bits are written back if configured. */
    final void leave(int slot) {
        long leaving = tag[slot];
        long bits = pte[slot];
        drop(slot);
        if (writeback != null) {
            writeBack(leaving, bits);
        }
    }

    /** The bits of a departed entry go to the next level's copy, or (through the TLB's sink) to another level's copy or the machine. */
    private void writeBack(long tag, long bits) {
        if (next == null || !next.absorbBits(tag, bits)) {
            writeback.evicted(tag, bits);
        }
    }

    /** Replaces a valid slot's entry in place: the fill's fast path, without emptying the slot first. */
    private void overwrite(int slot, long newTag, long newPte) {
        removing(slot);
        long oldTag = tag[slot];
        if (((oldTag ^ newTag) & SIZE_AND_G) != 0) {
            recount(oldTag, newTag);
        }
        tag[slot] = newTag;
        pte[slot] = newPte;
        missedKey = TlbEntry.NO_KEY;
        placed(slot);
    }

    /** Moves an overwritten slot between the size and global counts (the common refill changes neither). */
    private void recount(long oldTag, long newTag) {
        int oldSize = TlbEntry.size(oldTag);
        int newSize = TlbEntry.size(newTag);
        if (oldSize != newSize) {
            nrBySize[oldSize]--;
            nrBySize[newSize]++;
            nrLarge += (newSize != TlbEntry.SIZE_4K ? 1 : 0) - (oldSize != TlbEntry.SIZE_4K ? 1 : 0);
        }
        nrGlobal += (TlbEntry.isGlobal(newTag) ? 1 : 0) - (TlbEntry.isGlobal(oldTag) ? 1 : 0);
    }

    /** ORs the A and D bits of a departing upper-level copy into this level's copy; false if there is none. */
    final boolean absorbBits(long tag, long bits) {
        int slot = find(setOf(TlbEntry.pageNumber(tag)), tag, tag);
        if (slot < 0) {
            return false;
        }
        pte[slot] |= bits & (Pte.A | Pte.D);
        return true;
    }

    /**
     * {@code invlpg}: drops every entry translating {@code vaddr} for {@code asid} (−1: only
     * global ones). The size classes above 4 KiB are looked at only while the level holds a
     * large entry ({@code nrLarge}), as {@link #probe} does: a reclaim shoots down one page
     * per eviction, and three empty classes cost it more instructions than the 4 KiB probe.
     */
    final void invalidatePage(long vaddr, int asid) {
        if (nrBySize[TlbEntry.SIZE_4K] != 0) {
            invalidatePage(vaddr, asid, TlbEntry.SIZE_4K);
        }
        if (nrLarge != 0) {
            for (int size = TlbEntry.SIZE_2M; size < TlbEntry.NR_SIZES; size++) {
                if (nrBySize[size] != 0) {
                    invalidatePage(vaddr, asid, size);
                }
            }
        }
    }

    /** {@link #invalidatePage(long, int)} for one size class. */
    private void invalidatePage(long vaddr, int asid, int size) {
        long page = TlbEntry.pageNumber(vaddr, size);
        long key = asid < 0 ? TlbEntry.NO_KEY : TlbEntry.key(page, asid, size);
        int slot;
        while ((slot = find(setOf(page), key, TlbEntry.globalKey(page, size))) >= 0) {
            leave(slot); // the ASID's entry and a global one may both be cached
        }
    }

    /** Drops the non-global entries tagged {@code asid}. */
    final void invalidateAsid(int asid) {
        flushes++;
        for (int slot = 0; slot < tag.length; slot++) {
            long t = tag[slot];
            if (TlbEntry.isValid(t) && !TlbEntry.isGlobal(t) && TlbEntry.asid(t) == asid) {
                leave(slot);
            }
        }
    }

    /** Drops every entry, or every non-global one. */
    final void flush(boolean globalToo) {
        flushes++;
        for (int slot = 0; slot < tag.length; slot++) {
            long t = tag[slot];
            if (TlbEntry.isValid(t) && (globalToo || !TlbEntry.isGlobal(t))) {
                leave(slot);
            }
        }
    }

    /** Number of valid entries. */
    final int nrEntries() {
        int n = 0;
        for (int size = 0; size < TlbEntry.NR_SIZES; size++) {
            n += nrBySize[size];
        }
        return n;
    }

    final void addCounters(Map<String, Long> counters) {
        counters.put(name + ".hits", hits);
        counters.put(name + ".misses", misses);
        counters.put(name + ".evictions", evictions);
        counters.put(name + ".flushes", flushes);
        counters.put(name + ".shootdowns", shootdowns);
    }

    /**
     * Re-derives the level's invariants: every entry sits in the set its page number
     * indexes, is present, appears once, carries an ASID below {@code nrAsids}; the size
     * counts match the tags.
     */
    final void verify(int nrAsids) {
        int[] counted = new int[TlbEntry.NR_SIZES];
        for (int slot = 0; slot < tag.length; slot++) {
            long t = tag[slot];
            if (t == 0) {
                if (pte[slot] != 0) {
                    throw new IllegalStateException(name + ": slot " + slot + ": empty but pte " + Page.hex(pte[slot]));
                }
                continue;
            }
            if (!TlbEntry.isValid(t)) {
                throw new IllegalStateException(name + ": slot " + slot + ": tag " + Page.hex(t) + " without V");
            }
            counted[TlbEntry.size(t)]++;
            int set = setOf(TlbEntry.pageNumber(t));
            if (slot / ways != set) {
                throw new IllegalStateException(name + ": slot " + slot + ": " + TlbEntry.describe(t) + " in set " + slot / ways + " (expected: set " + set + ")");
            }
            if (!Pte.isPresent(pte[slot])) {
                throw new IllegalStateException(name + ": slot " + slot + ": " + TlbEntry.describe(t) + ": pte not present");
            }
            if (TlbEntry.isGlobal(t) != Pte.isGlobal(pte[slot])) {
                throw new IllegalStateException(name + ": slot " + slot + ": " + TlbEntry.describe(t) + ": G in tag and pte differ");
            }
            if (!TlbEntry.isGlobal(t) && TlbEntry.asid(t) >= nrAsids) {
                throw new IllegalStateException(name + ": slot " + slot + ": " + TlbEntry.describe(t) + " (expected: asid below " + nrAsids + ")");
            }
            int base = set * ways;
            for (int other = base; other < base + ways; other++) {
                if (other != slot && tag[other] == t) {
                    throw new IllegalStateException(name + ": " + TlbEntry.describe(t) + ": cached twice, slots " + slot + " and " + other);
                }
            }
        }
        int large = 0;
        for (int size = 0; size < TlbEntry.NR_SIZES; size++) {
            if (counted[size] != nrBySize[size]) {
                throw new IllegalStateException(name + ": size class " + size + ": " + nrBySize[size] + " counted (expected: " + counted[size] + ")");
            }
            if (size != TlbEntry.SIZE_4K) {
                large += counted[size];
            }
        }
        if (large != nrLarge) {
            throw new IllegalStateException(name + ": nrLarge " + nrLarge + " (expected: " + large + ")");
        }
        int global = 0;
        for (long t : tag) {
            global += TlbEntry.isGlobal(t) ? 1 : 0;
        }
        if (global != nrGlobal) {
            throw new IllegalStateException(name + ": nrGlobal " + nrGlobal + " (expected: " + global + ")");
        }
        if (nrValid != large + counted[TlbEntry.SIZE_4K]) {
            throw new IllegalStateException(name + ": nrValid " + nrValid + " (expected: " + (large + counted[TlbEntry.SIZE_4K]) + ")");
        }
        verifyOrganisation();
    }

    @Override
    public String toString() {
        return name + " (" + organisation() + ", " + sets + " sets × " + ways + " ways, " + replacement() + ")";
    }
}
