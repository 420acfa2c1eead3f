package dev.mmkit.paging.mm;

import dev.mmkit.api.hw.Page;
import dev.mmkit.api.hw.Pte;
import dev.mmkit.api.machine.MemMap;
import dev.mmkit.api.machine.PageFlags;
import dev.mmkit.api.machine.VmItem;
import dev.mmkit.api.machine.VmStat;
import java.util.List;

/**
 * Shared anonymous memory as Linux keeps it, after {@code mm/shmem.c}: a MAP_SHARED |
 * MAP_ANONYMOUS mapping is a shmem file of its own ({@code shmem_zero_setup}), and its
 * pages are that file's page-cache pages, not anonymous ones.
 *
 * <h2>The object</h2>
 * mmkit keeps the object in the mapping's {@link AnonVma} (its reverse map is the anon_vma
 * family of the VMAs that share it, which fork extends); {@link AnonVma#shmemIno} names it.
 * A page is a shmem page when its anon_vma is such an object ({@link #isShmem}). It stays
 * {@code PG_swapbacked} and on the anon LRU lists (Active(anon), Inactive(anon)), as Linux's
 * {@code page_is_file_lru} puts every swap-backed page there.
 *
 * <h2>What it counts</h2>
 * <ul>
 *   <li>{@code shmem_add_to_page_cache} / {@code shmem_delete_from_page_cache}: a resident
 *       shmem page outside the swap cache counts in {@code NR_FILE_PAGES} (Cached) and
 *       {@code NR_SHMEM} (Shmem), never in {@code NR_ANON_PAGES} (AnonPages).</li>
 *   <li>{@code page_add_file_rmap} / {@code page_remove_file_rmap}: while at least one PTE
 *       maps it, in {@code NR_MAPPED} (Mapped), once however many processes map it.</li>
 *   <li>{@code shmem_writepage}: a page written to swap leaves the shmem object for the swap
 *       cache (Shmem down, SwapCached up, Cached unchanged) until it is freed or read back.
 *       Linux writes a shmem page only for reclaim ({@code wbc->for_reclaim}); mmkit also
 *       lets a policy write one ahead of eviction ({@code PageReferences.startWriteback}),
 *       and that page, still mapped, counts in SwapCached (and Mapped) the same way.</li>
 *   <li>{@code shmem_swapin_page}: a page read back returns to the object at once
 *       ({@code shmem_add_to_page_cache}, {@code delete_from_swap_cache},
 *       {@code set_page_dirty}, {@code swap_free}): every sharer whose entry named its slot
 *       maps it again, the slot is freed, and it counts as Shmem, not SwapCached.</li>
 *   <li>{@code shmem_acct_size} at setup charges the whole object to {@code vm_committed_as}
 *       (Committed_AS), whatever its protection; {@code shmem_evict_inode}'s
 *       {@code shmem_unacct_size} releases it when the last VMA that maps any part of it
 *       goes ({@link #release}). mmkit has no MAP_NORESERVE, so every object is charged.</li>
 * </ul>
 * A difference from Linux: the pages of a part that every sharer has unmapped while the
 * object lives on are freed at once (the object has no page cache of its own to hold them),
 * where Linux keeps them until the object goes.
 */
final class Shmem {
    private final LinuxMemoryManager k;
    private final MemMap memMap;
    private final VmStat vmstat;
    /** The inode number of the next shared anonymous mapping's shmem file ({@code get_next_ino}). */
    private long nextIno = 1;
    /** Pages the live shmem objects charge to {@code vm_committed_as}. */
    long committed;

    Shmem(LinuxMemoryManager k) {
        this.k = k;
        this.memMap = k.memMap;
        this.vmstat = k.vmstat;
    }

    /**
     * {@code shmem_zero_setup} + {@code shmem_acct_size}: a new MAP_SHARED|MAP_ANONYMOUS
     * mapping is a shmem file of its own, with an inode number of its own and {@code vm_pgoff}
     * 0 at its start, whose size (the mapping's) is charged to Committed_AS at once.
     */
    void zeroSetup(Vma v) {
        AnonVma av = v.anonVma;
        av.shmemIno = nextIno++;
        av.shmemStart = v.start;
        av.shmemPages = Page.pages(v.end - v.start);
        committed += av.shmemPages;
    }

    /** {@code shmem_evict_inode} → {@code shmem_unacct_size}: the object's last VMA went. */
    void release(AnonVma av) {
        committed -= av.shmemPages;
        av.shmemPages = 0;
    }

    /** Whether {@code pfn} is a page of a shmem object (an anonymous page whose anon_vma is one). */
    boolean isShmem(long pfn) {
        if (!memMap.testFlag(pfn, PageFlags.PG_ANON)) {
            return false;
        }
        return isObject(k.rmap.anonVma(memMap.mapping(pfn)));
    }

    /** Whether anonymous pages of {@code av} (null: none) are pages of a shmem object. */
    static boolean isObject(AnonVma av) {
        return av != null && av.shmemIno != 0;
    }

    /** {@code shmem_add_to_page_cache}: the page is (again) in its object: Cached and Shmem. */
    void addToPageCache() {
        vmstat.inc(VmItem.NR_FILE_PAGES);
        vmstat.inc(VmItem.NR_SHMEM);
    }

    /** {@code shmem_delete_from_page_cache}: the page left its object (to the swap cache, or freed). */
    void deleteFromPageCache() {
        vmstat.add(VmItem.NR_FILE_PAGES, -1);
        vmstat.add(VmItem.NR_SHMEM, -1);
    }

    /** {@code page_add_file_rmap}: {@code mapcount}, the page's mappings now; the first makes it Mapped. */
    void addRmap(int mapcount) {
        if (mapcount == 1) {
            vmstat.inc(VmItem.NR_MAPPED);
        }
    }

    /** {@code page_remove_file_rmap}: {@code mapcount}, the page's mappings now; with the last it is no longer Mapped. */
    void removeRmap(int mapcount) {
        if (mapcount == 0) {
            vmstat.add(VmItem.NR_MAPPED, -1);
        }
    }

    /**
     * {@code shmem_swapin_page} after {@code do_swap_page} mapped page {@code pfn} (in the
     * swap cache, slot {@code slot}) at {@code va} for {@code vma}: every other VMA of the
     * object whose entry at {@code va} still names the slot maps the page too (an entry
     * exists there, so no table is allocated), dropping its reference to the slot. When no
     * entry names the slot any more, the page leaves the swap cache, dirty, its slot is
     * freed, and it is a page of its object again.
     */
    void swapin(Vma vma, long va, long pfn, long slot) {
        List<Vma> family = vma.anonVma.vmas;
        for (int i = 0; i < family.size(); i++) {
            Vma other = family.get(i);
            if (other == vma || !other.contains(va) || other.mm.root < 0) {
                continue;
            }
            long pte = k.pt.getPte(other.mm.root, va);
            if (pte != 0 && !Pte.mapsFrame(pte) && Pte.swapOffset(pte) == slot) {
                k.faults.mapSharedPage(other, va, pfn, false);
                k.swap.addCount(slot, -1);
            }
        }
        // only the object's sharers, at this address, can name the slot (fork and a first touch
        // copy the entry from a sharer)
        int left = k.swap.count(slot);
        if (left != 0) {
            throw new IllegalStateException("page " + Page.hex(pfn) + ": swap slot " + slot + " still has " + left
                + " references after every sharer of its shmem object mapped the page");
        }
        k.swapCache.deleteFromSwapCache(pfn);
        memMap.setFlag(pfn, PageFlags.PG_DIRTY);
        addToPageCache();
    }
}
