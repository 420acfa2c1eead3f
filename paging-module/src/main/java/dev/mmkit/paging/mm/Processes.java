package dev.mmkit.paging.mm;

import dev.mmkit.api.hw.Page;
import dev.mmkit.api.hw.Pte;
import dev.mmkit.api.machine.MemMap;
import dev.mmkit.api.machine.PageFlags;
import dev.mmkit.api.pagecache.AddressSpace;
import dev.mmkit.api.workload.Mman;
import java.util.ArrayList;
import java.util.Arrays;

/**
 * Address-space lifetimes, after {@code kernel/fork.c}, {@code kernel/exit.c} and
 * {@code fs/exec.c}: {@code mm_alloc} (the mm_struct object, a page-table root and, under
 * a resident limit, the process's own replacement set), the initial stack VMA, {@code
 * dup_mm} + {@code copy_page_range} (private writable pages become read-only in both,
 * shared copy on write; swap entries gain a reference), exec, exit, and the kill of a
 * process (SIGSEGV, SIGBUS, OOM): its pages go at once, its tables, VMAs and mm_struct now
 * or, when it is inside a kernel call, when that call returns ({@code exit_mmap},
 * {@code mmdrop}). Pages that a dying address space's own replacement set still holds move
 * to the set of another process that maps them.
 */
final class Processes {
    private final LinuxMemoryManager k;
    private final PagingSettings settings;
    private final MemMap memMap;

    Processes(LinuxMemoryManager k) {
        this.k = k;
        this.settings = k.settings;
        this.memMap = k.memMap;
    }

    int spawn(String name, boolean admitAll) {
        k.pt();
        Task t = k.addTask(name);
        k.enter(t);
        try {
            Mm mm = newMm(t, admitAll);
            if (mm == null) {
                // as a fork whose copy_mm fails: -ENOMEM, and no process was created (the pid
                // is not used, nothing was killed)
                k.removeLastTask(t);
                return LinuxMemoryManager.ENOMEM;
            }
            t.mm = mm;
            return t.pid;
        } finally {
            k.leave();
        }
    }

    /**
     * {@code mm_alloc}: an empty address space owned by {@code t}: its mm_struct object, a
     * page-table root and, with a resident limit, its own replacement policy. Null when
     * memory for either is lacking; nothing is left allocated then.
     */
    private Mm mmAlloc(Task t) {
        long objp = k.cache("mm").alloc(LinuxMemoryManager.GFP_OBJECT);
        if (objp == 0) {
            return null;
        }
        Mm mm = new Mm(k.nextMmId++);
        mm.objp = objp;
        mm.owner = t;
        mm.root = k.pt.createRoot(t.pid);
        if (mm.root < 0) {
            k.cache("mm").free(objp);
            return null;
        }
        if (settings.residentLimit() > 0) {
            mm.lruvec = k.lru.newLruvec(mm);
        }
        return mm;
    }

    /** A fresh address space: mm_struct, page-table root, and a stack (or the admit-all VMA). */
    private Mm newMm(Task t, boolean admitAll) {
        Mm mm = mmAlloc(t);
        if (mm == null) {
            return null;
        }
        mm.startBrk = LinuxMemoryManager.HEAP_BASE;
        mm.brk = LinuxMemoryManager.HEAP_BASE;
        long top = k.pt.userAddressLimit();
        if (admitAll) {
            Vma v = k.vmaOps.newVma(mm, 0, top, Mman.PROT_READ | Mman.PROT_WRITE | Mman.PROT_EXEC,
                Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS | Vma.ADMIT_ALL);
            if (v == null) {
                destroyMm(mm);
                return null;
            }
            mm.vmas.put(v.start, v);
        } else {
            Vma stack = k.vmaOps.newVma(mm, top - settings.stackInitial(), top, Mman.PROT_READ | Mman.PROT_WRITE,
                Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS | Mman.MAP_GROWSDOWN);
            if (stack == null) {
                destroyMm(mm);
                return null;
            }
            mm.vmas.put(stack.start, stack);
            mm.startStack = top - 8;
        }
        return mm;
    }

