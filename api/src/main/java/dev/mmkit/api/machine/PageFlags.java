package dev.mmkit.api.machine;

/**
 * The per-frame flag bits ({@code enum pageflags}) kept in {@link MemMap#flags(long)}.
 * Each is a mask; modules test and change them through {@link MemMap}.
 */
public final class PageFlags {
    /** The page is locked for I/O. */
    public static final int PG_LOCKED = 1;
    /** The page is being written back. */
    public static final int PG_WRITEBACK = 1 << 1;
    /** Software referenced bit (mark_page_accessed, or the BSD/VAX emulation). */
    public static final int PG_REFERENCED = 1 << 2;
    /** The page's contents are valid. */
    public static final int PG_UPTODATE = 1 << 3;
    /** The page differs from its backing store. */
    public static final int PG_DIRTY = 1 << 4;
    /** The page is on a replacement policy's lists. */
    public static final int PG_LRU = 1 << 5;
    /** The first page of a compound (higher-order) allocation. */
    public static final int PG_HEAD = 1 << 6;
    /** On the active list (two-list policies). */
    public static final int PG_ACTIVE = 1 << 7;
    /** Recently evicted and refaulted. */
    public static final int PG_WORKINGSET = 1 << 8;
    /** Belongs to a slab. */
    public static final int PG_SLAB = 1 << 9;
    /** Never allocated nor freed (holes, firmware). */
    public static final int PG_RESERVED = 1 << 10;
    /** {@code private} holds data of the page's owner. */
    public static final int PG_PRIVATE = 1 << 11;
    /** Evict as soon as writeback ends. */
    public static final int PG_RECLAIM = 1 << 12;
    /** Backed by swap (anonymous memory), not by a file. */
    public static final int PG_SWAPBACKED = 1 << 13;
    /** Cannot be evicted. */
    public static final int PG_UNEVICTABLE = 1 << 14;
    /** Locked in memory by mlock. */
    public static final int PG_MLOCKED = 1 << 15;
    /** In the swap cache: {@code private} holds its swap entry. */
    public static final int PG_SWAPCACHE = 1 << 16;
    /** An I/O error happened on this page. */
    public static final int PG_ERROR = 1 << 17;
    /** Free in the page allocator (Linux's PageBuddy page type). */
    public static final int PG_BUDDY = 1 << 18;
    /** Holds a page table (Linux's PageTable page type). */
    public static final int PG_TABLE = 1 << 19;
    /** Anonymous memory: {@code mapping} names an anon_vma, not a file. */
    public static final int PG_ANON = 1 << 20;

    private static final String[] NAMES = {
        "locked", "writeback", "referenced", "uptodate", "dirty", "lru", "head", "active",
        "workingset", "slab", "reserved", "private", "reclaim", "swapbacked", "unevictable",
        "mlocked", "swapcache", "error", "buddy", "table", "anon"};

    private PageFlags() {
    }

    /** The flags as Linux's dump_page prints them: {@code flags: 0x28(uptodate|lru)}. */
    public static String describe(int flags) {
        StringBuilder s = new StringBuilder("0x").append(Integer.toHexString(flags)).append('(');
        boolean first = true;
        for (int bit = 0; bit < NAMES.length; bit++) {
            if ((flags & (1 << bit)) != 0) {
                if (!first) {
                    s.append('|');
                }
                s.append(NAMES[bit]);
                first = false;
            }
        }
        return s.append(')').toString();
    }
}
