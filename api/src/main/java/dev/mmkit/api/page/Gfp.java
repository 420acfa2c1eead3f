package dev.mmkit.api.page;

/**
 * GFP ("get free pages") flags: how an allocation may be satisfied. Modelled on Linux's
 * {@code include/linux/gfp_types.h}: single-bit modifiers grouped by what they modify,
 * and the useful combinations defined as compositions of them. Bit values are Linux's.
 *
 * <h2>Zone modifiers</h2> choose the highest zone the allocation may use; the allocator
 * falls back from there to lower zones ({@link #zone(int)}).
 * <h2>Reclaim modifiers</h2> say what the allocator may do when memory is short: wake
 * kswapd, reclaim directly (and so block), start I/O, call into a filesystem.
 * <h2>Action modifiers</h2> change what the allocator does: dip into reserves, zero the
 * pages, never fail.
 */
public final class Gfp {
    // Zone modifiers
    /** Use ZONE_DMA. */
    public static final int __GFP_DMA = 0x01;
    /** HighMem may be used. */
    public static final int __GFP_HIGHMEM = 0x02;
    /** ZONE_DMA32 on 64-bit machines; mmkit has no DMA32 zone and treats it as DMA. */
    public static final int __GFP_DMA32 = 0x04;
    /** The pages can be migrated or reclaimed (user pages). */
    public static final int __GFP_MOVABLE = 0x08;
    /** Slab pages that shrinkers can reclaim. */
    public static final int __GFP_RECLAIMABLE = 0x10;

    // Watermark / action modifiers
    /** High priority: may use part of the reserve below the min watermark. */
    public static final int __GFP_HIGH = 0x20;

    // Reclaim modifiers
    /** May start physical I/O (swap out). */
    public static final int __GFP_IO = 0x40;
    /** May call into a filesystem (write back file pages). */
    public static final int __GFP_FS = 0x80;

    // Action modifiers
    /** Return zeroed pages. */
    public static final int __GFP_ZERO = 0x100;
    /** May enter direct reclaim, and so block. */
    public static final int __GFP_DIRECT_RECLAIM = 0x400;
    /** Wake kswapd when a zone falls below its low watermark. */
    public static final int __GFP_KSWAPD_RECLAIM = 0x800;
    /** The caller intends to dirty the page. */
    public static final int __GFP_WRITE = 0x1000;
    /** Do not report failure. */
    public static final int __GFP_NOWARN = 0x2000;
    /** Retry reclaim harder before failing. */
    public static final int __GFP_RETRY_MAYFAIL = 0x4000;
    /** Never fail: retry forever. */
    public static final int __GFP_NOFAIL = 0x8000;
    /** Fail after one attempt at reclaim. */
    public static final int __GFP_NORETRY = 0x10000;
    /** May use all reserves (the allocation frees memory). */
    public static final int __GFP_MEMALLOC = 0x20000;
    /** Compound page metadata. */
    public static final int __GFP_COMP = 0x40000;
    /** Never use reserves. */
    public static final int __GFP_NOMEMALLOC = 0x80000;
    /** Enforce the cpuset memory policy. */
    public static final int __GFP_HARDWALL = 0x100000;
    /** Charge to the memory cgroup. */
    public static final int __GFP_ACCOUNT = 0x400000;

    /** Both reclaim styles. */
    public static final int __GFP_RECLAIM = __GFP_DIRECT_RECLAIM | __GFP_KSWAPD_RECLAIM;

    /** Mask of the zone modifiers. */
    public static final int GFP_ZONEMASK = __GFP_DMA | __GFP_HIGHMEM | __GFP_DMA32 | __GFP_MOVABLE;

