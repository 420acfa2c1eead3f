package dev.mmkit.paging.mm;

import dev.mmkit.api.hw.Page;
import dev.mmkit.api.hw.Pte;
import dev.mmkit.api.pagecache.AddressSpace;
import dev.mmkit.api.workload.Mman;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Address-space layout, after {@code mm/mmap.c} and {@code mm/mprotect.c}: {@code mmap}
 * (top-down {@code get_unmapped_area} below the stack's limit and its guard gap, or a fixed
 * or hinted address), {@code munmap}, {@code mprotect} (the present entries rewritten to the
 * new permissions, then one ASID flush) and {@code brk}; VMA allocation from the
 * {@code vm_area_struct} cache, {@code __split_vma} and {@code vma_merge} of equal
 * neighbours; and {@code zap_page_range}, which clears the entries of a range, releasing
 * pages (through the reverse map) and swap slots.
 */
final class VmaOps {
    private final LinuxMemoryManager k;
    private final PagingSettings settings;

    VmaOps(LinuxMemoryManager k) {
        this.k = k;
        this.settings = k.settings;
    }

    Vma newVma(Mm mm, long start, long end, int prot, int flags) {
        long objp = k.cache("vma").alloc(LinuxMemoryManager.GFP_OBJECT);
        if (objp == 0) {
            return null;
        }
        Vma v = new Vma(mm, start, end, prot, flags);
        v.objp = objp;
        return v;
    }

    void freeVma(Vma v) {
        if (v.anonVma != null) {
            k.rmap.unlinkAnonVma(v);
        }
        k.files.unlinkFile(v);
        k.cache("vma").free(v.objp);
        v.objp = 0;
    }

    /** Clears every entry in [start, end) of an address space, releasing pages and swap slots. */
    void zapRange(Mm mm, long start, long end) {
        if (mm.root < 0) {
            return;
        }
        k.tlbFlush.syncBits(mm); // D decides below whether a shared page was written
        long[] orphans = settings.residentLimit() > 0 ? new long[8] : null;
        int[] nOrphans = {0};
        long[][] holder = {orphans};
        k.pt.forEach(mm.root, start, end, (va, pte) -> {
            if (Pte.mapsFrame(pte)) {
                long pfn = Pte.pfn(pte);
                mm.rss--;
                boolean freed = k.rmap.removeMapping(mm, pfn, pte);
                if (!freed && holder[0] != null && k.lru.lruOf[(int) pfn] != 0 && k.lru.lruvecs.get(k.lru.lruOf[(int) pfn]).mm == mm) {
                    if (nOrphans[0] == holder[0].length) {
                        holder[0] = Arrays.copyOf(holder[0], nOrphans[0] * 2);
                    }
                    holder[0][nOrphans[0]++] = pfn;
                }
            } else {
                long slot = Pte.swapOffset(pte);
                k.swap.addCount(slot, -1);
                k.swapCache.releaseSlotIfUnused(slot);
            }
            return 0;
        });
        k.tlbFlush.flushAsidOf(mm);
        for (int i = 0; i < nOrphans[0]; i++) {
            k.lru.rehome(holder[0][i]);
        }
    }

    private long mmapBase() {
        long top = k.pt.userAddressLimit();
        return (top - settings.stackLimit() - LinuxMemoryManager.STACK_GUARD_GAP) & ~Page.OFFSET_MASK;
    }

    private boolean rangeFree(Mm mm, long start, long end) {
        if (start < 0 || end > k.pt.userAddressLimit() || start >= end) {
            return false;
        }
        Map.Entry<Long, Vma> below = mm.vmas.lowerEntry(end);
        return below == null || below.getValue().end <= start;
    }

    /** {@code get_unmapped_area}, top down from below the stack. */
    private long unmappedArea(Mm mm, long len) {
        long hi = mmapBase();
        for (Vma v : mm.vmas.descendingMap().values()) {
            if (v.start >= hi) {
                continue;
            }
            if (v.end <= hi - len) {
                break;
            }
            hi = v.start;
        }
        return hi - len >= LinuxMemoryManager.MMAP_MIN ? hi - len : -1;
    }

