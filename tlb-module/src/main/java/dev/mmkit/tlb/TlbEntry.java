package dev.mmkit.tlb;

import dev.mmkit.api.hw.Page;
import dev.mmkit.api.hw.Pte;

/**
 * The encoding of a TLB entry. An entry is two primitive words kept in parallel arrays:
 * a <b>tag</b> that a lookup compares with one {@code ==}, and the entry's leaf <b>PTE</b>
 * in the x86 layout of {@link Pte} (frame number of the page's first base frame, RW, US,
 * NX, G, PS, and the A and D bits as the TLB holds them).
 *
 * <pre>
 *  tag:
 *   63 ...................................... 19  18 ............. 4   3   2   1   0
 *  +-------------------------------------------+--------------------+-------+---+---+
 *  | page number = vaddr[56:0] >>> page shift  | ASID (15 bits)     | size  | G | V |
 *  |                     (45 bits)             | 0 when G is set    |       |   |   |
 *  +-------------------------------------------+--------------------+-------+---+---+
 * </pre>
 *
 * <ul>
 *   <li>V: valid. An all-zero tag is an empty slot.</li>
 *   <li>G: global. A global entry carries ASID 0 and matches in every address space, so a
 *       lookup compares the tag with two keys: {@link #key} for the current ASID and
 *       {@link #globalKey}.</li>
 *   <li>size: the page size class, {@link #SIZE_4K}, {@link #SIZE_2M}, {@link #SIZE_4M} or
 *       {@link #SIZE_1G}. The page number is the address shifted by that size's shift, so
 *       a 2 MiB entry matches every base page inside its 2 MiB.</li>
 *   <li>page number: 57 bits of virtual address are kept (five-level paging); canonical
 *       48-bit addresses stay distinct because bits 56..48 copy bit 47.</li>
 * </ul>
 */
final class TlbEntry {
    static final int V_BITS = 1;
    static final int G_BITS = 1;
    static final int SIZE_BITS = 2;
    /** Width of the ASID field: hardware ASIDs run from 0 to 2^15 − 1. */
    static final int ASID_BITS = 15;
    /** Width of the page-number field. */
    static final int PAGE_NUMBER_BITS = 45;

    static final int V_SHIFT = 0;
    static final int G_SHIFT = V_SHIFT + V_BITS;
    static final int SIZE_SHIFT = G_SHIFT + G_BITS;
    static final int ASID_SHIFT = SIZE_SHIFT + SIZE_BITS;
    static final int PAGE_NUMBER_SHIFT = ASID_SHIFT + ASID_BITS;

    static final long V = 1L << V_SHIFT;
    static final long G = 1L << G_SHIFT;
    static final int ASID_MASK = (1 << ASID_BITS) - 1;
    static final int SIZE_MASK = (1 << SIZE_BITS) - 1;
    /**
     * A key no tag equals (G with a non-zero ASID never occurs, and an empty slot is 0):
     * what a lookup compares with when only global entries may match.
     */
    static final long NO_KEY = -1L;
    /** The virtual-address bits a tag keeps. */
    static final long VA_MASK = (1L << 57) - 1;

    /** Size class of a 4 KiB base page. */
    static final int SIZE_4K = 0;
    /** Size class of a 2 MiB page (x86-64, PAE). */
    static final int SIZE_2M = 1;
    /** Size class of a 4 MiB page (x86 32-bit PSE). */
    static final int SIZE_4M = 2;
    /** Size class of a 1 GiB page (x86-64). */
    static final int SIZE_1G = 3;
    static final int NR_SIZES = 4;

    /** Page shift of each size class, as a table. */
    private static final int[] SHIFT = {Page.SHIFT, Page.SHIFT_2M, Page.SHIFT_4M, Page.SHIFT_1G};

    private TlbEntry() {
    }

    /** The size class of a page shift, or −1 when no TLB entry holds pages of that size. */
    static int sizeClass(int pageShift) {
        return switch (pageShift) {
            case Page.SHIFT -> SIZE_4K;
            case Page.SHIFT_2M -> SIZE_2M;
            case Page.SHIFT_4M -> SIZE_4M;
            case Page.SHIFT_1G -> SIZE_1G;
            default -> -1;
        };
    }

