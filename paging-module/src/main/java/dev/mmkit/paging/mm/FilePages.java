package dev.mmkit.paging.mm;

import dev.mmkit.api.hw.Page;
import dev.mmkit.api.hw.PhysicalMemory;
import dev.mmkit.api.hw.Pte;
import dev.mmkit.api.machine.CostModel;
import dev.mmkit.api.machine.Machine;
import dev.mmkit.api.machine.MemMap;
import dev.mmkit.api.machine.Settings;
import dev.mmkit.api.machine.VmItem;
import dev.mmkit.api.machine.VmStat;
import dev.mmkit.api.page.Gfp;
import dev.mmkit.api.pagecache.AddressSpace;
import dev.mmkit.api.pagecache.NoMemoryException;
import dev.mmkit.api.pagecache.PageCache;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * File-backed pages and the file system calls, after {@code mm/filemap.c}: the page-cache
 * pages file VMAs map, and {@code open}/{@code close}/{@code pread}/{@code pwrite}/{@code
 * ftruncate}/{@code fsync} on a process's descriptors (all {@code -ENODEV} without a page
 * cache).
 * <ul>
 *   <li>Fault ({@code do_read_fault}, {@code do_shared_fault}, {@code do_cow_fault}): the
 *       page comes from the page cache (read from the file when absent: a major fault); a
 *       shared mapping marks it dirty on a write and maps it writable only while it is
 *       dirty (write-notify); a private one maps it read-only and a write copies it into an
 *       anonymous page at once. Beyond the end of the file is SIGBUS.</li>
 *   <li>The file LRU: page-cache pages are evictable mapped or not. A page enters the
 *       replacement set once ({@code PG_lru}), when the page cache adds it
 *       ({@code Vmscan.lruAdd}) or when it is first mapped, whichever comes first, and
 *       leaves when reclaim evicts it or the page cache drops it ({@code Vmscan.lruDel}).</li>
 *   <li>Reverse map ({@code page_add_file_rmap}, {@code page_remove_rmap},
 *       {@code rmap_walk_file}): the file's {@code i_mmap}, the VMAs that map it, each
 *       covering a range of page indexes; a D bit of a removed PTE moves to the page cache.</li>
 *   <li>Eviction: every PTE (if any) is cleared and the page cache drops the page
 *       ({@code PageCache.reclaimPage}), writing it first when dirty and the caller may
 *       enter the filesystem ({@code __GFP_FS}).</li>
 *   <li>Truncate ({@code unmap_mapping_range}): the PTEs beyond the new end go first.</li>
 *   <li>Dirty pages (write-notify, {@code vma_wants_writenotify}): a shared writable
 *       mapping maps a page-cache page writable only while the page is dirty in the page
 *       cache. The first store to a clean page takes a write-protect fault ({@code
 *       wp_page_shared} in {@link Faults}) that marks it dirty (NR_DIRTY, the dirty tag, the
 *       inode's dirtied time) and makes the PTE writable. Before the page cache writes a
 *       mapped page it calls {@code Vmscan.pageMkclean} ({@link Rmap#pageMkclean}), which
 *       write-protects and cleans every shared PTE, so the next store faults again. So the
 *       page cache always knows which pages are dirty, and the flusher writes them.</li>
 * </ul>
 */
final class FilePages {
    private final LinuxMemoryManager k;
    private final PhysicalMemory memory;
    private final Machine machine;
    private final MemMap memMap;
    private final VmStat vmstat;
    private final CostModel cost;

    /** {@code address_space->i_mmap}: the VMAs mapping each file, by page-cache id. */
    private final Map<Integer, List<Vma>> fileVmas = new HashMap<>();
    private Boolean hasPageCache;

    FilePages(LinuxMemoryManager k) {
        this.k = k;
        this.memory = k.memory;
        this.machine = k.machine;
        this.memMap = k.memMap;
        this.vmstat = k.vmstat;
        this.cost = k.cost;
    }

    boolean hasPageCache() {
        if (hasPageCache == null) {
            Settings s = machine.settings();
            hasPageCache = s.has("page-cache.impl") && !s.getString("page-cache.impl").equals("none");
        }
        return hasPageCache;
    }

    /** Removes a file VMA from its file's {@code i_mmap}. */
    void unlinkFile(Vma v) {
        if (v.fileId != 0) {
            List<Vma> list = fileVmas.get(v.fileId);
            if (list != null) {
                list.remove(v);
                if (list.isEmpty()) {
                    fileVmas.remove(v.fileId);
                }
            }
        }
    }

    /** Adds a file VMA to its file's {@code i_mmap}. */
    void linkFile(Vma v) {
        if (v.fileId != 0) {
            fileVmas.computeIfAbsent(v.fileId, id -> new ArrayList<>(2)).add(v);
        }
    }

    /** The file page index a VMA maps at {@code va} ({@code linear_page_index}). */
    static long fileIndex(Vma vma, long va) {
        return (vma.offset >>> Page.SHIFT) + ((va - vma.start) >>> Page.SHIFT);
    }

    /**
     * {@code do_read_fault} / {@code do_shared_fault} / {@code do_cow_fault}: the page comes
     * from the page cache (read from the file if absent: a major fault). A shared mapping maps
     * the cached page itself; a private one maps it read-only, and a write to it gets a
     * private anonymous copy at once. Beyond the end of the file is SIGBUS.
     */
    boolean doFilePage(Task t, Vma vma, long va, boolean write) {
        Mm mm = t.mm;
        AddressSpace as = machine.pageCache().byId(vma.fileId);
        long index = fileIndex(vma, va);
        if (as == null || index >= Page.pages(as.size())) {
            return k.faults.sigbus(t, va);
        }
        boolean cow = write && !vma.isShared();
        if ((cow && !k.rmap.anonVmaPrepare(vma)) || !t.alive) {
            return k.faults.oom(t);
        }
        if (!k.pt.populate(mm.root, va, Page.SHIFT) || !t.alive) {
            return k.faults.oom(t);
        }
        boolean cached = as.findPage(index) >= 0;
        long pfn;
        try {
            pfn = as.readPage(index);
        } catch (IOException e) {
            return k.faults.sigbus(t, va);
        }
        if (!t.alive) {
            return false;
        }
        if (pfn < 0) {
            return k.faults.oom(t);
        }
        if (k.pt.getPte(mm.root, va) != 0 || mm.vmas.get(vma.start) != vma) {
            k.faults.releaseTables(mm, va);
            return true;
        }
        if (cow) {
            k.pinnedPfn = pfn;
            long copy;
            try {
                copy = k.faults.allocUserPage(t);
            } finally {
                k.pinnedPfn = -1;
            }
            if (copy < 0) {
                return false;
            }
            if (k.pt.getPte(mm.root, va) != 0 || as.findPage(index) != pfn || vma.anonVma == null) {
                k.faults.freeUserFrame(copy);
                k.faults.releaseTables(mm, va);
                return true;
            }
            memory.copyFrame(pfn, copy);
            k.faults.newAnonPage(copy, vma, va);
            k.pt.setPte(mm.root, va, Pte.make(copy, vma.pteFlags(true) | Pte.A | Pte.D), Page.SHIFT);
            mm.rss++;
            k.lru.lruAdd(mm, copy);
            k.cowCopies++;
        } else {
            addFileMapping(mm, pfn);
            if (write) {
                dirtyFromFault(as, index, pfn);
            }
            // write-notify: a shared mapping maps the page writable only while it is dirty
            boolean writable = k.faults.sharedWritable(vma, pfn);
            k.pt.setPte(mm.root, va, Pte.make(pfn, vma.pteFlags(writable) | (write ? Pte.D : 0)), Page.SHIFT);
            mm.rss++;
        }
        if (cached) {
            k.minorFaults++;
            k.pendingCost += cost.minorFault();
        } else {
            k.majorFaults++;
            vmstat.inc(VmItem.PGMAJFAULT);
            k.pendingCost += cost.pageFault();
        }
        return true;
    }

    /**
     * {@code fault_dirty_shared_page}: a store through a shared mapping dirties a page-cache
     * page; when it was clean, the writer is counted for {@code balance_dirty_pages}, which
     * runs when the fault's call returns ({@link LinuxMemoryManager#leave}), as Linux calls
     * {@code balance_dirty_pages_ratelimited} after the fault, holding nothing.
     */
    void dirtyFromFault(AddressSpace as, long index, long pfn) {
        boolean wasDirty = memMap.testFlag(pfn, dev.mmkit.api.machine.PageFlags.PG_DIRTY);
        as.setPageDirty(index);
        if (!wasDirty && memMap.testFlag(pfn, dev.mmkit.api.machine.PageFlags.PG_DIRTY)) {
            k.pendingDirtied++;
        }
    }

    private Boolean hasFlusher;

    /** Whether a writeback daemon runs ({@code reclaim.writeback.impl} other than none). */
    boolean hasFlusher() {
        if (hasFlusher == null) {
            Settings s = machine.settings();
            hasFlusher = hasPageCache() && s.has("reclaim.writeback.impl") && !s.getString("reclaim.writeback.impl").equals("none");
        }
        return hasFlusher;
    }

    /**
     * {@code page_add_file_rmap}: one more PTE maps a page-cache page. A page the page cache
     * has not put on the LRU yet enters the replacement set of the process mapping it.
     */
    private void addFileMapping(Mm mm, long pfn) {
        int mapcount = memMap.mapcount(pfn) + 1;
        memMap.setMapcount(pfn, mapcount);
        memMap.getPage(pfn);
        if (mapcount == 1) {
            vmstat.inc(VmItem.NR_MAPPED);
            if (k.lru.lruOf[(int) pfn] == 0) {
                k.lru.lruAdd(mm, pfn);
            }
        }
    }

    /**
     * {@code page_remove_rmap} for a page-cache page: a D bit moves to the page cache's dirty
     * mark. The cache keeps the page, and it stays on the LRU (file pages are evictable
     * mapped or not) until reclaim evicts it or the cache drops it ({@code Vmscan.lruDel}).
     */
    void removeFileMapping(long pfn, long pte) {
        if (Pte.isDirty(pte)) {
            AddressSpace as = machine.pageCache().byId(memMap.mapping(pfn));
            if (as != null) {
                as.setPageDirty(memMap.index(pfn));
            }
        }
        int mapcount = memMap.mapcount(pfn) - 1;
        if (mapcount < 0) {
            throw new IllegalStateException("page " + Page.hex(pfn) + ": mapcount below zero");
        }
        memMap.setMapcount(pfn, mapcount);
        memMap.putPage(pfn);
        if (mapcount == 0) {
            vmstat.add(VmItem.NR_MAPPED, -1);
        }
    }

    /** {@code rmap_walk_file}: the VMAs of the file's {@code i_mmap} that cover the page's index. */
    void rmapWalkFile(long pfn, int fileId, Rmap.RmapVisitor visitor) {
        List<Vma> vmas = fileVmas.get(fileId);
        if (vmas == null) {
            return;
        }
        long index = memMap.index(pfn);
        for (int i = 0; i < vmas.size(); i++) {
            Vma vma = vmas.get(i);
            long first = vma.offset >>> Page.SHIFT;
            if (index < first || index >= first + ((vma.end - vma.start) >>> Page.SHIFT) || vma.mm.root < 0) {
                continue;
            }
            long va = vma.start + ((index - first) << Page.SHIFT);
            k.tlbFlush.syncBits(vma.mm, va);
            long pte = k.pt.getPte(vma.mm.root, va);
            if (Rmap.mapsPage(pte, pfn)) {
                visitor.visit(vma, va, pte);
            }
        }
    }

    /**
     * A page-cache page, mapped or not: a dirty one stays unless the caller may call into the
     * filesystem; otherwise every PTE is cleared (D moved to the page cache's dirty mark),
     * and the page cache drops the page ({@code PageCache.reclaimPage}), writing it first if
     * dirty.
     */
    boolean evictFilePage(long pfn, int gfp) {
        AddressSpace as = hasPageCache() ? machine.pageCache().byId(memMap.mapping(pfn)) : null;
        if (as == null || (k.rmap.isDirty(pfn) && !Gfp.mayFs(gfp))) {
            return false;
        }
        k.rmap.rmapWalk(pfn, (vma, va, pte) -> {
            k.pt.setPte(vma.mm.root, va, 0, Page.SHIFT);
            vma.mm.rss--;
            Task owner = TlbFlush.ownerOf(vma.mm);
            if (owner != null) {
                k.tlbFlush.flushPage(owner.pid, va);
            }
            removeFileMapping(pfn, pte);
        });
        if (memMap.mapcount(pfn) != 0) {
            throw new IllegalStateException("page " + Page.hex(pfn) + ": still mapped " + memMap.mapcount(pfn)
                + " times after the reverse map unmapped it");
        }
        return machine.pageCache().reclaimPage(pfn, Gfp.mayFs(gfp));
    }

    /** Whether frame {@code pfn} still holds a page of the page cache (it was not dropped meanwhile). */
    boolean inPageCache(long pfn) {
        AddressSpace as = hasPageCache() ? machine.pageCache().byId(memMap.mapping(pfn)) : null;
        return as != null && as.findPage(memMap.index(pfn)) == pfn;
    }

    AddressSpace file(Task t, int fd) {
        return fd >= 0 && fd < t.files.size() ? t.files.get(fd) : null;
    }

    int open(int pid, String path, boolean create) {
        Task t = k.task(pid);
        if (!hasPageCache()) {
            return LinuxMemoryManager.ENODEV;
        }
        PageCache cache = machine.pageCache();
        try {
            AddressSpace as = cache.open(path, create);
            int fd = t.files.indexOf(null);
            if (fd < 0) {
                fd = t.files.size();
                t.files.add(as);
            } else {
                t.files.set(fd, as);
            }
            return fd;
        } catch (java.nio.file.NoSuchFileException e) {
            return LinuxMemoryManager.ENOENT;
        } catch (java.nio.file.NotDirectoryException e) {
            return LinuxMemoryManager.ENOTDIR;
        } catch (java.nio.file.FileSystemException e) {
            // a directory: the reason the JDK gives for Linux's EISDIR (java.nio has no subclass for it)
            return "Is a directory".equals(e.getReason()) ? LinuxMemoryManager.EISDIR : LinuxMemoryManager.EIO;
        } catch (IOException e) {
            return LinuxMemoryManager.EIO;
        }
    }

    int close(int pid, int fd) {
        Task t = k.task(pid);
        if (!hasPageCache()) {
            return LinuxMemoryManager.ENODEV;
        }
        if (file(t, fd) == null) {
            return LinuxMemoryManager.EBADF;
        }
        t.files.set(fd, null);
        return 0;
    }

    int pread(int pid, int fd, byte[] buffer, int length, long pos) {
        return onFile(pid, fd, as -> {
            int error = checkRange(pos, length, buffer);
            return error != 0 ? error : as.read(pos, buffer, 0, length);
        });
    }

    int pwrite(int pid, int fd, byte[] buffer, int length, long pos) {
        return onFile(pid, fd, as -> {
            int error = checkRange(pos, length, buffer);
            return error != 0 ? error : as.write(pos, buffer, 0, length);
        });
    }

    /**
     * The checks of {@code ksys_pread64} and {@code vfs_read} / {@code vfs_write}, in their
     * order: a negative position is EINVAL; a length the buffer cannot hold is EFAULT (the
     * buffer is the process's memory, and the bytes past its end are not: {@code access_ok}
     * refuses a negative length, which is a huge {@code size_t}, and {@code copy_to_user}
     * faults past the end); an end beyond {@code loff_t} is EINVAL ({@code rw_verify_area}).
     * 0 when the range is good.
     */
    private static int checkRange(long pos, int length, byte[] buffer) {
        if (pos < 0) {
            return LinuxMemoryManager.EINVAL;
        }
        if (length < 0 || length > buffer.length) {
            return LinuxMemoryManager.EFAULT;
        }
        return pos > Long.MAX_VALUE - length ? LinuxMemoryManager.EINVAL : 0;
    }

    int ftruncate(int pid, int fd, long length) {
        return onFile(pid, fd, as -> {
            if (length < 0) {
                return LinuxMemoryManager.EINVAL;
            }
            unmapMappingRange(as.id(), Page.pages(length));
            as.truncate(length);
            return 0;
        });
    }

    /** The body of a system call on an open file. */
    @FunctionalInterface
    private interface FileCall {
        int apply(AddressSpace file) throws IOException;
    }

    /**
     * Runs a system call on descriptor {@code fd} of process {@code pid}: ENODEV without a
     * page cache, EBADF for a descriptor that is not open, ENOMEM when the page cache found no
     * frame, EIO when the file's I/O fails.
     * The call runs as a kernel call of the process: pages it brings into the page cache
     * are charged to it, and its cost is charged to the clock when it returns.
     */
    private int onFile(int pid, int fd, FileCall call) {
        Task t = k.task(pid);
        if (!hasPageCache()) {
            return LinuxMemoryManager.ENODEV;
        }
        AddressSpace as = file(t, fd);
        if (as == null) {
            return LinuxMemoryManager.EBADF;
        }
        k.enter(t);
        try {
            return call.apply(as);
        } catch (NoMemoryException e) {
            return LinuxMemoryManager.ENOMEM;
        } catch (IOException e) {
            return LinuxMemoryManager.EIO;
        } finally {
            k.leave();
        }
    }

    /**
     * {@code unmap_mapping_range}: clears every PTE (private copies included) that maps the
     * file at page {@code fromIndex} or beyond, before a truncate drops those pages.
     */
    private void unmapMappingRange(int fileId, long fromIndex) {
        List<Vma> vmas = fileVmas.get(fileId);
        if (vmas == null) {
            return;
        }
        for (Vma vma : new ArrayList<>(vmas)) {
            long first = vma.offset >>> Page.SHIFT;
            long start = fromIndex <= first ? vma.start : vma.start + ((fromIndex - first) << Page.SHIFT);
            if (start < vma.end) {
                k.vmaOps.zapRange(vma.mm, start, vma.end);
            }
        }
    }

    int fsync(int pid, int fd) {
        return onFile(pid, fd, as -> {
            as.fsync();
            return 0;
        });
    }

    /**
     * Clean shutdown of the files: the page cache writes every dirty page (write-protecting
     * its shared mappings first) and closes every file.
     */
    void shutdown() throws IOException {
        machine.pageCache().shutdown();
    }
}
