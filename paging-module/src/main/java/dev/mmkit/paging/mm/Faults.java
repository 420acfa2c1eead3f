package dev.mmkit.paging.mm;

import dev.mmkit.api.hw.Access;
import dev.mmkit.api.hw.Page;
import dev.mmkit.api.hw.PhysicalMemory;
import dev.mmkit.api.hw.Pte;
import dev.mmkit.api.machine.CostModel;
import dev.mmkit.api.machine.Machine;
import dev.mmkit.api.machine.MemMap;
import dev.mmkit.api.machine.PageFlags;
import dev.mmkit.api.machine.VmItem;
import dev.mmkit.api.machine.VmStat;
import dev.mmkit.api.page.Gfp;
import dev.mmkit.api.replacement.ReplacementPolicy;
import dev.mmkit.api.workload.Mman;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Map;

/**
 * Page-fault handling, after {@code mm/memory.c}: {@code handle_mm_fault} finds the VMA
 * (growing the stack down into the address within its limit, {@code expand_stack}), kills
 * the process with SIGSEGV when none admits the access, and dispatches on the entry:
 * <ul>
 *   <li>none: {@code do_anonymous_page}, a zeroed frame (file VMAs go to {@link FilePages});</li>
 *   <li>a swap entry: {@code do_swap_page}, the page from the swap cache (minor) or read
 *       from its slot (major), mapped writable at once when this write is its only user; a
 *       shared anonymous page returns to its shmem object ({@link Shmem#swapin});</li>
 *   <li>present, read-only, written in a writable VMA: {@code do_wp_page}, copy on write,
 *       or reuse when this mapping is the page's only user ({@code reuse_swap_page});</li>
 *   <li>present and allowed: the entry lagged the VMA or the TLB was stale: refresh it.</li>
 * </ul>
 * Every fault allocates first and checks afterwards (the process may have been killed and
 * the entry changed by the reclaim the allocation ran), see the re-entrance notes of
 * {@link LinuxMemoryManager}. {@link #allocUserPage} is the user page allocation: it first
 * reclaims within a resident limit, then asks the page allocator, OOM-killing when it must.
 *
 * <p>An entry a fault installs for the reference that took it is young (A set), as x86's
 * {@code vm_page_prot} carries {@code _PAGE_ACCESSED} (copies on write are also dirty): the
 * retried reference's walk would set A at once, so the entry ends the same, and that walk
 * then has nothing to write back.
 */
final class Faults {
    private final LinuxMemoryManager k;
    private final boolean keepsData;
    private final Machine machine;
    private final PagingSettings settings;
    private final PhysicalMemory memory;
    private final MemMap memMap;
    private final VmStat vmstat;
    private final CostModel cost;
    private final boolean softwareBits;

    Faults(LinuxMemoryManager k) {
        this.k = k;
        this.keepsData = k.keepsData;
        this.machine = k.machine;
        this.settings = k.settings;
        this.memory = k.memory;
        this.memMap = k.memMap;
        this.vmstat = k.vmstat;
        this.cost = k.cost;
        this.softwareBits = k.settings.softwareBits();
    }

    /**
     * {@code handle_mm_fault}; false when the process was killed. With software referenced
     * bits, the page a fault leaves mapped is marked referenced ({@code PG_referenced}), as
     * the hardware sets A on the reference that the fault lets through.
     */
    boolean handleFault(Task t, long vaddr, int access, long walked, int faultLevel) {
        boolean ok = dispatch(t, vaddr, access, walked, faultLevel);
        if (ok && softwareBits && t.alive && t.mm != null) {
            long now = k.pt.getPte(t.mm.root, vaddr & ~Page.OFFSET_MASK);
            if (Pte.isPresent(now)) {
                memMap.setFlag(Pte.pfn(now), PageFlags.PG_REFERENCED);
            }
        }
        return ok;
    }