    /** The page shift of a size class. */
    static int pageShift(int size) {
        return SHIFT[size];
    }

    /** The base-page number (VPN) of {@code vaddr}: the 4 KiB page number, the lookup's hot path. */
    static long vpn(long vaddr) {
        return (vaddr & VA_MASK) >>> Page.SHIFT;
    }

    /** The number of the page of size class {@code size} containing {@code vaddr}. */
    static long pageNumber(long vaddr, int size) {
        return size == SIZE_4K ? vpn(vaddr) : (vaddr & VA_MASK) >>> SHIFT[size];
    }

    /** The tag of a non-global entry: the one a lookup in ASID {@code asid} compares with. */
    static long key(long pageNumber, int asid, int size) {
        return pageNumber << PAGE_NUMBER_SHIFT | (long) asid << ASID_SHIFT | (long) size << SIZE_SHIFT | V;
    }

    /** The page-number field of a tag, in place. */
    private static final long PAGE_NUMBER_FIELD = -1L << PAGE_NUMBER_SHIFT;

    /**
     * {@code key(vpn(vaddr), asid, SIZE_4K)} straight from the address, the lookup's hot
     * path: the VPN bits 12-56 of the address are the field's bits 19-63, one shift left
     * and one mask instead of masking, shifting right and shifting back.
     */
    static long key4k(long vaddr, int asid) {
        return (vaddr << (PAGE_NUMBER_SHIFT - Page.SHIFT)) & PAGE_NUMBER_FIELD | (long) asid << ASID_SHIFT | (long) SIZE_4K << SIZE_SHIFT | V;
    }

    /** {@code globalKey(vpn(vaddr), SIZE_4K)} as {@link #key4k}. */
    static long globalKey4k(long vaddr) {
        return (vaddr << (PAGE_NUMBER_SHIFT - Page.SHIFT)) & PAGE_NUMBER_FIELD | (long) SIZE_4K << SIZE_SHIFT | G | V;
    }

    /** The tag of a global entry for the same page. */
    static long globalKey(long pageNumber, int size) {
        return pageNumber << PAGE_NUMBER_SHIFT | (long) size << SIZE_SHIFT | G | V;
    }

    /** The tag of an entry for {@code pte}: global when the PTE has G. */
    static long tag(long pageNumber, int asid, int size, long pte) {
        return Pte.isGlobal(pte) ? globalKey(pageNumber, size) : key(pageNumber, asid, size);
    }

    static boolean isValid(long tag) {
        return (tag & V) != 0;
    }

    static boolean isGlobal(long tag) {
        return (tag & G) != 0;
    }

    static int asid(long tag) {
        return (int) (tag >>> ASID_SHIFT) & ASID_MASK;
    }

    static int size(long tag) {
        return (int) (tag >>> SIZE_SHIFT) & SIZE_MASK;
    }

    static long pageNumber(long tag) {
        return tag >>> PAGE_NUMBER_SHIFT;
    }

    /** The first virtual address of the entry's page. */
    static long vaddr(long tag) {
        return pageNumber(tag) << SHIFT[size(tag)];
    }

    /**
     * The translation of the base page containing {@code vaddr} inside the entry's page:
     * the entry's flags with the frame number of that base page.
     */
    static long basePage(long pte, long vaddr, int size) {
        long basePagesPerPage = 1L << (SHIFT[size] - Page.SHIFT);
        long index = Page.vpn(vaddr) & (basePagesPerPage - 1);
        return Pte.withPfn(pte, Pte.pfn(pte) + index);
    }

    /** The PTE stored for a page: the frame of the page's first base frame, for large pages. */
    static long firstFrame(long pte, int size) {
        long basePagesPerPage = 1L << (SHIFT[size] - Page.SHIFT);
        return Pte.withPfn(pte, Pte.pfn(pte) & ~(basePagesPerPage - 1));
    }

    /** {@code asid=3 vpn=0x12 4K G} for messages. */
    static String describe(long tag) {
        if (!isValid(tag)) {
            return "invalid";
        }
        String[] sizes = {"4K", "2M", "4M", "1G"};
        return "vaddr=" + Page.hex(vaddr(tag)) + " " + sizes[size(tag)] + (isGlobal(tag) ? " global" : " asid=" + asid(tag));
    }
}