    // Useful combinations
    /** Interrupt context: cannot sleep, may use the atomic reserve. */
    public static final int GFP_ATOMIC = __GFP_HIGH | __GFP_KSWAPD_RECLAIM;
    /** Typical kernel allocation: may block, do I/O and filesystem work. */
    public static final int GFP_KERNEL = __GFP_RECLAIM | __GFP_IO | __GFP_FS;
    /** Kernel allocation charged to the caller's memory cgroup. */
    public static final int GFP_KERNEL_ACCOUNT = GFP_KERNEL | __GFP_ACCOUNT;
    /** Cannot sleep and gets no reserve, but wakes kswapd. */
    public static final int GFP_NOWAIT = __GFP_KSWAPD_RECLAIM;
    /** May block and reclaim, but start no I/O. */
    public static final int GFP_NOIO = __GFP_RECLAIM;
    /** May block, reclaim and do I/O, but not call into filesystems. */
    public static final int GFP_NOFS = __GFP_RECLAIM | __GFP_IO;
    /** User-space allocation that the kernel also reaches directly. */
    public static final int GFP_USER = __GFP_RECLAIM | __GFP_IO | __GFP_FS | __GFP_HARDWALL;
    /** Only from ZONE_DMA. */
    public static final int GFP_DMA = __GFP_DMA;
    /** User pages that may come from HighMem. */
    public static final int GFP_HIGHUSER = GFP_USER | __GFP_HIGHMEM;
    /** User pages that may come from HighMem and can move. */
    public static final int GFP_HIGHUSER_MOVABLE = GFP_HIGHUSER | __GFP_MOVABLE;

    private static final String[][] NAMED = {
        {"GFP_HIGHUSER_MOVABLE", Integer.toString(GFP_HIGHUSER_MOVABLE)},
        {"GFP_HIGHUSER", Integer.toString(GFP_HIGHUSER)},
        {"GFP_USER", Integer.toString(GFP_USER)},
        {"GFP_KERNEL_ACCOUNT", Integer.toString(GFP_KERNEL_ACCOUNT)},
        {"GFP_KERNEL", Integer.toString(GFP_KERNEL)},
        {"GFP_NOFS", Integer.toString(GFP_NOFS)},
        {"GFP_NOIO", Integer.toString(GFP_NOIO)},
        {"GFP_ATOMIC", Integer.toString(GFP_ATOMIC)},
        {"GFP_NOWAIT", Integer.toString(GFP_NOWAIT)},
    };

    private static final String[] BITS = {
        "__GFP_DMA", "__GFP_HIGHMEM", "__GFP_DMA32", "__GFP_MOVABLE", "__GFP_RECLAIMABLE",
        "__GFP_HIGH", "__GFP_IO", "__GFP_FS", "__GFP_ZERO", null, "__GFP_DIRECT_RECLAIM",
        "__GFP_KSWAPD_RECLAIM", "__GFP_WRITE", "__GFP_NOWARN", "__GFP_RETRY_MAYFAIL",
        "__GFP_NOFAIL", "__GFP_NORETRY", "__GFP_MEMALLOC", "__GFP_COMP", "__GFP_NOMEMALLOC",
        "__GFP_HARDWALL", null, "__GFP_ACCOUNT"};

    private Gfp() {
    }

    /** {@code gfp_zone}: the highest zone an allocation with these flags may use. */
    public static ZoneType zone(int gfp) {
        if ((gfp & (__GFP_DMA | __GFP_DMA32)) != 0) {
            return ZoneType.DMA;
        }
        return (gfp & __GFP_HIGHMEM) != 0 ? ZoneType.HIGHMEM : ZoneType.NORMAL;
    }

    /** {@code gfpflags_allow_blocking}: the caller may sleep, so may reclaim directly. */
    public static boolean allowsBlocking(int gfp) {
        return (gfp & __GFP_DIRECT_RECLAIM) != 0;
    }

    public static boolean wakesKswapd(int gfp) {
        return (gfp & __GFP_KSWAPD_RECLAIM) != 0;
    }

    /** Reclaim for this allocation may write pages to swap. */
    public static boolean mayIo(int gfp) {
        return (gfp & __GFP_IO) != 0;
    }

    /** Reclaim for this allocation may write back file pages. */
    public static boolean mayFs(int gfp) {
        return (gfp & __GFP_FS) != 0;
    }

    /** The flags as Linux's tracepoints print them: {@code GFP_KERNEL|__GFP_ZERO}. */
    public static String describe(int gfp) {
        StringBuilder s = new StringBuilder();
        int rest = gfp;
        for (String[] named : NAMED) {
            int value = Integer.parseInt(named[1]);
            if ((rest & value) == value) {
                s.append(named[0]);
                rest &= ~value;
                break;
            }
        }
        for (int bit = 0; bit < BITS.length; bit++) {
            if ((rest & (1 << bit)) != 0 && BITS[bit] != null) {
                s.append(s.length() == 0 ? "" : "|").append(BITS[bit]);
                rest &= ~(1 << bit);
            }
        }
        if (rest != 0) {
            s.append(s.length() == 0 ? "" : "|").append("0x").append(Integer.toHexString(rest));
        }
        return s.length() == 0 ? "0" : s.toString();
    }
}