    private boolean dispatch(Task t, long vaddr, int access, long walked, int faultLevel) {
        k.pageFaults++;
        vmstat.inc(VmItem.PGFAULT);
        Mm mm = t.mm;
        if (!k.pt.isCanonical(vaddr) || (Access.isUser(access) && Long.compareUnsigned(vaddr, k.pt.userAddressLimit()) >= 0)) {
            return segv(t, vaddr);
        }
        Vma vma = mm.find(vaddr);
        if (vma == null) {
            vma = expandStack(mm, vaddr);
            if (vma == null) {
                return segv(t, vaddr);
            }
        }
        if (!vma.permits(access)) {
            return segv(t, vaddr);
        }
        long va = vaddr & ~Page.OFFSET_MASK;
        // the walk's own view of the leaf (pte_none above a missing table), unless a
        // software TLB refill walked elsewhere since
        long pte = faultLevel <= 1 && !Pte.isLarge(walked) ? walked : k.pt.getPte(mm.root, va);
        boolean write = Access.isWrite(access);
        if (pte == 0) {
            return vma.isAnonymous() ? doAnonymousPage(t, vma, va) : k.files.doFilePage(t, vma, va, write);
        }
        if (Pte.isProtNone(pte)) {
            return doSoftFault(pte);
        }
        if (!Pte.isPresent(pte)) {
            return doSwapPage(t, vma, va, pte, write);
        }
        if (write && !Pte.isWritable(pte)) {
            return doWpPage(t, vma, va, pte);
        }
        // present, and the VMA allows the access: the entry lags the VMA (refresh it) or the
        // TLB held a stale translation
        long fixed = Pte.make(Pte.pfn(pte), vma.pteFlags(Pte.isWritable(pte) || sharedWritable(vma, Pte.pfn(pte)))
            | (pte & (Pte.A | Pte.D)));
        if (fixed != pte) {
            k.pt.setPte(mm.root, va, fixed, Page.SHIFT);
        }
        k.tlbFlush.flushPage(t.pid, va);
        k.minorFaults++;
        k.pendingCost += cost.minorFault();
        return true;
    }

    /**
     * Whether a shared mapping of {@code vma} may map page {@code pfn} writable. A page-cache
     * page only while it is dirty in the page cache (write-notify, {@code
     * vma_wants_writenotify}): a clean one is mapped read-only so that its first write takes
     * a write-protect fault that marks it dirty, and writeback write-protects it again
     * ({@code page_mkclean}). An anonymous shared page always with hardware dirty bits; with
     * software ones only once it is dirty.
     */
    boolean sharedWritable(Vma vma, long pfn) {
        if (!vma.isShared()) {
            return false;
        }
        if (!memMap.testFlag(pfn, PageFlags.PG_ANON)) {
            return memMap.testFlag(pfn, PageFlags.PG_DIRTY);
        }
        return !softwareBits || k.rmap.isDirty(pfn);
    }

    /**
     * A reference found the page resident but mapped invalid ({@code pte_protnone}), by the
     * policy's {@code invalidate} or by the software referenced bit: Linux's NUMA-hinting
     * fault ({@code do_numa_page}) turned into a replacement event. Every PTE that maps the
     * page is made valid again through the reverse map, {@code PG_referenced} is set, the
     * minor fault counted (soft_faults, and softref_faults when the software referenced bit
     * caused it), and the page's policy hears {@code softFault}. The reference is retried.
     */
    private boolean doSoftFault(long pte) {
        long pfn = Pte.pfn(pte);
        boolean emulated = k.rmap.revalidate(pfn);
        memMap.setFlag(pfn, PageFlags.PG_REFERENCED);
        k.softFaults++;
        if (emulated) {
            k.softrefFaults++;
        }
        k.minorFaults++;
        k.pendingCost += cost.minorFault();
        ReplacementPolicy policy = k.lru.policyOf(pfn);
        if (policy != null) {
            policy.softFault(pfn);
        }
        return true;
    }

    private boolean segv(Task t, long vaddr) {
        k.segfaults++;
        k.procs.kill(t, "SIGSEGV at " + Page.hex(vaddr));
        return false;
    }

