package dev.mmkit.paging.mm;

import dev.mmkit.api.hw.Page;
import dev.mmkit.api.hw.Pte;
import dev.mmkit.api.machine.MemMap;
import dev.mmkit.api.machine.PageFlags;
import dev.mmkit.api.machine.VmItem;
import dev.mmkit.api.machine.VmStat;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;

/**
 * The object-based reverse map of Linux 2.6 ({@code mm/rmap.c}) and what the replacement
 * policy learns through it ({@code PageReferences}). An anonymous page's {@code mapping}
 * names its {@link AnonVma} and its {@code index} is its virtual page number, so the PTEs
 * that map it are found by visiting the family's VMAs that cover that address
 * ({@code rmap_walk_anon}); a file page's are found through the file's {@code i_mmap}
 * ({@link FilePages#rmapWalkFile}).
 *
 * <p>Also here: {@code anon_vma_prepare} and the linking of VMAs to anon_vmas,
 * {@code page_remove_rmap} + {@code put_page} for one unmapped PTE (the page is freed with
 * its last mapping, a dirty page in the swap cache whose slot other PTEs still name being
 * written first), the referenced and dirty bits gathered over all PTEs
 * ({@code page_referenced}) and {@code page_mkclean}.
 */
final class Rmap {
    private final LinuxMemoryManager k;
    private final VmStat vmstat;
    private final MemMap memMap;

    /** The anon_vmas by id (a page's {@code mapping}); null where an id is free. */
    private AnonVma[] anonVmas = new AnonVma[64];
    private final ArrayList<Integer> freeAnonVmaIds = new ArrayList<>();
    private int nextAnonVmaId = 1;
    private final boolean softwareBits;
    /** Pages the software referenced bit (not the policy) made invalid: their soft fault is the emulation's. */
    private final BitSet emulatedInvalid = new BitSet();

    Rmap(LinuxMemoryManager k) {
        this.k = k;
        this.softwareBits = k.settings.softwareBits();
        this.vmstat = k.vmstat;
        this.memMap = k.memMap;
    }

    void unlinkAnonVma(Vma v) {
        AnonVma av = v.anonVma;
        av.vmas.remove(v);
        v.anonVma = null;
        if (av.vmas.isEmpty()) {
            if (av.shmemIno != 0) {
                k.shmem.release(av);
            }
            anonVmas[av.id] = null;
            freeAnonVmaIds.add(av.id);
            k.cache("anon").free(av.objp);
        }
    }

    /** The sizes in pages of the live shmem objects, summed ({@link LinuxMemoryManager#verify}). */
    long shmemObjectPages() {
        long pages = 0;
        for (AnonVma av : anonVmas) {
            if (av != null && av.shmemIno != 0) {
                pages += av.shmemPages;
            }
        }
        return pages;
    }

    /** The anon_vma a page's {@code mapping} names, or null. */
    AnonVma anonVma(int id) {
        return id > 0 && id < anonVmas.length ? anonVmas[id] : null;
    }

    void linkAnonVma(Vma v, AnonVma av) {
        v.anonVma = av;
        av.vmas.add(v);
    }

    /**
     * {@code find_mergeable_anon_vma}: the anon_vma of a neighbour that this VMA could merge
     * with if their permissions were equal ("since only mprotect tries to remerge vmas, match
     * flags which might be mprotected into each other later on"), or null. Shared anonymous
     * memory keeps its own object.
     */
    private static AnonVma mergeableAnonVma(Vma v) {
        if (v.isShared() || (v.flags & Vma.ADMIT_ALL) != 0 || v.mm.vmas.get(v.start) != v) {
            return null;
        }
        java.util.Map.Entry<Long, Vma> next = v.mm.vmas.higherEntry(v.start);
        if (next != null && compatible(v, next.getValue())) {
            return next.getValue().anonVma;
        }
        java.util.Map.Entry<Long, Vma> prev = v.mm.vmas.lowerEntry(v.start);
        if (prev != null && compatible(prev.getValue(), v)) {
            return prev.getValue().anonVma;
        }
        return null;
    }

    /** {@code anon_vma_compatible}: {@code b} directly after {@code a}, equal but for permissions, one with an anon_vma. */
    private static boolean compatible(Vma a, Vma b) {
        Vma other = a.anonVma != null ? a : b;
        return other.anonVma != null && !other.isShared() && a.end == b.start && a.flags == b.flags && a.fileId == b.fileId
            && (a.fileId == 0 || b.offset == a.offset + (a.end - a.start));
    }

