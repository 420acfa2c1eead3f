package dev.mmkit.api.hw;

/**
 * A page-table entry in the x86 bit layout, 64 bits wide as in PAE and x86-64. Formats
 * with 32-bit entries (x86 two-level) store the low 32 bits and drop NX; the inverted
 * table keeps the same flag bits. Every module reads and writes entries through these
 * named encoders and decoders, never through raw shifts.
 *
 * <pre>
 *  63  62..52  51 ............................ 12  11..9   8   7   6   5   4   3   2   1   0
 * +---+-------+----------------------------------+-------+---+---+---+---+---+---+---+---+---+
 * |NX | (ign) |  page frame number (40 bits)     | SOFTW | G |PS | D | A |PCD|PWT|U/S|R/W| P |
 * +---+-------+----------------------------------+-------+---+---+---+---+---+---+---+---+---+
 * </pre>
 *
 * <p>An entry with P clear is not a translation. If it is all zero it is {@code pte_none};
 * otherwise it is a swap entry, which keeps the swap device in {@link #SWAP_TYPE_BITS} bits
 * starting at bit 1 and the slot in the bits from {@link #SWAP_OFFSET_SHIFT} up, as Linux
 * keeps {@code swp_entry_t} in a non-present PTE. Slot 0 of every device holds its swap
 * header, as in Linux, so no swap entry is all zero.
 *
 * <p>An entry with P clear and {@link #PROTNONE} (the bit of G) set still maps its frame but
 * does not translate: Linux's {@code _PAGE_PROTNONE} ({@code arch/x86/include/asm/
 * pgtable_types.h}), used for {@code PROT_NONE} and NUMA-hinting PTEs and here for pages a
 * replacement policy made invalid. The walk faults on it like on any non-present entry; the
 * memory manager still counts it as a mapping ({@link #mapsFrame}, Linux's
 * {@code pte_present}), and it is neither none nor a swap entry.
 */
public final class Pte {
    /** Present: the entry translates. */
    public static final long P = 1L;
    /** Read/write: writes are allowed. */
    public static final long RW = 1L << 1;
    /** User/supervisor: user-mode references are allowed. */
    public static final long US = 1L << 2;
    /** Page-level write-through. */
    public static final long PWT = 1L << 3;
    /** Page-level cache disable. */
    public static final long PCD = 1L << 4;
    /** Accessed: set by the walk on every reference. */
    public static final long A = 1L << 5;
    /** Dirty: set by the walk on a write. */
    public static final long D = 1L << 6;
    /** Page size: in a directory entry, the entry maps a large page. */
    public static final long PS = 1L << 7;
    /** Global: the translation survives address-space switches. */
    public static final long G = 1L << 8;
    /** First of the three bits left to software (Linux's {@code _PAGE_SOFTW1}). */
    public static final long SOFTW1 = 1L << 9;
    /** Second software bit. */
    public static final long SOFTW2 = 1L << 10;
    /** Third software bit. */
    public static final long SOFTW3 = 1L << 11;
    /**
     * With P clear: the entry maps its frame but is invalid to the MMU ({@code _PAGE_PROTNONE},
     * the same bit as {@link #G}, which means nothing in a non-present entry).
     */
    public static final long PROTNONE = G;
    /** No-execute (64-bit entries only). */
    public static final long NX = 1L << 63;

    /** Width of the frame-number field. */
    public static final int PFN_BITS = 40;
    /** First bit of the frame-number field. */
    public static final int PFN_SHIFT = Page.SHIFT;
    /** Mask of the frame-number field in place. */
    public static final long PFN_MASK = ((1L << PFN_BITS) - 1) << PFN_SHIFT;
    /** Mask of the flag bits (everything but the frame number). */
    public static final long FLAGS_MASK = ~PFN_MASK;

    /** Width of a swap entry's device number. */
    public static final int SWAP_TYPE_BITS = 5;
    /** First bit of a swap entry's device number. */
    public static final int SWAP_TYPE_SHIFT = 1;
    /** First bit of a swap entry's slot. */
    public static final int SWAP_OFFSET_SHIFT = 12;
    /** Width of a swap entry's slot. */
    public static final int SWAP_OFFSET_BITS = 50;

    private Pte() {
    }

    /** An entry mapping {@code pfn} with {@code flags}. */
    public static long make(long pfn, long flags) {
        return ((pfn << PFN_SHIFT) & PFN_MASK) | (flags & FLAGS_MASK);
    }

    public static long pfn(long pte) {
        return (pte & PFN_MASK) >>> PFN_SHIFT;
    }

