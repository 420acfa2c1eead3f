package dev.mmkit.paging.mm;

import dev.mmkit.api.hw.Page;
import dev.mmkit.api.hw.Pte;
import dev.mmkit.api.machine.Machine;
import dev.mmkit.api.machine.MemMap;
import dev.mmkit.api.machine.PageFlags;
import dev.mmkit.api.machine.VmItem;
import dev.mmkit.api.machine.VmStat;
import dev.mmkit.api.page.Gfp;
import java.util.Arrays;

/**
 * Page reclaim, after {@code mm/vmscan.c} and {@code mm/oom_kill.c}: the {@code Vmscan}
 * primitives kswapd and direct reclaim drive.
 * <ol>
 *   <li>{@code shrink_node}: takes victims from the largest replacement set until enough
 *       pages are freed or a set yields none; each page is scanned at most once per pass
 *       ({@code shrink_page_list}); counts pgscan and pgsteal.</li>
 *   <li>One victim ({@code pageout} + {@code try_to_unmap}): an anonymous page gets a swap
 *       slot and joins the swap cache (only with {@code __GFP_IO}); every PTE that maps it
 *       becomes the slot's swap entry, with a shootdown; if the page or a PTE was dirty it
 *       is written, and a failed write maps it back as it was; then the frame is freed. A
 *       file page goes to {@link FilePages#evictFilePage}. A page that cannot go returns
 *       to its set. The page a fault is copying ({@code pinnedPfn}) is skipped.</li>
 *   <li>{@code shrink_slab} and the OOM killer ({@code out_of_memory}: the process with
 *       the largest resident size).</li>
 * </ol>
 * {@link #startWriteback} writes a dirty anonymous page to its slot without evicting it
 * (for policies that clean pages ahead of eviction). A shmem page ({@link Shmem}) that joins
 * the swap cache, either way, leaves its object's page cache, as {@code shmem_writepage}
 * moves it.
 */
final class Reclaim {
    private final LinuxMemoryManager k;
    private final Machine machine;
    private final MemMap memMap;
    private final VmStat vmstat;

    Reclaim(LinuxMemoryManager k) {
        this.k = k;
        this.machine = k.machine;
        this.memMap = k.memMap;
        this.vmstat = k.vmstat;
    }

    boolean startWriteback(long pfn) {
        if (!k.rmap.isDirty(pfn)) {
            return true;
        }
        if (!memMap.testFlag(pfn, PageFlags.PG_ANON)) {
            // file pages are written by the page cache's flusher, not one at a time from here
            return false;
        }
        SwapMap sm = k.swap();
        long slot;
        if (memMap.testFlag(pfn, PageFlags.PG_SWAPCACHE)) {
            slot = memMap.privateData(pfn);
        } else {
            slot = sm.allocSlot();
            if (slot < 0) {
                return false;
            }
            k.swapCache.addToSwapCache(pfn, slot);
            if (k.shmem.isShmem(pfn)) {
                k.shmem.deleteFromPageCache(); // shmem_writepage: to the swap cache
            }
        }
        k.rmap.cleanMappings(pfn);
        if (!k.swapCache.writeSlot(slot, pfn)) {
            memMap.setFlag(pfn, PageFlags.PG_DIRTY);
            return false;
        }
        return true;
    }

    long shrinkNode(long nrToReclaim, int gfp, boolean kswapd) {
        k.pt();
        long reclaimed = 0;
        while (reclaimed < nrToReclaim) {
            Lruvec lv = k.lru.largestLruvec();
            if (lv == null) {
                break;
            }
            long got = reclaimFrom(lv, nrToReclaim - reclaimed, gfp, kswapd);
            reclaimed += got;
            if (got == 0) {
                break;
            }
        }
        return reclaimed;
    }