    /** {@code anon_vma_prepare}: gives a VMA its anon_vma on its first anonymous fault. */
    boolean anonVmaPrepare(Vma v) {
        if (v.anonVma != null) {
            return true;
        }
        AnonVma near = mergeableAnonVma(v);
        if (near != null) {
            linkAnonVma(v, near);
            return true;
        }
        long objp = k.cache("anon").alloc(LinuxMemoryManager.GFP_OBJECT);
        if (objp == 0 || v.objp == 0) {
            if (objp != 0) {
                k.cache("anon").free(objp);
            }
            return false;
        }
        int id = freeAnonVmaIds.isEmpty() ? nextAnonVmaId++ : freeAnonVmaIds.remove(freeAnonVmaIds.size() - 1);
        if (id >= anonVmas.length) {
            anonVmas = Arrays.copyOf(anonVmas, id * 2);
        }
        AnonVma av = new AnonVma(id);
        av.objp = objp;
        anonVmas[id] = av;
        linkAnonVma(v, av);
        return true;
    }

    /**
     * {@code page_remove_rmap} + {@code put_page}: one mapping of {@code pfn} is gone (the
     * caller changed the PTE). Frees the page when it was the last. Returns whether it was freed.
     * A shmem page ({@link Shmem}) stops being Mapped with its last mapping and leaves its
     * object's page cache (or the swap cache) as it is freed; it was never in AnonPages.
     */
    boolean removeMapping(Mm mm, long pfn, long pte) {
        if (!memMap.testFlag(pfn, PageFlags.PG_ANON)) {
            k.files.removeFileMapping(pfn, pte);
            return false;
        }
        if (Pte.isDirty(pte)) {
            memMap.setFlag(pfn, PageFlags.PG_DIRTY);
        }
        int mapcount = memMap.mapcount(pfn) - 1;
        if (mapcount < 0) {
            throw new IllegalStateException("page " + Page.hex(pfn) + ": mapcount below zero");
        }
        memMap.setMapcount(pfn, mapcount);
        boolean cached = memMap.testFlag(pfn, PageFlags.PG_SWAPCACHE);
        memMap.setRefcount(pfn, mapcount + (cached ? 1 : 0));
        if (mapcount > 0) {
            return false;
        }
        boolean shmem = k.shmem.isShmem(pfn);
        k.lru.lruRemove(pfn);
        if (cached) {
            long slot = memMap.privateData(pfn);
            if (k.swap.count(slot) > 0 && memMap.testFlag(pfn, PageFlags.PG_DIRTY)) {
                k.swapCache.writeSlot(slot, pfn);
            }
            k.swapCache.deleteFromSwapCache(pfn);
        }
        if (!shmem) {
            vmstat.add(VmItem.NR_ANON_PAGES, -1);
        } else {
            k.shmem.removeRmap(0);
            if (!cached) {
                k.shmem.deleteFromPageCache();
            }
        }
        k.faults.freeUserFrame(pfn);
        return true;
    }

    /** What the reverse map visits: one PTE mapping the page. */
    @FunctionalInterface
    interface RmapVisitor {
        void visit(Vma vma, long va, long pte);
    }

    /**
     * Whether entry {@code pte} maps frame {@code pfn}: present, or made invalid by
     * {@code invalidate} ({@code PROT_NONE}-style: the frame kept, the present bit clear).
     */
    static boolean mapsPage(long pte, long pfn) {
        return Pte.mapsFrame(pte) && Pte.pfn(pte) == pfn;
    }

    /**
     * {@code rmap_walk_anon}: every PTE that maps {@code pfn}, valid or made invalid ({@link #mapsPage}).
     * The address comes from the page's index, as {@code vma_address} computes it; an anon_vma
     * with one VMA (a process that never forked) is visited directly, without the family loop.
     */
    void rmapWalk(long pfn, RmapVisitor visitor) {
        int id = memMap.mapping(pfn);
        if (!memMap.testFlag(pfn, PageFlags.PG_ANON)) {
            k.files.rmapWalkFile(pfn, id, visitor);
            return;
        }
        AnonVma av = anonVma(id);
        if (av == null) {
            return;
        }
        long va = memMap.index(pfn) << Page.SHIFT;
        List<Vma> vmas = av.vmas;
        int n = vmas.size();
        if (n == 1) {
            visitAnon(vmas.get(0), va, pfn, visitor);
            return;
        }
        for (int i = 0; i < vmas.size(); i++) {
            visitAnon(vmas.get(i), va, pfn, visitor);
        }
    }