    /** Kills a process: its pages go now; its structures now, or when its kernel call returns. */
    void kill(Task t, String reason) {
        if (!t.alive) {
            return;
        }
        t.alive = false;
        t.exitReason = reason;
        for (int cpu = 0; cpu < k.lastPid.length; cpu++) {
            if (k.lastPid[cpu] == t.pid) {
                k.lastPid[cpu] = 0;
            }
        }
        if (t.mm == null) {
            return;
        }
        if (t == k.current || t == k.forkChild) {
            zapAll(t.mm);
            t.teardownPending = t == k.current;
        } else {
            releaseMm(t);
        }
    }

    void releaseMm(Task t) {
        Mm mm = t.mm;
        if (mm == null) {
            return;
        }
        destroyMm(mm);
        t.mm = null;
        k.tlbFlush.flushAsid(t.pid);
        t.files.clear();
    }

    /** Unmaps every page of an address space (exit_mmap's first half). */
    private void zapAll(Mm mm) {
        for (Vma v : new ArrayList<>(mm.vmas.values())) {
            k.vmaOps.zapRange(mm, v.start, v.end);
        }
    }

    /** {@code exit_mmap} + {@code mmdrop}: pages, tables, VMAs and the mm_struct. */
    private void destroyMm(Mm mm) {
        zapAll(mm);
        for (Vma v : mm.vmas.values()) {
            k.vmaOps.freeVma(v);
        }
        mm.vmas.clear();
        mm.forgetCache();
        if (mm.root >= 0) {
            k.pt.destroyRoot(mm.root);
            mm.root = -1;
        }
        if (mm.lruvec != null) {
            // pages this address space brought in but no longer maps (shared by fork, then
            // copied on write here) move to the set of an address space that still maps them;
            // page-cache pages nobody maps stay cached, in the machine-wide set
            Lruvec lv = mm.lruvec;
            for (long pfn = k.lru.evict(lv); pfn >= 0; pfn = k.lru.evict(lv)) {
                Mm[] mapper = {null};
                k.rmap.rmapWalk(pfn, (vma, va, pte) -> {
                    if (mapper[0] == null && vma.mm != mm && vma.mm.lruvec != null) {
                        mapper[0] = vma.mm;
                    }
                });
                if (mapper[0] == null && !memMap.testFlag(pfn, PageFlags.PG_ANON) && k.files.inPageCache(pfn)) {
                    k.lru.lruAdd(null, pfn);
                    continue;
                }
                if (mapper[0] == null) {
                    throw new IllegalStateException("mm " + mm.id + ": page " + Page.hex(pfn)
                        + " left in its replacement set, mapped by no other address space");
                }
                k.lru.lruAdd(mapper[0], pfn);
            }
            k.lru.lruvecs.set(lv.id, null);
            mm.lruvec = null;
        }
        k.cache("mm").free(mm.objp);
        mm.objp = 0;
    }

    int fork(int pid) {
        Task parent = k.task(pid);
        k.enter(parent);
        try {
            Task child = k.addTask(parent.name);
            k.forkChild = child;
            Mm mm = copyMm(parent, child);
            k.forkChild = null;
            if (mm == null) {
                // copy_process fails before alloc_pid: no process, no pid used
                k.removeLastTask(child);
                return LinuxMemoryManager.ENOMEM;
            }
            // copy_files: the child gets a copy of the descriptor table, each open to the same file
            child.files.addAll(parent.files);
            return child.pid;
        } finally {
            k.forkChild = null;
            k.leave();
        }
    }

    /** {@code dup_mm}: VMAs copied, anonymous pages shared copy-on-write. */
    private Mm copyMm(Task parent, Task child) {
        Mm from = parent.mm;
        Mm mm = mmAlloc(child);
        if (mm == null) {
            return null;
        }
        if (!parent.alive) {
            destroyMm(mm);
            return null;
        }
        child.mm = mm;
        k.tlbFlush.syncBits(from); // the parent's PTEs are copied with their D
        mm.startBrk = from.startBrk;
        mm.brk = from.brk;
        mm.startStack = from.startStack;
        for (Vma v : new ArrayList<>(from.vmas.values())) {
            if (!parent.alive || !child.alive) {
                break;
            }
            Vma c = k.vmaOps.newVma(mm, v.start, v.end, v.prot, v.flags);
            if (c == null) {
                child.alive = false;
                break;
            }
            c.offset = v.offset;
            c.fileId = v.fileId;
            c.path = v.path;
            mm.vmas.put(c.start, c);
            k.files.linkFile(c);
            // a shared anonymous mapping stays one object across fork (shmem): parent and child
            // must be in one anon_vma family even for pages neither has touched yet
            if (v.anonVma == null && v.isShared() && v.isAnonymous()) {
                if (!k.rmap.anonVmaPrepare(v)) {
                    child.alive = false;
                    break;
                }
                k.shmem.zeroSetup(v);
            }
            if (v.anonVma != null) {
                k.rmap.linkAnonVma(c, v.anonVma);
            }
            if (!copyPtes(parent, child, v)) {
                child.alive = false;
                break;
            }
        }
        // dup_mmap flushes the parent's TLB whether or not the copy succeeded: the PTEs it
        // copied before failing were write-protected all the same
        if (parent.alive) {
            k.tlbFlush.flushAsid(parent.pid);
        }
        if (!parent.alive || !child.alive) {
            child.mm = null;
            destroyMm(mm);
            return null;
        }
        return mm;
    }