    /**
     * {@code shrink_page_list} over victims of one set, scanning each page at most once;
     * counts pgscan and pgsteal (by kswapd or direct, and by anon or file). A page that
     * cannot go now returns to its set, unless it left memory meanwhile (a page-cache page
     * the cache dropped).
     *
     * <p>While the swap area has no free slot (or there is none), an anonymous page that is
     * not already in the swap cache cannot go, and is not scanned: it returns to its set
     * uncounted, and when no page of the machine could go (no file page and no swap-cache
     * page on the lists) nothing is taken at all. This is Linux's {@code get_scan_count},
     * which scans no anonymous list when {@code can_reclaim_anon_pages} finds no free swap,
     * except that pages already in the swap cache are still scanned: mmkit does not drop
     * swap-cache slots at swap-in when swap runs full ({@code vm_swap_full}), which is what
     * keeps free slots in Linux.
     */
    long reclaimFrom(Lruvec lv, long nr, int gfp, boolean kswapd) {
        SwapMap sm = k.swap();
        long reclaimed = 0;
        long scanned = 0;
        long scannedFile = 0;
        long reclaimedFile = 0;
        long limit = lv.policy.size();
        for (long taken = 0; reclaimed < nr && taken < limit; taken++) {
            // checked at every page: the swap area may fill during the scan
            boolean swapFull = sm.freePages() == 0;
            if (swapFull && vmstat.get(VmItem.NR_INACTIVE_FILE) + vmstat.get(VmItem.NR_ACTIVE_FILE) == 0
                && vmstat.get(VmItem.NR_SWAPCACHED) == 0) {
                break;
            }
            long pfn = k.lru.evict(lv);
            if (pfn < 0) {
                break;
            }
            int flags = memMap.flags(pfn);
            boolean anon = (flags & PageFlags.PG_ANON) != 0;
            if (swapFull && anon && (flags & PageFlags.PG_SWAPCACHE) == 0) {
                k.lru.add(lv, pfn); // no slot for it: not isolated, not scanned
                continue;
            }
            scanned++;
            if (!anon) {
                scannedFile++;
            }
            if (evictPage(pfn, flags, gfp)) {
                reclaimed++;
                if (!anon) {
                    reclaimedFile++;
                }
            } else if (memMap.mapcount(pfn) > 0 || (!anon && k.files.inPageCache(pfn))) {
                k.lru.add(lv, pfn);
            }
        }
        vmstat.add(kswapd ? VmItem.PGSCAN_KSWAPD : VmItem.PGSCAN_DIRECT, scanned);
        vmstat.add(kswapd ? VmItem.PGSTEAL_KSWAPD : VmItem.PGSTEAL_DIRECT, reclaimed);
        vmstat.add(VmItem.PGSCAN_ANON, scanned - scannedFile);
        vmstat.add(VmItem.PGSTEAL_ANON, reclaimed - reclaimedFile);
        vmstat.add(VmItem.PGSCAN_FILE, scannedFile);
        vmstat.add(VmItem.PGSTEAL_FILE, reclaimedFile);
        return reclaimed;
    }