    public static long flags(long pte) {
        return pte & FLAGS_MASK;
    }

    /** The same entry with another frame number and the same flags. */
    public static long withPfn(long pte, long pfn) {
        return make(pfn, pte);
    }

    public static boolean isPresent(long pte) {
        return (pte & P) != 0;
    }

    /** {@code pte_protnone}: P clear, {@link #PROTNONE} set: the entry maps its frame but does not translate. */
    public static boolean isProtNone(long pte) {
        return (pte & (P | PROTNONE)) == PROTNONE;
    }

    /** Linux's {@code pte_present}: the entry maps a frame, valid (P) or not ({@link #PROTNONE}). */
    public static boolean mapsFrame(long pte) {
        return (pte & (P | PROTNONE)) != 0;
    }

    /** A present entry made invalid, frame and other bits kept ({@link #isProtNone} of the result). */
    public static long mkProtNone(long pte) {
        return (pte & ~P) | PROTNONE;
    }

    /** A {@link #PROTNONE} entry made present again, frame and other bits kept. */
    public static long mkPresent(long pte) {
        return (pte & ~PROTNONE) | P;
    }

    /** {@code pte_none}: nothing was ever mapped here, or it was cleared. */
    public static boolean isNone(long pte) {
        return pte == 0;
    }

    public static boolean isWritable(long pte) {
        return (pte & RW) != 0;
    }

    public static boolean isUser(long pte) {
        return (pte & US) != 0;
    }

    public static boolean isAccessed(long pte) {
        return (pte & A) != 0;
    }

    public static boolean isDirty(long pte) {
        return (pte & D) != 0;
    }

    public static boolean isLarge(long pte) {
        return (pte & PS) != 0;
    }

    public static boolean isGlobal(long pte) {
        return (pte & G) != 0;
    }

    public static boolean isNoExecute(long pte) {
        return (pte & NX) != 0;
    }

    /**
     * Whether a present entry permits {@code access} (a bit set of {@link Access}): writes
     * need RW, user references need US, instruction fetches need NX clear.
     */
    public static boolean permits(long pte, int access) {
        if (Access.isWrite(access) && (pte & RW) == 0) {
            return false;
        }
        if (Access.isUser(access) && (pte & US) == 0) {
            return false;
        }
        return !Access.isExecute(access) || (pte & NX) == 0;
    }

    /** A non-present entry that records where the page was swapped to. */
    public static long swapEntry(int type, long offset) {
        if (type < 0 || type >= 1 << SWAP_TYPE_BITS) {
            throw new IllegalArgumentException("swap type: " + type + " (expected: 0-" + ((1 << SWAP_TYPE_BITS) - 1) + ")");
        }
        if (offset < 1 || offset >= 1L << SWAP_OFFSET_BITS) {
            throw new IllegalArgumentException("swap offset: " + offset + " (expected: 1-" + ((1L << SWAP_OFFSET_BITS) - 1)
                + "; slot 0 holds the swap header)");
        }
        return ((long) type << SWAP_TYPE_SHIFT) | (offset << SWAP_OFFSET_SHIFT);
    }

    /** {@code is_swap_pte}: maps no frame ({@link #mapsFrame}), and not none. */
    public static boolean isSwap(long pte) {
        return !mapsFrame(pte) && pte != 0;
    }

    public static int swapType(long pte) {
        return (int) ((pte >>> SWAP_TYPE_SHIFT) & ((1 << SWAP_TYPE_BITS) - 1));
    }

    public static long swapOffset(long pte) {
        return (pte >>> SWAP_OFFSET_SHIFT) & ((1L << SWAP_OFFSET_BITS) - 1);
    }

    /** The entry's flags as Linux's page-table dumps print them, e.g. {@code P RW US A D NX}. */
    public static String describe(long pte) {
        if (isProtNone(pte)) {
            return describe(mkPresent(pte)).replaceFirst(" P", " PROTNONE");
        }
        if (!isPresent(pte)) {
            return pte == 0 ? "none" : "swap type=" + swapType(pte) + " offset=" + swapOffset(pte);
        }
        StringBuilder s = new StringBuilder("pfn=").append(Page.hex(pfn(pte))).append(" P");
        String[] names = {"RW", "US", "PWT", "PCD", "A", "D", "PS", "G"};
        for (int bit = 1; bit <= 8; bit++) {
            if ((pte & (1L << bit)) != 0) {
                s.append(' ').append(names[bit - 1]);
            }
        }
        if (isNoExecute(pte)) {
            s.append(" NX");
        }
        return s.toString();
    }
}