    /**
     * The one VMA that can map anonymous page {@code pfn}: its anon_vma has a single VMA
     * (no fork shares it), which covers the page's address ({@code vma_address}) and has
     * page tables; null otherwise (the caller then takes {@link #rmapWalk}).
     */
    Vma soleAnonVma(long pfn) {
        return soleAnonVma(anonVma(memMap.mapping(pfn)), pfn);
    }

    /** {@link #soleAnonVma(long)} when the caller has the page's anon_vma {@code av} (null: none) already. */
    Vma soleAnonVma(AnonVma av, long pfn) {
        if (av == null || av.vmas.size() != 1) {
            return null;
        }
        Vma vma = av.vmas.get(0);
        return vma.contains(memMap.index(pfn) << Page.SHIFT) && vma.mm.root >= 0 ? vma : null;
    }

    /** One VMA of an anon_vma: its PTE at {@code va}, if it covers it and maps {@code pfn}. */
    private void visitAnon(Vma vma, long va, long pfn, RmapVisitor visitor) {
        if (vma.contains(va) && vma.mm.root >= 0) {
            k.tlbFlush.syncBits(vma.mm, va);
            long pte = k.pt.getPte(vma.mm.root, va);
            if (mapsPage(pte, pfn)) {
                visitor.visit(vma, va, pte);
            }
        }
    }

    /** {@link #referencedPtes} &gt; 0. */
    boolean testAndClearReferenced(long pfn) {
        return referencedPtes(pfn) != 0;
    }

    /**
     * {@code page_referenced} + {@code TestClearPageReferenced}, counted. Hardware bits: one
     * for each PTE mapping the page with A set (A cleared, with a shootdown, so the next
     * reference walks and sets it again), one more for PG_referenced (cleared). Software
     * bits: PG_referenced alone, 0 or 1; the page is mapped invalid everywhere so that its
     * next reference faults and sets it again (the BSD/VAX emulation).
     */
    int referencedPtes(long pfn) {
        int pageReferenced = memMap.testAndClearFlag(pfn, PageFlags.PG_REFERENCED) ? 1 : 0;
        if (softwareBits) {
            invalidate(pfn, true);
            return pageReferenced;
        }
        // the common case (a clock hand's step): one anonymous mapping in a VMA no fork
        // shares, whose entry is read directly, without the walk's visitor
        Vma sole = memMap.testFlag(pfn, PageFlags.PG_ANON) ? soleAnonVma(pfn) : null;
        if (sole != null) {
            long va = memMap.index(pfn) << Page.SHIFT;
            k.tlbFlush.syncBits(sole.mm, va);
            long pte = k.pt.getPte(sole.mm.root, va);
            if (mapsPage(pte, pfn) && Pte.isAccessed(pte)) {
                clearAccessed(sole, va, pte);
                return pageReferenced + 1;
            }
            return pageReferenced;
        }
        int[] referenced = {pageReferenced};
        rmapWalk(pfn, (vma, va, pte) -> {
            if (Pte.isAccessed(pte)) {
                referenced[0]++;
                clearAccessed(vma, va, pte);
            }
        });
        return referenced[0];
    }

    /** {@code ptep_clear_flush_young}: A cleared in the entry, its translation shot down. */
    private void clearAccessed(Vma vma, long va, long pte) {
        k.pt.setPte(vma.mm.root, va, pte & ~Pte.A, Page.SHIFT);
        Task owner = TlbFlush.ownerOf(vma.mm);
        if (owner != null) {
            k.tlbFlush.flushPage(owner.pid, va);
        }
    }

    boolean isReferenced(long pfn) {
        if (softwareBits) {
            return memMap.testFlag(pfn, PageFlags.PG_REFERENCED);
        }
        boolean[] referenced = {memMap.testFlag(pfn, PageFlags.PG_REFERENCED)};
        rmapWalk(pfn, (vma, va, pte) -> referenced[0] |= Pte.isAccessed(pte));
        return referenced[0];
    }