    /** Grows the stack VMA above {@code vaddr} down to it, within the stack limit; null when it cannot. */
    private Vma expandStack(Mm mm, long vaddr) {
        Map.Entry<Long, Vma> above = mm.vmas.ceilingEntry(vaddr);
        if (above == null || !above.getValue().growsDown()) {
            return null;
        }
        Vma stack = above.getValue();
        long newStart = vaddr & ~Page.OFFSET_MASK;
        if (stack.end - newStart > settings.stackLimit()) {
            return null;
        }
        Map.Entry<Long, Vma> below = mm.vmas.lowerEntry(stack.start);
        if (below != null) {
            // expand_downwards: never into the mapping below, nor within stack_guard_gap of an
            // accessible one that is not itself a stack
            Vma prev = below.getValue();
            boolean guarded = !prev.growsDown() && prev.prot != Mman.PROT_NONE;
            if (prev.end > newStart || (guarded && newStart - prev.end < LinuxMemoryManager.STACK_GUARD_GAP)) {
                return null;
            }
        }
        mm.vmas.remove(stack.start);
        stack.start = newStart;
        mm.vmas.put(newStart, stack);
        mm.forgetCache();
        k.stackExpansions++;
        return stack;
    }

    /** {@code do_anonymous_page}: a zeroed frame for the first touch, read or write. */
    private boolean doAnonymousPage(Task t, Vma vma, long va) {
        Mm mm = t.mm;
        if (!k.rmap.anonVmaPrepare(vma) || !t.alive) {
            return oom(t);
        }
        if (!k.pt.populate(mm.root, va, Page.SHIFT) || !t.alive) {
            return oom(t);
        }
        if (vma.isShared() && shareAnonPage(mm, vma, va)) {
            return true;
        }
        long pfn = allocUserPage(t);
        if (pfn < 0) {
            return false;
        }
        if (k.pt.getPte(mm.root, va) != 0 || vma.anonVma == null || mm.vmas.get(vma.start) != vma) {
            freeUserFrame(pfn);
            releaseTables(mm, va);
            return true;
        }
        memory.clearFrame(pfn);
        newAnonPage(pfn, vma, va);
        k.pt.setPte(mm.root, va, Pte.make(pfn, vma.pteFlags(true) | Pte.A), Page.SHIFT);
        mm.rss++;
        k.lru.lruAdd(mm, pfn);
        k.zeroFills++;
        k.minorFaults++;
        k.pendingCost += cost.minorFault();
        if (vma.isShared()) {
            mapInSiblings(mm, vma, va, pfn);
        }
        return true;
    }

    /**
     * A new page of a shared anonymous mapping is mapped at once by every other VMA of its
     * fork family that shares it (what shmem's one object gives Linux): the page then lives
     * as long as any of them maps it, not only while the process that touched it first does.
     * Stops when allocating a sibling's page table let reclaim take the page meanwhile (the
     * sibling then finds the swap entry in {@link #shareAnonPage}), or OOM-kill this process;
     * a sibling it then maps nothing in gets the tables it populated freed again.
     */
    private void mapInSiblings(Mm mm, Vma vma, long va, long pfn) {
        for (Vma other : new ArrayList<>(vma.anonVma.vmas)) {
            if (other == vma || !other.isShared() || !other.contains(va) || other.mm == mm || other.mm.root < 0) {
                continue;
            }
            if (!k.pt.populate(other.mm.root, va, Page.SHIFT)) {
                continue;
            }
            long now = k.pt.getPte(mm.root, va);
            if (!Rmap.mapsPage(now, pfn)) {
                releaseTables(other.mm, va);
                return;
            }
            if (other.mm.root < 0 || other.mm.vmas.get(other.start) != other || k.pt.getPte(other.mm.root, va) != 0) {
                releaseTables(other.mm, va);
                continue;
            }
            mapSharedPage(other, va, pfn, Pte.isProtNone(now));
        }
    }