    long mmap(int pid, long addr, long length, int prot, int flags, int fd, long offset) {
        Task t = k.task(pid);
        k.enter(t);
        try {
            k.pt();
            // the checks of sys_mmap, ksys_mmap_pgoff and do_mmap, in their order: an offset
            // off a page boundary (EINVAL, anonymous too), the descriptor, a length of 0
            // (EINVAL) or one that no address space holds (ENOMEM: a negative length is a huge
            // size_t), a file range past the largest offset (EOVERFLOW, file_mmap_ok)
            if ((offset & Page.OFFSET_MASK) != 0) {
                return LinuxMemoryManager.EINVAL;
            }
            AddressSpace file = null;
            if ((flags & Mman.MAP_ANONYMOUS) == 0) {
                if (!k.files.hasPageCache()) {
                    return LinuxMemoryManager.ENODEV;
                }
                file = k.files.file(t, fd);
                if (file == null) {
                    return LinuxMemoryManager.EBADF;
                }
            }
            if (length == 0) {
                return LinuxMemoryManager.EINVAL;
            }
            long len = Page.align(length);
            if (length < 0 || len <= 0 || len > k.pt.userAddressLimit()) {
                return LinuxMemoryManager.ENOMEM;
            }
            if (file != null && (offset < 0 || offset > Long.MAX_VALUE - len)) {
                return LinuxMemoryManager.EOVERFLOW;
            }
            int type = flags & (Mman.MAP_SHARED | Mman.MAP_PRIVATE);
            if (type != Mman.MAP_SHARED && type != Mman.MAP_PRIVATE
                || (prot & ~(Mman.PROT_READ | Mman.PROT_WRITE | Mman.PROT_EXEC)) != 0) {
                return LinuxMemoryManager.EINVAL;
            }
            Mm mm = t.mm;
            // do_mmap: shared anonymous memory cannot grow ("if (vm_flags & (VM_GROWSDOWN|VM_GROWSUP))
            // return -EINVAL"), checked after get_unmapped_area and before mmap_region unmaps
            boolean sharedGrowsDown = file == null && type == Mman.MAP_SHARED && (flags & Mman.MAP_GROWSDOWN) != 0;
            long start;
            if ((flags & Mman.MAP_FIXED) != 0) {
                if ((addr & Page.OFFSET_MASK) != 0) {
                    return LinuxMemoryManager.EINVAL;
                }
                if (addr < LinuxMemoryManager.MMAP_MIN) {
                    return LinuxMemoryManager.EPERM; // cap_mmap_addr: below mmap_min_addr
                }
                if (addr + len > k.pt.userAddressLimit() || addr + len < addr) {
                    return LinuxMemoryManager.ENOMEM;
                }
                if (sharedGrowsDown) {
                    return LinuxMemoryManager.EINVAL;
                }
                int r = unmapRange(mm, addr, addr + len);
                if (r != 0) {
                    return r;
                }
                start = addr;
            } else if (addr != 0 && (addr & Page.OFFSET_MASK) == 0 && addr >= LinuxMemoryManager.MMAP_MIN && rangeFree(mm, addr, addr + len)) {
                start = addr;
            } else {
                start = unmappedArea(mm, len);
                if (start < 0) {
                    return LinuxMemoryManager.ENOMEM;
                }
            }
            if (sharedGrowsDown) {
                return LinuxMemoryManager.EINVAL;
            }
            Vma v = newVma(mm, start, start + len, prot, flags & (Mman.MAP_SHARED | Mman.MAP_PRIVATE
                | Mman.MAP_ANONYMOUS | Mman.MAP_GROWSDOWN));
            if (v == null || !t.alive) {
                if (v != null) {
                    freeVma(v);
                }
                return LinuxMemoryManager.ENOMEM;
            }
            if (file != null) {
                v.fileId = file.id();
                v.path = file.path();
                v.offset = offset;
            } else if ((flags & Mman.MAP_SHARED) != 0) {
                // shared anonymous memory is one object from the start (its anon_vma names it)
                if (!k.rmap.anonVmaPrepare(v)) {
                    freeVma(v);
                    return LinuxMemoryManager.ENOMEM;
                }
                k.shmem.zeroSetup(v);
            }
            insertVma(mm, v);
            return start;
        } finally {
            k.leave();
        }
    }

    /** Inserts a VMA into a range known to be free and merges it with equal neighbours ({@code vma_merge}). */
    private void insertVma(Mm mm, Vma v) {
        k.files.linkFile(v);
        mm.vmas.put(v.start, v);
        mm.forgetCache();
        mergeAround(mm, v);
    }

    private void mergeAround(Mm mm, Vma v) {
        Map.Entry<Long, Vma> prev = mm.vmas.lowerEntry(v.start);
        if (prev != null && prev.getValue().canMergeWith(v)) {
            v = merge(mm, prev.getValue(), v);
        }
        Map.Entry<Long, Vma> next = mm.vmas.higherEntry(v.start);
        if (next != null && v.canMergeWith(next.getValue())) {
            merge(mm, v, next.getValue());
        }
    }

    /** Absorbs {@code b} into {@code a} (a directly before b); returns a. */
    private Vma merge(Mm mm, Vma a, Vma b) {
        mm.vmas.remove(b.start);
        a.end = b.end;
        if (a.anonVma == null && b.anonVma != null) {
            k.rmap.linkAnonVma(a, b.anonVma);
        }
        freeVma(b);
        mm.forgetCache();
        return a;
    }

    /** {@code __split_vma}: [start, at) stays, [at, end) is returned as a new VMA. */
    private Vma split(Mm mm, Vma v, long at) {
        Vma tail = newVma(mm, at, v.end, v.prot, v.flags);
        if (tail == null) {
            return null;
        }
        tail.fileId = v.fileId;
        tail.path = v.path;
        tail.offset = v.fileId != 0 ? v.offset + (at - v.start) : 0;
        if (v.anonVma != null) {
            k.rmap.linkAnonVma(tail, v.anonVma);
        }
        k.files.linkFile(tail);
        v.end = at;
        mm.vmas.put(at, tail);
        mm.forgetCache();
        return tail;
    }