    /**
     * Whether the page differs from its backing store: an anonymous page without a swap slot,
     * PG_dirty, or (hardware bits only) D in any PTE. With software bits a clean page is
     * never mapped writable, so PG_dirty is all there is to know.
     */
    boolean isDirty(long pfn) {
        boolean anon = memMap.testFlag(pfn, PageFlags.PG_ANON);
        if ((anon && !memMap.testFlag(pfn, PageFlags.PG_SWAPCACHE)) || memMap.testFlag(pfn, PageFlags.PG_DIRTY)) {
            return true;
        }
        if (softwareBits) {
            return false;
        }
        boolean[] dirty = {false};
        rmapWalk(pfn, (vma, va, pte) -> dirty[0] |= Pte.isDirty(pte));
        return dirty[0];
    }

    /**
     * Before an anonymous page is written to swap: clears PG_dirty and D in every mapping;
     * private mappings (and, with software modified bits, all) become read-only, so that
     * the next write faults.
     */
    void cleanMappings(long pfn) {
        memMap.clearFlag(pfn, PageFlags.PG_DIRTY);
        mkclean(pfn, false, softwareBits);
    }

    /**
     * {@code page_mkclean} ({@code Vmscan.pageMkclean}): every PTE that maps the page in a
     * shared mapping is write-protected and cleaned, its translation shot down, so that the
     * next store takes a write-protect fault ({@code wp_page_shared}) that marks the page
     * dirty again. Returns how many of those PTEs were dirty.
     */
    int pageMkclean(long pfn) {
        return mkclean(pfn, true, true);
    }

    /**
     * Clears D in the PTEs that map the page (only those of shared mappings when
     * {@code sharedOnly}); private ones always lose write access, shared ones when
     * {@code protectShared}. Returns how many PTEs had D set.
     */
    private int mkclean(long pfn, boolean sharedOnly, boolean protectShared) {
        int[] dirty = {0};
        rmapWalk(pfn, (vma, va, pte) -> {
            if ((sharedOnly && !vma.isShared()) || !(Pte.isDirty(pte) || Pte.isWritable(pte))) {
                return;
            }
            if (Pte.isDirty(pte)) {
                dirty[0]++;
            }
            long clean = pte & ~Pte.D;
            if (!vma.isShared() || protectShared) {
                clean &= ~Pte.RW;
            }
            k.pt.setPte(vma.mm.root, va, clean, Page.SHIFT);
            Task owner = TlbFlush.ownerOf(vma.mm);
            if (owner != null) {
                k.tlbFlush.flushPage(owner.pid, va);
            }
        });
        return dirty[0];
    }

    /**
     * {@code PageReferences.invalidate}: every PTE that maps page {@code pfn} made invalid
     * ({@link Pte#mkProtNone}: the frame kept, P clear), each cached translation shot down.
     * The page stays mapped (mapcount, rss and the reverse map unchanged); its next reference
     * takes a soft fault ({@link Faults}). {@code emulated}: the software referenced bit asks,
     * not the policy, so that fault is counted as the emulation's. False when no PTE maps it.
     */
    boolean invalidate(long pfn, boolean emulated) {
        boolean[] mapped = {false};
        rmapWalk(pfn, (vma, va, pte) -> {
            mapped[0] = true;
            if (Pte.isPresent(pte)) {
                k.pt.setPte(vma.mm.root, va, Pte.mkProtNone(pte), Page.SHIFT);
                Task owner = TlbFlush.ownerOf(vma.mm);
                if (owner != null) {
                    k.tlbFlush.flushPage(owner.pid, va);
                }
            }
        });
        if (mapped[0]) {
            emulatedInvalid.set((int) pfn, emulated);
        }
        return mapped[0];
    }

    /**
     * Makes every PTE that maps page {@code pfn} valid again (the soft fault's repair; no
     * shootdown: no TLB holds an invalid entry). Returns whether the software referenced
     * bit had invalidated it.
     */
    boolean revalidate(long pfn) {
        rmapWalk(pfn, (vma, va, pte) -> {
            if (Pte.isProtNone(pte)) {
                k.pt.setPte(vma.mm.root, va, Pte.mkPresent(pte), Page.SHIFT);
            }
        });
        boolean emulated = emulatedInvalid.get((int) pfn);
        emulatedInvalid.clear((int) pfn);
        return emulated;
    }
}