    /**
     * A fault that {@link dev.mmkit.api.pagetable.PageTable#populate populated} the tables for
     * {@code va} in {@code mm} and then maps nothing there frees the tables again (clearing an
     * empty entry frees the empty tables populate made): tables exist only where something is
     * mapped. Nothing to do when the entry is set meanwhile or the address space is gone.
     */
    void releaseTables(Mm mm, long va) {
        if (mm.root >= 0 && k.pt.getPte(mm.root, va) == 0) {
            k.pt.setPte(mm.root, va, 0, Page.SHIFT);
        }
    }

    /**
     * One more mapping of resident page {@code pfn} of a shared anonymous object, by
     * {@code vma} at {@code va}: counted, and made invalid like the page's other mappings when
     * a policy has made them so ({@code protNone}).
     */
    void mapSharedPage(Vma vma, long va, long pfn, boolean protNone) {
        int mapcount = memMap.mapcount(pfn) + 1;
        memMap.setMapcount(pfn, mapcount);
        memMap.setRefcount(pfn, mapcount + (memMap.testFlag(pfn, PageFlags.PG_SWAPCACHE) ? 1 : 0));
        long pte = Pte.make(pfn, vma.pteFlags(sharedWritable(vma, pfn)));
        k.pt.setPte(vma.mm.root, va, protNone ? Pte.mkProtNone(pte) : pte, Page.SHIFT);
        vma.mm.rss++;
    }

    /**
     * The first touch of a page of a shared anonymous mapping: if another VMA of its fork
     * family (shared, covering {@code va}) already has the page, this one maps it too (a
     * resident page gains a mapping; a swapped-out one, a reference to its slot, and the
     * retried reference swaps it in). Linux keeps such a mapping in one shmem object.
     */
    private boolean shareAnonPage(Mm mm, Vma vma, long va) {
        for (Vma other : vma.anonVma.vmas) {
            if (other == vma || !other.isShared() || !other.contains(va) || other.mm.root < 0) {
                continue;
            }
            long pte = k.pt.getPte(other.mm.root, va);
            if (pte == 0) {
                continue;
            }
            if (Pte.mapsFrame(pte)) {
                mapSharedPage(vma, va, Pte.pfn(pte), Pte.isProtNone(pte));
            } else {
                k.swap.addCount(Pte.swapOffset(pte), 1);
                k.pt.setPte(mm.root, va, pte, Page.SHIFT);
            }
            k.minorFaults++;
            k.pendingCost += cost.minorFault();
            return true;
        }
        return false;
    }

    boolean sigbus(Task t, long va) {
        k.procs.kill(t, "SIGBUS at " + Page.hex(va));
        return false;
    }

    /**
     * A new page of {@code vma} at {@code va}, mapped once: {@code page_add_new_anon_rmap}
     * (AnonPages) for private memory; for shared anonymous memory the page is its shmem
     * object's ({@code shmem_add_to_page_cache}, then {@code page_add_file_rmap}: Cached,
     * Shmem and Mapped, see {@link Shmem}). {@code pfn} comes straight from the page
     * allocator: every field of its {@code struct page} is set here, none kept.
     */
    void newAnonPage(long pfn, Vma vma, long va) {
        memMap.setPage(pfn, PageFlags.PG_ANON | PageFlags.PG_SWAPBACKED | PageFlags.PG_UPTODATE, 1, 1,
            vma.anonVma.id, Page.vpn(va), 0);
        if (vma.isShared()) {
            k.shmem.addToPageCache();
            k.shmem.addRmap(1);
        } else {
            vmstat.inc(VmItem.NR_ANON_PAGES);
        }
    }