    /** Splits VMAs so that {@code start} and {@code end} fall on VMA boundaries; false when out of memory. */
    private boolean splitAt(Mm mm, long start, long end) {
        Vma first = mm.find(start);
        if (first != null && first.start < start && split(mm, first, start) == null) {
            return false;
        }
        Vma last = mm.find(end - 1);
        return last == null || last.end <= end || split(mm, last, end) != null;
    }

    /** {@code do_munmap}. */
    private int unmapRange(Mm mm, long start, long end) {
        if (!splitAt(mm, start, end)) {
            return LinuxMemoryManager.ENOMEM;
        }
        List<Vma> doomed = new ArrayList<>(mm.vmas.subMap(start, true, end, false).values());
        for (Vma v : doomed) {
            zapRange(mm, v.start, v.end);
            mm.vmas.remove(v.start);
            freeVma(v);
        }
        mm.forgetCache();
        return 0;
    }

    int munmap(int pid, long addr, long length) {
        Task t = k.task(pid);
        k.enter(t);
        try {
            // do_munmap: "start > TASK_SIZE || len > TASK_SIZE - start" is EINVAL; a negative
            // long is an address beyond the user address space, not one below 0
            long limit = k.pt().userAddressLimit();
            if ((addr & Page.OFFSET_MASK) != 0 || addr < 0 || addr > limit || length <= 0 || length > limit - addr) {
                return LinuxMemoryManager.EINVAL;
            }
            long len = Page.align(length);
            return unmapRange(t.mm, addr, addr + len);
        } finally {
            k.leave();
        }
    }

    int mprotect(int pid, long addr, long length, int prot) {
        Task t = k.task(pid);
        k.enter(t);
        try {
            // do_mprotect_pkey's order: alignment (EINVAL), length 0 (success), a range that
            // wraps (ENOMEM; a negative length is a huge size_t), then the protection bits
            if ((addr & Page.OFFSET_MASK) != 0) {
                return LinuxMemoryManager.EINVAL;
            }
            if (length == 0) {
                return 0;
            }
            long len = Page.align(length);
            long end = addr + len;
            if (length < 0 || len <= 0 || Long.compareUnsigned(end, addr) <= 0) {
                return LinuxMemoryManager.ENOMEM;
            }
            if ((prot & ~(Mman.PROT_READ | Mman.PROT_WRITE | Mman.PROT_EXEC)) != 0) {
                return LinuxMemoryManager.EINVAL;
            }
            Mm mm = t.mm;
            for (long a = addr; a < end; ) {
                Vma v = mm.find(a);
                if (v == null) {
                    return LinuxMemoryManager.ENOMEM;
                }
                a = v.end;
            }
            if (!splitAt(mm, addr, end)) {
                return LinuxMemoryManager.ENOMEM;
            }
            List<Vma> range = new ArrayList<>(mm.vmas.subMap(addr, true, end, false).values());
            for (Vma v : range) {
                v.prot = prot;
                k.pt.forEach(mm.root, v.start, v.end, (va, pte) -> {
                    if (!Pte.mapsFrame(pte)) {
                        return pte;
                    }
                    long pfn = Pte.pfn(pte);
                    boolean writable = Pte.isWritable(pte) || k.faults.sharedWritable(v, pfn);
                    long changed = Pte.make(pfn, v.pteFlags(writable) | (pte & (Pte.A | Pte.D)));
                    // an entry the policy made invalid stays invalid, with the new permissions
                    return Pte.isProtNone(pte) ? Pte.mkProtNone(changed) : changed;
                });
            }
            k.tlbFlush.flushAsid(t.pid);
            for (Vma v : range) {
                if (mm.vmas.get(v.start) == v) {
                    mergeAround(mm, v);
                }
            }
            return 0;
        } finally {
            k.leave();
        }
    }

    long brk(int pid, long newBrk) {
        Task t = k.task(pid);
        k.enter(t);
        try {
            Mm mm = t.mm;
            // a break below the heap's start or beyond the address space cannot be set (and
            // PAGE_ALIGN of one near Long.MAX_VALUE would wrap)
            if (newBrk < mm.startBrk || newBrk > k.pt().userAddressLimit()) {
                return mm.brk;
            }
            long oldEnd = Page.align(mm.brk);
            long newEnd = Page.align(newBrk);
            if (newEnd < oldEnd) {
                if (unmapRange(mm, newEnd, oldEnd) != 0) {
                    return mm.brk;
                }
            } else if (newEnd > oldEnd) {
                if (!rangeFree(mm, oldEnd, newEnd) || newEnd > mmapBase()) {
                    return mm.brk;
                }
                Vma v = newVma(mm, oldEnd, newEnd, Mman.PROT_READ | Mman.PROT_WRITE, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS);
                if (v == null || !t.alive) {
                    return mm.brk;
                }
                insertVma(mm, v);
            }
            mm.brk = newBrk;
            return newBrk;
        } finally {
            k.leave();
        }
    }
}