    /**
     * {@code shrink_page_list} for one page: write if dirty, unmap everywhere, free.
     * {@code flags}: the page's flags as the caller read them (one read of the victim's
     * {@code struct page} word for the whole decision).
     */
    private boolean evictPage(long pfn, int flags, int gfp) {
        if (pfn == k.pinnedPfn) {
            return false;
        }
        if ((flags & PageFlags.PG_ANON) == 0) {
            return k.files.evictFilePage(pfn, gfp);
        }
        SwapMap sm = k.swap();
        boolean cached = (flags & PageFlags.PG_SWAPCACHE) != 0;
        if (!cached && !Gfp.mayIo(gfp)) {
            return false;
        }
        // the page is anonymous: its anon_vma, read once, says whether it is shmem and which VMA maps it
        AnonVma av = k.rmap.anonVma(memMap.mapping(pfn));
        boolean shmem = Shmem.isObject(av);
        long slot;
        if (cached) {
            slot = memMap.privateData(pfn);
        } else {
            slot = sm.allocSlot();
            if (slot < 0) {
                return false;
            }
            k.swapCache.addToSwapCache(pfn, slot);
            if (shmem) {
                // shmem_writepage: from its object's page cache to the swap cache
                k.shmem.deleteFromPageCache();
            }
        }
        // try_to_unmap: every PTE becomes the swap entry; their D bits say whether to write
        long swp = Pte.swapEntry(0, slot);
        nrUnmapped = 0;
        unmappedDirty = false;
        int mapcount = memMap.mapcount(pfn);
        // the common case, one mapping in a VMA no fork shares: the entry at the page's
        // address is exchanged for the swap entry in one page-table access (no walk to read
        // it first); should it not map the page after all, it is put back and the walk decides.
        // As try_to_unmap_one does, the slot's reference is taken (swap_duplicate) before the
        // entry is written, and dropped again if the exchange fails: the slot's word and the
        // page-table entry are then fetched together instead of one after the other.
        int exchanged = 0;
        Vma sole = mapcount == 1 ? k.rmap.soleAnonVma(av, pfn) : null;
        if (sole != null) {
            long va = memMap.index(pfn) << Page.SHIFT;
            k.tlbFlush.syncBits(sole.mm, va); // the D that the exchange reads
            sm.addCount(slot, 1);
            long old = k.pt.setPte(sole.mm.root, va, swp, Page.SHIFT);
            if (Rmap.mapsPage(old, pfn)) {
                unmapToSwap.visit(sole, va, old);
                exchanged = 1;
            } else {
                k.pt.setPte(sole.mm.root, va, old, Page.SHIFT);
                sm.addCount(slot, -1);
            }
        }
        if (exchanged == 0) {
            k.rmap.rmapWalk(pfn, unmapToSwap);
        }
        if (nrUnmapped != mapcount) {
            throw new IllegalStateException("page " + Page.hex(pfn) + ": mapcount " + mapcount
                + " but the reverse map found " + nrUnmapped + " mappings");
        }
        for (int i = 0; i < nrUnmapped; i++) {
            if (i >= exchanged) {
                k.pt.setPte(unmappedMm[i].root, unmappedVa[i], swp, Page.SHIFT);
                sm.addCount(slot, 1);
            }
            unmappedMm[i].rss--;
            Task owner = TlbFlush.ownerOf(unmappedMm[i]);
            if (owner != null) {
                k.tlbFlush.flushPage(owner.pid, unmappedVa[i]);
            }
        }
        // pageout: nothing can write the page now; a failed write maps it back as it was
        if (!cached || unmappedDirty || memMap.testFlag(pfn, PageFlags.PG_DIRTY)) {
            if (!Gfp.mayIo(gfp) || !k.swapCache.writeSlot(slot, pfn)) {
                for (int i = 0; i < nrUnmapped; i++) {
                    k.pt.setPte(unmappedMm[i].root, unmappedVa[i], unmappedPte[i], Page.SHIFT);
                    sm.addCount(slot, -1);
                    unmappedMm[i].rss++;
                }
                if (!cached) {
                    k.swapCache.deleteFromSwapCache(pfn);
                    if (shmem) {
                        k.shmem.addToPageCache(); // redirty: it stays in its object
                    }
                } else {
                    memMap.setFlag(pfn, PageFlags.PG_DIRTY);
                }
                return false;
            }
            vmstat.inc(VmItem.NR_VMSCAN_WRITE);
        }
        // the page goes: its slot forgets it, and the allocator resets its struct page
        k.swapCache.releaseSlot(slot);
        if (!shmem) {
            vmstat.add(VmItem.NR_ANON_PAGES, -1);
        } else if (mapcount > 0) {
            k.shmem.removeRmap(0); // try_to_unmap cleared its last mapping
        }
        k.faults.freeUserFrame(pfn);
        return true;
    }

    // the mappings found by the last unmap walk (reused: eviction allocates nothing per page)
    private int nrUnmapped;
    private boolean unmappedDirty;
    private Mm[] unmappedMm = new Mm[8];
    private long[] unmappedVa = new long[8];
    private long[] unmappedPte = new long[8];
    private final Rmap.RmapVisitor unmapToSwap = (vma, va, pte) -> {
        if (nrUnmapped == unmappedMm.length) {
            unmappedMm = Arrays.copyOf(unmappedMm, nrUnmapped * 2);
            unmappedVa = Arrays.copyOf(unmappedVa, nrUnmapped * 2);
            unmappedPte = Arrays.copyOf(unmappedPte, nrUnmapped * 2);
        }
        unmappedMm[nrUnmapped] = vma.mm;
        unmappedVa[nrUnmapped] = va;
        unmappedPte[nrUnmapped] = pte;
        unmappedDirty |= Pte.isDirty(pte);
        nrUnmapped++;
    };

    long shrinkSlab(int gfp) {
        long freed = machine.slab().shrink();
        vmstat.add(VmItem.SLABS_SCANNED, freed);
        return freed;
    }

    boolean outOfMemory(int gfp, int order) {
        Task victim = null;
        for (Task t : k.tasks) {
            // the child a fork is building is not on the task list yet in Linux (copy_process
            // links it last): the OOM killer cannot choose it
            if (t.alive && t.mm != null && t.mm.rss > 0 && t != k.forkChild && (victim == null || t.mm.rss > victim.mm.rss)) {
                victim = t;
            }
        }
        if (victim == null) {
            return false;
        }
        k.oomKills++;
        vmstat.inc(VmItem.OOM_KILL);
        k.procs.kill(victim, "oom-killed");
        return true;
    }
}