    /**
     * {@code do_wp_page}: a write to a present read-only page of a writable VMA. In a shared
     * mapping ({@code wp_page_shared}) the page is marked dirty (a page-cache page in the
     * page cache: {@code set_page_dirty}) and mapped writable and dirty: the write-notify
     * fault of a clean file page, and with software modified bits the fault that emulates D
     * (counted in softref_faults).
     */
    private boolean doWpPage(Task t, Vma vma, long va, long pte) {
        Mm mm = t.mm;
        long old = Pte.pfn(pte);
        boolean anon = memMap.testFlag(old, PageFlags.PG_ANON);
        if (vma.isShared() || (anon && reuseable(old))) {
            if (!vma.isShared() && memMap.testFlag(old, PageFlags.PG_SWAPCACHE)) {
                k.swapCache.deleteFromSwapCache(old);
            }
            if (vma.isShared()) {
                if (anon) {
                    memMap.setFlag(old, PageFlags.PG_DIRTY);
                }
                if (softwareBits) {
                    k.softrefFaults++;
                }
            }
            if (!anon) {
                k.files.dirtyFromFault(machine.pageCache().byId(memMap.mapping(old)), memMap.index(old), old);
            }
            k.pt.setPte(mm.root, va, pte | Pte.RW | Pte.D, Page.SHIFT);
            k.tlbFlush.flushPage(t.pid, va);
            k.cowReuses++;
            vmstat.inc(VmItem.PGREUSE);
            k.minorFaults++;
            k.pendingCost += cost.minorFault();
            return true;
        }
        if (!k.rmap.anonVmaPrepare(vma) || !t.alive) {
            return oom(t);
        }
        k.pinnedPfn = old;
        long pfn;
        try {
            pfn = allocUserPage(t);
        } finally {
            k.pinnedPfn = -1;
        }
        if (pfn < 0) {
            return false;
        }
        // the reclaim the allocation ran may have tested the old page (A cleared) or made it
        // invalid (Pte.PROTNONE); that is no reason to fault again (the retry would run the same
        // reclaim and clear it again): only another page or a writable entry is
        long now = k.pt.getPte(mm.root, va);
        if (!Rmap.mapsPage(now, old) || Pte.isWritable(now)) {
            freeUserFrame(pfn);
            return true;
        }
        memory.copyFrame(old, pfn);
        newAnonPage(pfn, vma, va);
        k.pt.setPte(mm.root, va, Pte.make(pfn, vma.pteFlags(true) | Pte.A | Pte.D), Page.SHIFT);
        k.tlbFlush.flushPage(t.pid, va);
        k.lru.lruAdd(mm, pfn);
        k.rmap.removeMapping(mm, old, now);
        k.cowCopies++;
        k.minorFaults++;
        k.pendingCost += cost.minorFault();
        return true;
    }

    /** {@code reuse_swap_page}: this mapping is the page's only user, its slot has no other. */
    private boolean reuseable(long pfn) {
        if (memMap.mapcount(pfn) != 1) {
            return false;
        }
        if (memMap.testFlag(pfn, PageFlags.PG_SWAPCACHE)) {
            return k.swap.count(memMap.privateData(pfn)) == 0;
        }
        return true;
    }