    /** {@code copy_page_range} for one VMA. */
    private boolean copyPtes(Task parent, Task child, Vma v) {
        long[][] found = {new long[16]};
        int[] n = {0};
        k.pt.forEach(parent.mm.root, v.start, v.end, (va, pte) -> {
            if (n[0] == found[0].length) {
                found[0] = Arrays.copyOf(found[0], n[0] * 2);
            }
            found[0][n[0]++] = va;
            return pte;
        });
        Mm mm = child.mm;
        for (int i = 0; i < n[0]; i++) {
            long va = found[0][i];
            if (!k.pt.populate(mm.root, va, Page.SHIFT) || !parent.alive || !child.alive) {
                return false;
            }
            long pte = k.pt.getPte(parent.mm.root, va);
            if (pte == 0) {
                // reclaim unmapped it while the child's table was allocated: release that table
                k.pt.setPte(mm.root, va, 0, Page.SHIFT);
                continue;
            }
            long childPte;
            if (Pte.mapsFrame(pte)) {
                long pfn = Pte.pfn(pte);
                if (!v.isShared() && Pte.isWritable(pte)) {
                    pte &= ~Pte.RW;
                    k.pt.setPte(parent.mm.root, va, pte, Page.SHIFT);
                }
                childPte = pte & ~(Pte.A | Pte.D);
                boolean anon = memMap.testFlag(pfn, PageFlags.PG_ANON);
                int mapcount = memMap.mapcount(pfn) + 1;
                memMap.setMapcount(pfn, mapcount);
                if (anon) {
                    memMap.setRefcount(pfn, mapcount + (memMap.testFlag(pfn, PageFlags.PG_SWAPCACHE) ? 1 : 0));
                } else {
                    memMap.getPage(pfn); // a page-cache page: the cache holds its own reference
                }
                if (Pte.isDirty(pte)) {
                    if (anon) {
                        memMap.setFlag(pfn, PageFlags.PG_DIRTY);
                    } else {
                        AddressSpace as = k.machine.pageCache().byId(memMap.mapping(pfn));
                        if (as != null) {
                            as.setPageDirty(memMap.index(pfn));
                        }
                    }
                    k.pt.setPte(parent.mm.root, va, pte & ~Pte.D, Page.SHIFT);
                }
                mm.rss++;
            } else {
                k.swap.addCount(Pte.swapOffset(pte), 1);
                childPte = pte;
            }
            k.pt.setPte(mm.root, va, childPte, Page.SHIFT);
        }
        return true;
    }

    /**
     * {@code execve}: the new address space is built first, while the old one still stands
     * ({@code bprm_mm_init}, before the point of no return); when memory for it is lacking
     * the call returns -ENOMEM and the process keeps its old image and name. Only then is the
     * old one torn down ({@code exec_mmap}). An OOM kill of the caller meanwhile fails the
     * call too; the process is reported oom-killed.
     */
    int exec(int pid, String name) {
        Task t = k.task(pid);
        k.enter(t);
        try {
            Mm mm = newMm(t, false);
            if (mm == null || !t.alive) {
                if (mm != null) {
                    destroyMm(mm);
                }
                return LinuxMemoryManager.ENOMEM;
            }
            Mm old = t.mm;
            k.tlbFlush.syncBits(old); // while the TLB's entries still name this address space
            t.mm = mm;
            destroyMm(old);
            k.tlbFlush.flushAsid(t.pid);
            t.name = name;
            return 0;
        } finally {
            k.leave();
        }
    }

    void exit(int pid) {
        Task t = k.task(pid);
        kill(t, "exited");
        k.leave();
    }
}
