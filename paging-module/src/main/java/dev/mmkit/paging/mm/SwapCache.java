package dev.mmkit.paging.mm;

import dev.mmkit.api.hw.Page;
import dev.mmkit.api.machine.CostModel;
import dev.mmkit.api.machine.MemMap;
import dev.mmkit.api.machine.PageFlags;
import dev.mmkit.api.machine.VmItem;
import dev.mmkit.api.machine.VmStat;
import java.io.IOException;

/**
 * The swap cache, after {@code mm/swap_state.c}: a page with a slot ({@code PG_swapcache},
 * the slot in {@code private}) is found by that slot while it stays resident, so a swap-in
 * of a page still in memory is a minor fault and a clean page is evicted without a write.
 * Also the write of a page to its slot ({@code swap_writepage}: pswpout, pgpgout, the I/O
 * cost) and the release of a slot nobody refers to any more.
 *
 * <p>Accounting as Linux's {@code __add_to_swap_cache}: a page in the swap cache counts in
 * {@code NR_SWAPCACHED} and also in {@code NR_FILE_PAGES} (the swap cache is an address
 * space like a file's); /proc/meminfo's Cached subtracts SwapCached, so no page is counted
 * twice. pgpgin and pgpgout count KiB, as the block layer counts them.
 */
final class SwapCache {
    /** pgpgin and pgpgout count KiB. */
    static final int KIB_PER_PAGE = Page.SIZE / 1024;

    private final LinuxMemoryManager k;
    private final boolean keepsData;
    private final CostModel cost;
    private final MemMap memMap;
    private final VmStat vmstat;

    SwapCache(LinuxMemoryManager k) {
        this.k = k;
        this.keepsData = k.keepsData;
        this.cost = k.cost;
        this.memMap = k.memMap;
        this.vmstat = k.vmstat;
    }

    void releaseSlotIfUnused(long slot) {
        if (k.swap.count(slot) == 0) {
            long cached = k.swap.cachePfn(slot);
            if (cached < 0) {
                k.swap.freeIfUnused(slot);
            }
        }
    }

    void deleteFromSwapCache(long pfn) {
        long slot = memMap.privateData(pfn);
        memMap.clearFlag(pfn, PageFlags.PG_SWAPCACHE);
        memMap.setPrivateData(pfn, 0);
        memMap.setRefcount(pfn, memMap.mapcount(pfn));
        releaseSlot(slot);
    }

    /**
     * The swap side of {@link #deleteFromSwapCache}: {@code slot} no longer caches a page, and
     * is freed when no entry refers to it. Alone, for a page that is freed next (reclaim), whose
     * {@code struct page} the page allocator resets.
     */
    void releaseSlot(long slot) {
        k.swap.setCachePfn(slot, -1);
        counted(-1);
        k.swap.freeIfUnused(slot);
    }

    boolean writeSlot(long slot, long pfn) {
        if (keepsData) {
            try {
                k.swapStore.writePage(slot, pfn);
            } catch (IOException e) {
                memMap.setFlag(pfn, PageFlags.PG_ERROR);
                return false;
            }
        }
        k.swapOuts++;
        vmstat.inc(VmItem.PSWPOUT);
        vmstat.add(VmItem.PGPGOUT, KIB_PER_PAGE);
        k.pendingCost += cost.pageIo();
        return true;
    }

    void addToSwapCache(long pfn, long slot) {
        k.swap.setCachePfn(slot, pfn);
        memMap.setFlag(pfn, PageFlags.PG_SWAPCACHE);
        memMap.setPrivateData(pfn, slot);
        memMap.setRefcount(pfn, memMap.mapcount(pfn) + 1);
        counted(1);
    }

    /** A page joined ({@code +1}) or left ({@code -1}) the swap cache: NR_SWAPCACHED and NR_FILE_PAGES. */
    void counted(int delta) {
        vmstat.add(VmItem.NR_SWAPCACHED, delta);
        vmstat.add(VmItem.NR_FILE_PAGES, delta);
    }
}
