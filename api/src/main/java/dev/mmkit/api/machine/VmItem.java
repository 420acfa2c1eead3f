package dev.mmkit.api.machine;

import java.util.Locale;

/**
 * The machine's counters, named and ordered as Linux's {@code /proc/vmstat} prints them:
 * first the state items (page counts that go up and down: {@code enum node_stat_item}),
 * then the events (counts that only grow: {@code enum vm_event_item}). The per-zone items
 * ({@code nr_free_pages}, {@code pgalloc_<zone>}) are summed from the zones when printed.
 * {@link #ALLOCSTALL}, the total of the {@code allocstall_<zone>} items, is kept for code but
 * not printed, as Linux since 4.8 does not print it.
 */
public enum VmItem {
    // zone_stat_item, summed over zones
    NR_FREE_PAGES(Kind.STATE),
    NR_ZONE_INACTIVE_ANON(Kind.STATE),
    NR_ZONE_ACTIVE_ANON(Kind.STATE),
    NR_ZONE_INACTIVE_FILE(Kind.STATE),
    NR_ZONE_ACTIVE_FILE(Kind.STATE),
    NR_ZONE_UNEVICTABLE(Kind.STATE),
    NR_ZONE_WRITE_PENDING(Kind.STATE),
    NR_MLOCK(Kind.STATE),
    NR_BOUNCE(Kind.STATE),
    /** Free pages in CMA pageblocks: mmkit has no contiguous memory allocator, so always 0 (Linux prints it whatever its configuration). */
    NR_FREE_CMA(Kind.STATE),
    // node_stat_item
    NR_INACTIVE_ANON(Kind.STATE),
    NR_ACTIVE_ANON(Kind.STATE),
    NR_INACTIVE_FILE(Kind.STATE),
    NR_ACTIVE_FILE(Kind.STATE),
    NR_UNEVICTABLE(Kind.STATE),
    NR_SLAB_RECLAIMABLE(Kind.STATE),
    NR_SLAB_UNRECLAIMABLE(Kind.STATE),
    NR_ISOLATED_ANON(Kind.STATE),
    NR_ISOLATED_FILE(Kind.STATE),
    NR_ANON_PAGES(Kind.STATE),
    NR_MAPPED(Kind.STATE),
    NR_FILE_PAGES(Kind.STATE),
    NR_DIRTY(Kind.STATE),
    NR_WRITEBACK(Kind.STATE),
    NR_SHMEM(Kind.STATE),
    NR_VMSCAN_WRITE(Kind.EVENT_LIKE_STATE),
    NR_VMSCAN_IMMEDIATE_RECLAIM(Kind.EVENT_LIKE_STATE),
    NR_DIRTIED(Kind.EVENT_LIKE_STATE),
    NR_WRITTEN(Kind.EVENT_LIKE_STATE),
    NR_KERNEL_STACK(Kind.STATE),
    NR_PAGE_TABLE_PAGES(Kind.STATE),
    NR_SWAPCACHED(Kind.STATE),
    NR_DIRTY_THRESHOLD(Kind.STATE),
    NR_DIRTY_BACKGROUND_THRESHOLD(Kind.STATE),
    // vm_event_item
    PGPGIN(Kind.EVENT),
    PGPGOUT(Kind.EVENT),
    PSWPIN(Kind.EVENT),
    PSWPOUT(Kind.EVENT),
    PGALLOC_DMA(Kind.EVENT),
    PGALLOC_NORMAL(Kind.EVENT),
    PGALLOC_HIGH(Kind.EVENT),
    /**
     * Direct reclaims of allocations whose highest usable zone ({@code gfp_zone}) is DMA:
     * since Linux 4.8 {@code allocstall} is counted per zone ({@code __count_zid_vm_events}
     * at {@code sc.reclaim_idx}), and {@code /proc/vmstat} prints only these.
     */
    ALLOCSTALL_DMA(Kind.EVENT),
    /** As {@link #ALLOCSTALL_DMA}, for Normal. */
    ALLOCSTALL_NORMAL(Kind.EVENT),
    /** As {@link #ALLOCSTALL_DMA}, for HighMem. */
    ALLOCSTALL_HIGH(Kind.EVENT),
    /**
     * Direct reclaims in all: the sum of the {@code allocstall_<zone>} items, as Linux
     * before 4.8 printed it. {@code /proc/vmstat} no longer has this line.
     */
    ALLOCSTALL(Kind.EVENT),
    PGFREE(Kind.EVENT),
    PGACTIVATE(Kind.EVENT),
    PGDEACTIVATE(Kind.EVENT),
    PGFAULT(Kind.EVENT),
    PGMAJFAULT(Kind.EVENT),
    PGREFILL(Kind.EVENT),
    PGREUSE(Kind.EVENT),
    PGSTEAL_KSWAPD(Kind.EVENT),
    PGSTEAL_DIRECT(Kind.EVENT),
    PGSCAN_KSWAPD(Kind.EVENT),
    PGSCAN_DIRECT(Kind.EVENT),
    PGSCAN_ANON(Kind.EVENT),
    PGSCAN_FILE(Kind.EVENT),
    PGSTEAL_ANON(Kind.EVENT),
    PGSTEAL_FILE(Kind.EVENT),
    PGINODESTEAL(Kind.EVENT),
    SLABS_SCANNED(Kind.EVENT),
    KSWAPD_INODESTEAL(Kind.EVENT),
    KSWAPD_LOW_WMARK_HIT_QUICKLY(Kind.EVENT),
    KSWAPD_HIGH_WMARK_HIT_QUICKLY(Kind.EVENT),
    PAGEOUTRUN(Kind.EVENT),
    PGROTATED(Kind.EVENT),
    OOM_KILL(Kind.EVENT),
    NR_TLB_REMOTE_FLUSH(Kind.EVENT),
    NR_TLB_REMOTE_FLUSH_RECEIVED(Kind.EVENT),
    NR_TLB_LOCAL_FLUSH_ALL(Kind.EVENT),
    NR_TLB_LOCAL_FLUSH_ONE(Kind.EVENT),
    SWAP_RA(Kind.EVENT),
    SWAP_RA_HIT(Kind.EVENT);

    /** Whether an item is a level or a count of events. */
    public enum Kind {
        /** A number of pages now; goes up and down. */
        STATE,
        /** Kept among the node items by Linux, but only grows. */
        EVENT_LIKE_STATE,
        /** A count of events; only grows. */
        EVENT
    }

    private static final VmItem[] VALUES = values();

    private final Kind kind;
    private final String linuxName;

    VmItem(Kind kind) {
        this.kind = kind;
        this.linuxName = name().toLowerCase(Locale.ROOT);
    }

    public Kind kind() {
        return kind;
    }

    /** The name {@code /proc/vmstat} prints, e.g. {@code pgscan_kswapd}. */
    public String linuxName() {
        return linuxName;
    }

    /** The item a {@code /proc/vmstat} name stands for. */
    public static VmItem byLinuxName(String name) {
        for (VmItem item : VALUES) {
            if (item.linuxName.equals(name)) {
                return item;
            }
        }
        throw new IllegalArgumentException("Unknown vmstat item [" + name + "]");
    }
}
