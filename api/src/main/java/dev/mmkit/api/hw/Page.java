package dev.mmkit.api.hw;

/**
 * The base page: size, shift and the conversions between physical addresses and page
 * frame numbers (pfn). mmkit's base page is x86's 4 KiB page; larger pages (2 MiB, 4 MiB,
 * 1 GiB) are multiples of it and are described by their shift.
 */
public final class Page {
    /** log2 of the base page size: {@code PAGE_SHIFT}. */
    public static final int SHIFT = 12;
    /** The base page size in bytes: {@code PAGE_SIZE}. */
    public static final int SIZE = 1 << SHIFT;
    /** Mask of the offset inside a base page. */
    public static final long OFFSET_MASK = SIZE - 1;
    /** Shift of a 2 MiB page (x86-64 and PAE PMD-level pages). */
    public static final int SHIFT_2M = 21;
    /** Shift of a 4 MiB page (x86 32-bit PSE pages). */
    public static final int SHIFT_4M = 22;
    /** Shift of a 1 GiB page (x86-64 PUD-level pages). */
    public static final int SHIFT_1G = 30;

    private Page() {
    }

    /** The frame that holds a physical address: {@code PHYS_PFN}. */
    public static long pfn(long paddr) {
        return paddr >>> SHIFT;
    }

    /** The physical address of a frame's first byte: {@code PFN_PHYS}. */
    public static long address(long pfn) {
        return pfn << SHIFT;
    }

    /** The virtual page number of an address. */
    public static long vpn(long vaddr) {
        return vaddr >>> SHIFT;
    }

    /** The offset of an address inside its base page. */
    public static int offset(long addr) {
        return (int) (addr & OFFSET_MASK);
    }

    /** Rounds an address or size up to a page boundary: {@code PAGE_ALIGN}. */
    public static long align(long addr) {
        return (addr + OFFSET_MASK) & ~OFFSET_MASK;
    }

    /** Number of base pages needed to hold {@code bytes}. */
    public static long pages(long bytes) {
        return (bytes + OFFSET_MASK) >>> SHIFT;
    }

    /** The page-number form used in messages: {@code 0x1a2b}. */
    public static String hex(long value) {
        return "0x" + Long.toHexString(value);
    }
}