    /** {@code do_swap_page}: the page was swapped out; bring it back (or find it in the swap cache). */
    private boolean doSwapPage(Task t, Vma vma, long va, long pte, boolean write) {
        Mm mm = t.mm;
        long slot = Pte.swapOffset(pte);
        SwapMap sm = k.swap();
        long pfn = sm.cachePfn(slot);
        boolean major = false;
        if (pfn < 0) {
            if (!k.rmap.anonVmaPrepare(vma) || !t.alive) {
                return oom(t);
            }
            long fresh = allocUserPage(t);
            if (fresh < 0) {
                return false;
            }
            if (k.pt.getPte(mm.root, va) != pte) {
                freeUserFrame(fresh);
                return true;
            }
            pfn = sm.cachePfn(slot);
            if (pfn >= 0) {
                freeUserFrame(fresh);
            } else {
                pfn = fresh;
                if (keepsData) {
                    try {
                        k.swapStore.readPage(slot, pfn);
                    } catch (IOException e) {
                        freeUserFrame(pfn);
                        k.procs.kill(t, "SIGBUS at " + Page.hex(va) + ": " + e.getMessage());
                        return false;
                    }
                } else {
                    memory.clearFrame(pfn);
                }
                // in the swap cache and mapped once: two references, the cache's and the mapping's
                memMap.setPage(pfn, PageFlags.PG_ANON | PageFlags.PG_SWAPBACKED | PageFlags.PG_UPTODATE
                    | PageFlags.PG_SWAPCACHE, 2, 1, vma.anonVma.id, Page.vpn(va), slot);
                sm.setCachePfn(slot, pfn);
                if (!vma.isShared()) {
                    vmstat.inc(VmItem.NR_ANON_PAGES);
                }
                k.swapCache.counted(1);
                k.lru.lruAdd(mm, pfn);
                major = true;
            }
        }
        int slotCount = sm.addCount(slot, -1);
        int mapcount = 1; // a page read just now has its one mapping counted already
        if (!major) {
            mapcount = memMap.mapcount(pfn) + 1;
            memMap.setMapcount(pfn, mapcount);
            memMap.setRefcount(pfn, mapcount + 1);
        }
        if (vma.isShared()) {
            // a shmem page: Mapped from its first mapping; back in its object, out of the swap cache
            k.shmem.addRmap(mapcount);
            k.shmem.swapin(vma, va, pfn, slot);
        }
        long flags = vma.pteFlags(sharedWritable(vma, pfn));
        if (vma.isShared() && write && softwareBits) {
            memMap.setFlag(pfn, PageFlags.PG_DIRTY);
            flags = vma.pteFlags(true) | Pte.D;
        }
        if (!vma.isShared() && write && mapcount == 1 && slotCount == 0) {
            k.swapCache.deleteFromSwapCache(pfn);
            flags = vma.pteFlags(true) | Pte.D;
        }
        k.pt.setPte(mm.root, va, Pte.make(pfn, flags | Pte.A), Page.SHIFT);
        mm.rss++;
        if (major) {
            k.swapIns++;
            k.majorFaults++;
            vmstat.inc(VmItem.PSWPIN);
            vmstat.add(VmItem.PGPGIN, SwapCache.KIB_PER_PAGE);
            vmstat.inc(VmItem.PGMAJFAULT);
            k.pendingCost += cost.pageFault();
        } else {
            k.minorFaults++;
            k.pendingCost += cost.minorFault();
        }
        return true;
    }

    boolean oom(Task t) {
        if (t.alive) {
            k.oomKills++;
            vmstat.inc(VmItem.OOM_KILL);
            k.procs.kill(t, "oom-killed");
        }
        return false;
    }

    /**
     * A frame for a user page of {@code t}: first, under a resident limit, one of its own
     * pages is reclaimed to make room; then the page allocator (which may reclaim and OOM-kill).
     * −1 when the process was killed meanwhile.
     */
    long allocUserPage(Task t) {
        Lruvec own = t.mm.lruvec;
        if (own != null) {
            long over = own.policy.size() - settings.residentLimit() + 1;
            if (over > 0) {
                k.reclaim.reclaimFrom(own, over, Gfp.GFP_KERNEL, false);
            }
        }
        for (int attempt = 0; attempt < 3; attempt++) {
            long pfn = k.allocator.allocPages(LinuxMemoryManager.GFP_USER_PAGE, 0);
            if (!t.alive) {
                if (pfn >= 0) {
                    freeUserFrame(pfn);
                }
                return -1;
            }
            if (pfn >= 0) {
                return pfn;
            }
            if (!k.reclaim.outOfMemory(LinuxMemoryManager.GFP_USER_PAGE, 0) || !t.alive) {
                break;
            }
        }
        oom(t);
        return -1;
    }

    /**
     * Frees a user page's frame. Its contents go; its {@code struct page} need not be
     * cleared first, as the page allocator resets it on free ({@code free_pages_prepare}).
     */
    void freeUserFrame(long pfn) {
        memory.clearFrame(pfn);
        k.allocator.freePages(pfn, 0);
    }
}
