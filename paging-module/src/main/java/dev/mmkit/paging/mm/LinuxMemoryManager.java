package dev.mmkit.paging.mm;

import dev.mmkit.api.backing.BackingStore;
import dev.mmkit.api.hw.Page;
import dev.mmkit.api.hw.PhysicalMemory;
import dev.mmkit.api.hw.Pte;
import dev.mmkit.api.machine.Clock;
import dev.mmkit.api.machine.ConfigurationException;
import dev.mmkit.api.machine.CostModel;
import dev.mmkit.api.machine.Machine;
import dev.mmkit.api.machine.MemMap;
import dev.mmkit.api.machine.PageFlags;
import dev.mmkit.api.machine.Settings;
import dev.mmkit.api.machine.VmItem;
import dev.mmkit.api.machine.VmStat;
import dev.mmkit.api.mm.MemoryManager;
import dev.mmkit.api.mm.ProcessInfo;
import dev.mmkit.api.mm.SwapArea;
import dev.mmkit.api.mm.VmArea;
import dev.mmkit.api.page.Gfp;
import dev.mmkit.api.page.PageAllocator;
import dev.mmkit.api.pagetable.PageTable;
import dev.mmkit.api.reclaim.Vmscan;
import dev.mmkit.api.replacement.PageReferences;
import dev.mmkit.api.slab.KmemCache;
import dev.mmkit.api.tlb.SoftwareTlb;
import dev.mmkit.api.tlb.Tlb;
import dev.mmkit.api.tlb.TlbListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The memory-manager core, after Linux 2.6: address spaces of VMAs, the MMU path of every
 * reference, demand paging with copy on write and swap, the object-based reverse map, and
 * the reclaim primitives ({@link Vmscan}) that kswapd and direct reclaim drive.
 *
 * <p>This class is the facade: it implements the SPI ({@link MemoryManager}, {@link Vmscan},
 * {@link PageReferences}, {@link TlbListener}), holds the state every part shares (the
 * tasks, the lazily bound collaborators, the cost of the current call, the counters) and
 * re-derives the invariants in {@link #verify}. The work is done by package-private parts,
 * one concern each, that all reach this shared state through one final reference:
 * <dl>
 *   <dt>{@link Mmu}</dt><dd>the hot path: access/load/store, TLB, walk, fault dispatch, software TLB refill</dd>
 *   <dt>{@link Faults}</dt><dd>{@code mm/memory.c}: anonymous, write-protect and swap faults, stack growth, the user page allocation</dd>
 *   <dt>{@link FilePages}</dt><dd>{@code mm/filemap.c}: file faults, file rmap, file eviction, the file system calls</dd>
 *   <dt>{@link Rmap}</dt><dd>{@code mm/rmap.c}: anon_vma, the reverse-map walk, page_remove_rmap, referenced/dirty bits</dd>
 *   <dt>{@link Reclaim}</dt><dd>{@code mm/vmscan.c} + {@code mm/oom_kill.c}: shrink_node, pageout, slab shrinking, the OOM killer</dd>
 *   <dt>{@link Lru}</dt><dd>the replacement sets ({@code lruvec}s) and their policy instances</dd>
 *   <dt>{@link SwapCache}</dt><dd>{@code mm/swap_state.c}: the swap cache and swap writes</dd>
 *   <dt>{@link Shmem}</dt><dd>{@code mm/shmem.c}: shared anonymous memory as a shmem object, its page and commit accounting</dd>
 *   <dt>{@link VmaOps}</dt><dd>{@code mm/mmap.c}: mmap, munmap, mprotect, brk, VMA merge and split, zap</dd>
 *   <dt>{@link Processes}</dt><dd>{@code kernel/fork.c}, {@code kernel/exit.c}, {@code fs/exec.c}: address-space lifetimes</dd>
 *   <dt>{@link TlbFlush}</dt><dd>{@code arch/x86/mm/tlb.c}: TLB shootdowns</dd>
 * </dl>
 *
 * <h2>The MMU path ({@link Mmu})</h2>
 * <ol>
 *   <li>A reference from another pid than the CPU's last switches the CPU's TLB to the
 *       pid's ASID (what the TLB does with pids beyond its ASID width is its business).</li>
 *   <li>TLB lookup. A hit that the entry's permissions allow is done, unless it is a write
 *       and the entry's D is clear: then the walk below runs again to set D in memory.</li>
 *   <li>Walk ({@link PageTable#walk}, one reused {@code Walk}); a present, permitted leaf
 *       fills the TLB.</li>
 *   <li>Otherwise a page fault ({@code handle_mm_fault}): the VMA is looked up (a stack
 *       grows down into the address when within its limit); none, or one whose permissions
 *       refuse the access, is SIGSEGV: the process is killed. Then by the entry:
 *       none → zero-filled page ({@code do_anonymous_page}); swap entry → swap-in
 *       ({@code do_swap_page}, a major fault unless the swap cache still holds the page);
 *       present but read-only on a write to a writable VMA → copy on write
 *       ({@code do_wp_page}, reusing the page when this mapping is its only user). The
 *       reference is retried, as the CPU retries the instruction.</li>
 * </ol>
 * Costs (TLB lookup, memory per data access and per entry the walk reads, minor and major
 * faults) are added up during a call ({@link #pendingCost}) and charged to the clock when it
 * returns, so that timers (kswapd) never run in the middle of a translation.
 *
 * <h2>Page states (anonymous memory)</h2>
 * A resident anonymous page has {@code mapcount} PTEs mapping it and a {@code refcount} of
 * {@code mapcount}, plus one while it is in the swap cache. A page in the swap cache holds
 * the slot its contents are (or were) written to ({@code private}, {@code PG_swapcache});
 * it is clean while no PTE has D and {@code PG_dirty} is clear. A private page in the swap
 * cache is mapped read-only while its slot has other users, so no write ever goes where a
 * swapped-out sharer would read it back. An anonymous page is freed the moment its last
 * mapping goes; a dirty page leaving the swap cache while PTEs still refer to its slot is
 * written first. A page of a MAP_SHARED|MAP_ANONYMOUS mapping is a page of that mapping's
 * shmem object ({@link Shmem}): every sharer maps it as soon as one touches it, it counts
 * in Cached, Shmem and Mapped instead of AnonPages, and a swap-in maps it back into every
 * sharer and takes it out of the swap cache. {@link #verify} recounts AnonPages, Shmem and
 * Mapped from the pages, and the shmem objects' charge to Committed_AS from their sizes.
 *
 * <h2>Eviction ({@link Reclaim})</h2>
 * The policy names a victim; a page that is dirty (no slot yet, {@code PG_dirty}, or D in
 * any PTE) is written to a slot first (only with {@code __GFP_IO}); then the reverse map
 * ({@link AnonVma}) replaces every PTE that maps it by the slot's swap entry and shoots
 * down the cached translation on every CPU, and the frame is freed. A page that cannot be
 * evicted (swap full, no I/O allowed) goes back to the policy.
 *
 * <h2>File pages ({@link FilePages})</h2>
 * With a page cache ({@code mmkit.machine.page-cache.impl} not {@code none}), a file VMA
 * maps the cache's pages: shared mappings map them writable and tell the cache when they
 * are dirtied; private ones map them read-only and copy on the first write. Their reverse
 * map is the file's list of VMAs ({@code i_mmap}); eviction unmaps a page-cache page
 * everywhere (if mapped at all) and hands it to {@code PageCache.reclaimPage}. Without a page
 * cache every file call is {@code -ENODEV}. Shared writable file mappings are
 * write-notified: a page-cache page is mapped writable only while it is dirty in the page
 * cache, its first store takes a write-protect fault that marks it dirty, and the page
 * cache's writeback write-protects it again first ({@link #pageMkclean}).
 *
 * <h2>Invalid PTEs and soft faults ({@link Rmap#invalidate}, {@link Faults})</h2>
 * A policy may map a resident page invalid ({@code invalidate}): every PTE keeps the frame
 * with P clear and {@code Pte.PROTNONE} set, as Linux's PROT_NONE and NUMA-hinting PTEs, and
 * the TLBs drop it. Such an entry still maps the page for everything but the MMU: mapcount,
 * rss, the reverse map, fork, mprotect, munmap, exit, swap-out and {@link #verify} count it.
 * The next reference takes a minor fault that makes every PTE valid again, sets
 * {@code PG_referenced} and calls the policy's {@code softFault}.
 *
 * <h2>Software referenced and modified bits ({@code referenced-bits = software})</h2>
 * The BSD/VAX emulation: replacement never reads A or D. Testing and clearing a page's
 * referenced bit clears {@code PG_referenced} and invalidates the page, so its next use
 * faults and sets the bit again; a page a fault maps is marked referenced. A clean anonymous
 * page is mapped read-only even in a writable shared mapping, and its first write faults and
 * marks it ({@code PG_dirty}); page-cache pages are write-notified in both modes (above).
 * Both extra faults count in {@code softref_faults} (and, as minor faults, in pgfault).
 *
 * <h2>Replacement sets ({@link Lru})</h2>
 * Without a resident limit one policy instance replaces within the whole machine. With
 * {@code resident-limit = N} each address space has its own instance and reclaims one of
 * its own pages before it takes a page beyond N; global reclaim takes from the largest set.
 * Pages it no longer maps when it exits move to the set of a process that does. Page-cache
 * pages are in a set mapped or not (the file LRU): they enter once, when the page cache
 * adds them ({@code Vmscan.lruAdd}) or when first mapped, and leave when evicted or when
 * the cache drops them ({@code Vmscan.lruDel}). The machine keeps NR_INACTIVE_ and
 * NR_ACTIVE_ANON/FILE as the {@code ReplacementPolicy} contract says.
 *
 * <h2>Re-entrance</h2>
 * The machine is single-threaded, but an allocation may reclaim, and reclaim may kill a
 * process. The fault path therefore allocates page tables first ({@link PageTable#populate})
 * and the page second, and after each allocation checks that the process is alive and the
 * entry unchanged before it installs anything; the page a copy on write reads from is
 * pinned meanwhile ({@link #pinnedPfn}), so reclaim cannot take it and make the fault start
 * over forever. A process killed while inside a kernel call loses its pages at once; its
 * tables, VMAs and mm_struct go when the call returns ({@link #leave}).
 */
final class LinuxMemoryManager implements MemoryManager, Vmscan, PageReferences, TlbListener {
    static final int EPERM = -1;
    static final int ENOENT = -2;
    static final int EIO = -5;
    static final int EBADF = -9;
    static final int ENOMEM = -12;
    static final int EFAULT = -14;
    static final int ENODEV = -19;
    static final int ENOTDIR = -20;
    static final int EISDIR = -21;
    static final int EINVAL = -22;
    static final int EOVERFLOW = -75;

    /** The heap starts here ({@code mm->start_brk}), in every page-table format. */
    static final long HEAP_BASE = 0x0100_0000L;
    /** Lowest address mmap hands out ({@code mmap_min_addr}). */
    static final long MMAP_MIN = 0x10000L;
    /** Gap kept between the stack's limit and the mmap area ({@code stack_guard_gap}). */
    static final long STACK_GUARD_GAP = 256L * Page.SIZE;

    static final int GFP_USER_PAGE = Gfp.GFP_HIGHUSER_MOVABLE;
    static final int GFP_OBJECT = Gfp.GFP_KERNEL;

    final Machine machine;
    final PagingSettings settings;
    final PhysicalMemory memory;
    final MemMap memMap;
    final VmStat vmstat;
    final CostModel cost;
    /** The machine's clock, which every call's cost is charged to when it returns. */
    final Clock clock;
    final boolean keepsData;

    // the parts (constructed in dependency order: the MMU last, it keeps references to others)
    final TlbFlush tlbFlush;
    final Lru lru;
    final SwapCache swapCache;
    final Shmem shmem;
    final Rmap rmap;
    final FilePages files;
    final Faults faults;
    final Reclaim reclaim;
    final VmaOps vmaOps;
    final Processes procs;
    final Mmu mmu;

    /** Tasks by pid − 1, for the hot path (the list is the reports' view of the same tasks). */
    private Task[] byPid = new Task[64];
    final ArrayList<Task> tasks = new ArrayList<>();

    // collaborators, bound on first use (the machine wires them after the memory manager)
    PageTable pt;
    PageAllocator allocator;
    Tlb[] tlbs;
    int[] lastPid;
    /** Whether a CPU's TLB keeps A and D itself ({@link Tlb#keepsBits}): see {@link TlbFlush#syncBits}. */
    boolean tlbKeepsBits;
    private KmemCache mmCache;
    private KmemCache vmaCache;
    private KmemCache anonVmaCache;
    SwapMap swap;
    BackingStore swapStore;

    int nextMmId = 1;
    /** The path {@code /proc/PID/maps} shows for shared anonymous memory ({@code shmem_zero_setup}'s "dev/zero", unlinked). */
    static final String SHMEM_ZERO_PATH = "/dev/zero (deleted)";
    /** The device of the kernel's internal tmpfs mount ({@code shm_mnt}): the first anonymous device, as Linux 5.x shows it. */
    static final String SHMEM_DEVICE = "00:01";
    /** The task whose kernel call is running. */
    Task current;
    /** The child a fork is building (killed by reclaim, it loses its pages at once). */
    Task forkChild;
    /**
     * The page a fault is working on while it allocates (the source of a copy on write):
     * reclaim skips it, as Linux's reclaim skips a locked page, so a fault under pressure
     * cannot evict the very page it is about to copy and start over forever.
     */
    long pinnedPfn = -1;
    /** Cost of the running call, charged to the clock when it returns. */
    long pendingCost;
    /** Page-cache pages a fault of the current call dirtied: balanced ({@code WritebackDaemon.dirtied}) when it returns. */
    long pendingDirtied;

    // counters (the MMU keeps those of the hot path)
    long pageFaults;
    long minorFaults;
    long majorFaults;
    long zeroFills;
    long cowCopies;
    long cowReuses;
    long swapIns;
    long swapOuts;
    long segfaults;
    long oomKills;
    long stackExpansions;
    long tlbShootdowns;
    long softFaults;
    long softrefFaults;

    LinuxMemoryManager(Machine machine, PagingSettings settings) {
        this.machine = machine;
        this.settings = settings;
        this.memory = machine.memory();
        this.memMap = machine.memMap();
        this.vmstat = machine.vmstat();
        this.cost = machine.cost();
        this.clock = machine.clock();
        this.keepsData = memory.keepsUserData();
        this.tlbFlush = new TlbFlush(this);
        this.lru = new Lru(this);
        this.swapCache = new SwapCache(this);
        this.shmem = new Shmem(this);
        this.rmap = new Rmap(this);
        this.files = new FilePages(this);
        this.faults = new Faults(this);
        this.reclaim = new Reclaim(this);
        this.vmaOps = new VmaOps(this);
        this.procs = new Processes(this);
        this.mmu = new Mmu(this);
    }

    // ------------------------------------------------------------------ collaborators

    PageTable pt() {
        if (pt == null) {
            pt = machine.pageTable();
            allocator = machine.pageAllocator();
            tlbs = new Tlb[machine.nrCpus()];
            lastPid = new int[machine.nrCpus()];
            lru.init((int) memMap.nrFrames());
        }
        return pt;
    }

    Tlb tlb(int cpu) {
        Tlb t = tlbs[cpu];
        if (t == null) {
            t = machine.newTlb(cpu, this);
            tlbs[cpu] = t;
            tlbKeepsBits |= t.keepsBits();
        }
        return t;
    }

    KmemCache cache(String which) {
        if (mmCache == null) {
            mmCache = machine.slab().createCache("mm_struct", 1088, 64, 0, null);
            vmaCache = machine.slab().createCache("vm_area_struct", 200, 8, 0, null);
            anonVmaCache = machine.slab().createCache("anon_vma", 88, 8, 0, null);
        }
        return switch (which) {
            case "mm" -> mmCache;
            case "vma" -> vmaCache;
            default -> anonVmaCache;
        };
    }

    SwapMap swap() {
        if (swap == null) {
            long slots = settings.swapSize() / Page.SIZE;
            if (slots > 1) {
                Path file = machine.runDirectory().resolve(settings.swapPath());
                try {
                    swapStore = machine.openBackingStore(file);
                    swapStore.setLength(settings.swapSize());
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot open the swap file " + file + ": " + reason(e), e);
                }
            }
            swap = new SwapMap(slots > 1 ? slots : 0);
        }
        return swap;
    }

    /**
     * {@code swapon} at boot: the swap file is opened (created and sized) and its map made now,
     * so that a file the host cannot open is a configuration error naming {@code swap.path},
     * not a failure at the first swap-out.
     *
     * @throws ConfigurationException naming {@code swap.path} and the host's reason
     */
    void swapon(Settings swapSettings) {
        try {
            swap();
        } catch (UncheckedIOException e) {
            swapSettings.reportProblem("path", e.getMessage());
            throw new ConfigurationException(List.of(swapSettings.origin("path") + ": " + swapSettings.path() + ".path: "
                + e.getMessage()));
        }
    }

    /**
     * The host's reason for a failed file operation, as {@code strerror} words it; Java keeps
     * the commonest ones in the exception's type instead of its reason.
     */
    static String reason(IOException e) {
        if (e instanceof FileSystemException f && f.getReason() == null) {
            return e instanceof NoSuchFileException ? "No such file or directory"
                : e instanceof AccessDeniedException ? "Permission denied"
                : e instanceof NotDirectoryException ? "Not a directory"
                : e.getClass().getSimpleName();
        }
        return e instanceof FileSystemException f ? f.getReason() : e.getMessage();
    }

    Task task(int pid) {
        Task[] ts = byPid; // slots past the last pid are null
        Task t = pid >= 1 && pid <= ts.length ? ts[pid - 1] : null;
        if (t == null) {
            throw new IllegalArgumentException("pid " + pid + ": no such process");
        }
        if (!t.alive) {
            throw new IllegalArgumentException("pid " + pid + ": process has exited (" + t.exitReason + ")");
        }
        return t;
    }

    Task addTask(String name) {
        Task t = new Task(tasks.size() + 1, name, this);
        tasks.add(t);
        if (tasks.size() > byPid.length) {
            byPid = Arrays.copyOf(byPid, byPid.length * 2);
        }
        byPid[t.pid - 1] = t;
        return t;
    }

    /** Forgets the task just added by a spawn or fork that failed: the process never existed. */
    void removeLastTask(Task t) {
        if (tasks.isEmpty() || tasks.get(tasks.size() - 1) != t || t.mm != null) {
            throw new IllegalStateException("pid " + t.pid + ": not the newest task, or it has an address space");
        }
        tasks.remove(tasks.size() - 1);
        byPid[t.pid - 1] = null;
        t.alive = false;
    }

    void enter(Task t) {
        current = t;
    }

    void leave() {
        Task t = current;
        if (t != null) { // null: a reference that did not fault never entered
            current = null;
            if (t.teardownPending) {
                t.teardownPending = false;
                procs.releaseMm(t);
            }
        }
        long c = pendingCost;
        if (c != 0) {
            pendingCost = 0;
            clock.advance(c);
        }
        long d = pendingDirtied;
        if (d != 0) {
            pendingDirtied = 0;
            if (files.hasFlusher()) {
                machine.writebackDaemon().dirtied(d);
            }
        }
    }

    // ------------------------------------------------------------------ the SPI, delegated to the parts

    @Override
    public int spawn(String name) {
        return procs.spawn(name, false);
    }

    @Override
    public int spawnAdmitAll(String name) {
        return procs.spawn(name, true);
    }

    @Override
    public int fork(int pid) {
        return procs.fork(pid);
    }

    @Override
    public int execve(int pid, String name) {
        return procs.exec(pid, name);
    }

    @Override
    public void exit(int pid) {
        procs.exit(pid);
    }

    @Override
    public boolean access(int pid, long vaddr, int access, long nextAccess) {
        return mmu.access(pid, vaddr, access, nextAccess);
    }

    @Override
    public void prefetch(int pid, long[] vaddrs, int count) {
        mmu.prefetch(pid, vaddrs, count);
    }

    @Override
    public long load(int pid, long vaddr, int size) {
        return mmu.load(pid, vaddr, size);
    }

    @Override
    public boolean store(int pid, long vaddr, int size, long value) {
        return mmu.store(pid, vaddr, size, value);
    }

    @Override
    public void evicted(long vaddr, int asid, long pte) {
        mmu.evicted(vaddr, asid, pte);
    }

    @Override
    public boolean refill(SoftwareTlb tlb, long vaddr, int access) {
        return mmu.refill(tlb, vaddr, access);
    }

    @Override
    public long mmap(int pid, long addr, long length, int prot, int flags, int fd, long offset) {
        return vmaOps.mmap(pid, addr, length, prot, flags, fd, offset);
    }

    @Override
    public int munmap(int pid, long addr, long length) {
        return vmaOps.munmap(pid, addr, length);
    }

    @Override
    public int mprotect(int pid, long addr, long length, int prot) {
        return vmaOps.mprotect(pid, addr, length, prot);
    }

    @Override
    public long brk(int pid, long newBrk) {
        return vmaOps.brk(pid, newBrk);
    }

    @Override
    public int open(int pid, String path, boolean create) {
        return files.open(pid, path, create);
    }

    @Override
    public int close(int pid, int fd) {
        return files.close(pid, fd);
    }

    @Override
    public int pread(int pid, int fd, byte[] buffer, int length, long pos) {
        return files.pread(pid, fd, buffer, length, pos);
    }

    @Override
    public int pwrite(int pid, int fd, byte[] buffer, int length, long pos) {
        return files.pwrite(pid, fd, buffer, length, pos);
    }

    @Override
    public int ftruncate(int pid, int fd, long length) {
        return files.ftruncate(pid, fd, length);
    }

    @Override
    public int fsync(int pid, int fd) {
        return files.fsync(pid, fd);
    }

    @Override
    public boolean testAndClearReferenced(long pfn) {
        return rmap.testAndClearReferenced(pfn);
    }

    @Override
    public int referencedPtes(long pfn) {
        return rmap.referencedPtes(pfn);
    }

    @Override
    public boolean isReferenced(long pfn) {
        return rmap.isReferenced(pfn);
    }

    @Override
    public boolean isDirty(long pfn) {
        return rmap.isDirty(pfn);
    }

    @Override
    public boolean startWriteback(long pfn) {
        return reclaim.startWriteback(pfn);
    }

    @Override
    public boolean invalidate(long pfn) {
        return rmap.invalidate(pfn, false);
    }

    @Override
    public Vmscan vmscan() {
        return this;
    }

    @Override
    public long shrinkNode(long nrToReclaim, int gfp, boolean kswapd) {
        return reclaim.shrinkNode(nrToReclaim, gfp, kswapd);
    }

    /**
     * {@inheritDoc} The page enters the set of the process whose call brought it in (under a
     * resident limit, as a memory cgroup is charged), else the machine-wide set.
     */
    @Override
    public void lruAdd(long pfn) {
        pt();
        if (!lru.onLru(pfn)) {
            Task t = current;
            lru.lruAdd(t != null ? t.mm : null, pfn);
        }
    }

    @Override
    public void lruDel(long pfn) {
        pt();
        lru.lruRemove(pfn);
    }

    @Override
    public int pageMkclean(long pfn) {
        pt();
        return rmap.pageMkclean(pfn);
    }

    @Override
    public long shrinkSlab(int gfp) {
        return reclaim.shrinkSlab(gfp);
    }

    @Override
    public boolean outOfMemory(int gfp, int order) {
        return reclaim.outOfMemory(gfp, order);
    }

    /** {@code rmap_walk}: every present PTE that maps {@code pfn} (see {@link Rmap#rmapWalk}). */
    void rmapWalk(long pfn, Rmap.RmapVisitor visitor) {
        rmap.rmapWalk(pfn, visitor);
    }

    // ------------------------------------------------------------------ reports

    @Override
    public boolean alive(int pid) {
        return pid >= 1 && pid <= tasks.size() && tasks.get(pid - 1).alive;
    }

    @Override
    public List<? extends ProcessInfo> processes() {
        return Collections.unmodifiableList(tasks);
    }

    List<VmArea> maps(Mm mm) {
        List<VmArea> out = new ArrayList<>(mm.vmas.size());
        for (Vma v : mm.vmas.values()) {
            String name = v.path;
            if (v.isAnonymous() && v.isShared() && v.anonVma != null && v.anonVma.shmemIno != 0) {
                // show_map_vma: the shmem file's path (unlinked, hence " (deleted)"), the
                // internal tmpfs mount's device (the first anonymous one, 0:1) and its inode;
                // the offset is vm_pgoff, 0 at the mapping's start and kept by a split
                out.add(new Task.Area(v.start, v.end, v.prot, v.flags, v.start - v.anonVma.shmemStart, SHMEM_DEVICE,
                    v.anonVma.shmemIno, SHMEM_ZERO_PATH));
                continue;
            }
            if (v.isAnonymous()) {
                // show_map_vma: only the VMA holding mm->start_stack is [stack]
                if (v.start <= mm.startStack && v.end >= mm.startStack) {
                    name = "[stack]";
                } else if (mm.brk > mm.startBrk && v.start <= mm.brk && v.end > mm.startBrk) {
                    name = "[heap]";
                } else {
                    name = "";
                }
            }
            out.add(new Task.Area(v.start, v.end, v.prot, v.flags & ~Vma.ADMIT_ALL, v.offset, "00:00", v.fileId, name));
        }
        return out;
    }

    @Override
    public long swapTotalPages() {
        return swap().totalPages();
    }

    @Override
    public long swapFreePages() {
        return swap().freePages();
    }

    /**
     * The swap file, if the machine has one: its path as configured (relative to the run
     * directory, as {@code /proc/PID/maps} names the files a workload opens, so that two runs
     * in different directories report the same), its slots less the header, those in use,
     * and priority -2, what Linux gives the first area {@code swapon} enables without a
     * priority ({@code least_priority} starts at -1 and is decremented first).
     */
    @Override
    public List<SwapArea> swapAreas() {
        SwapMap sm = swap();
        if (sm.nrSlots() == 0) {
            return List.of();
        }
        return List.of(new SwapArea(settings.swapPath(), false, sm.totalPages(), sm.totalPages() - sm.freePages(), -2));
    }

    /** {@inheritDoc} Each live shmem object's size from its setup ({@link Shmem#zeroSetup}). */
    @Override
    public long shmemCommittedPages() {
        return shmem.committed;
    }

    @Override
    public Map<String, Long> counters() {
        Map<String, Long> c = new LinkedHashMap<>();
        c.put("references", mmu.references);
        c.put("tlb_hits", mmu.tlbHits);
        c.put("tlb_misses", mmu.tlbMisses);
        c.put("walks", mmu.walks);
        c.put("walk_memory_references", mmu.walkMemoryReferences);
        c.put("dirty_rewalks", mmu.dirtyRewalks);
        c.put("page_faults", pageFaults);
        c.put("minor_faults", minorFaults);
        c.put("major_faults", majorFaults);
        c.put("soft_faults", softFaults);
        c.put("softref_faults", softrefFaults);
        c.put("zero_fills", zeroFills);
        c.put("cow_copies", cowCopies);
        c.put("cow_reuses", cowReuses);
        c.put("swap_ins", swapIns);
        c.put("swap_outs", swapOuts);
        c.put("stack_expansions", stackExpansions);
        c.put("tlb_shootdowns", tlbShootdowns);
        c.put("segfaults", segfaults);
        c.put("oom_kills", oomKills);
        c.put("page_table_pages", pt == null ? 0 : pt.tablePages());
        c.put("processes", (long) tasks.size());
        return c;
    }

    @Override
    public void shutdown() {
        if (swapStore != null) {
            try {
                swapStore.close();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot close swap file " + swapStore.name(), e);
            }
            swapStore = null;
        }
        if (files.hasPageCache()) {
            try {
                files.shutdown();
            } catch (IOException e) {
                throw new UncheckedIOException("page cache shutdown failed: " + e.getMessage(), e);
            }
        }
    }

    @Override
    public void verify() {
        if (pt == null) {
            return;
        }
        pt.verify();
        int n = (int) memMap.nrFrames();
        int[] mapcount = new int[n];
        int[] slotRefs = swap == null ? new int[0] : new int[(int) swap.nrSlots()];
        for (Task t : tasks) {
            Mm mm = t.mm;
            if (mm == null) {
                continue;
            }
            if (!t.alive && !t.teardownPending) {
                throw new IllegalStateException("pid " + t.pid + ": exited but still has an address space");
            }
            if (!mm.cacheValid()) {
                throw new IllegalStateException("pid " + t.pid + ": its VMA cache holds a VMA no longer in its tree");
            }
            long prevEnd = Long.MIN_VALUE;
            Vma prev = null;
            for (Map.Entry<Long, Vma> e : mm.vmas.entrySet()) {
                Vma v = e.getValue();
                if (e.getKey() != v.start || v.start >= v.end || (v.start & Page.OFFSET_MASK) != 0
                    || (v.end & Page.OFFSET_MASK) != 0) {
                    throw new IllegalStateException("pid " + t.pid + ": bad VMA " + v);
                }
                if (v.start < prevEnd) {
                    throw new IllegalStateException("pid " + t.pid + ": VMA " + v + " overlaps " + prev);
                }
                if (v.mm != mm) {
                    throw new IllegalStateException("pid " + t.pid + ": VMA " + v + " belongs to another mm");
                }
                if (v.anonVma != null && !v.anonVma.vmas.contains(v)) {
                    throw new IllegalStateException("pid " + t.pid + ": VMA " + v + " missing from its anon_vma");
                }
                prevEnd = v.end;
                prev = v;
            }
            long[] rss = {0};
            pt.forEach(mm.root, 0, pt.userAddressLimit(), (va, pte) -> {
                Vma v = mm.find(va);
                if (v == null) {
                    throw new IllegalStateException("pid " + t.pid + ": entry at " + Page.hex(va) + " outside every VMA");
                }
                if (Pte.mapsFrame(pte)) {
                    long pfn = Pte.pfn(pte);
                    mapcount[(int) pfn]++;
                    rss[0]++;
                    boolean anon = memMap.testFlag(pfn, PageFlags.PG_ANON);
                    boolean fileOk = !anon && v.fileId != 0 && memMap.mapping(pfn) == v.fileId
                        && memMap.index(pfn) == FilePages.fileIndex(v, va);
                    if (!fileOk && (!anon || memMap.index(pfn) != Page.vpn(va))) {
                        throw new IllegalStateException("pid " + t.pid + ": page " + Page.hex(pfn) + " at " + Page.hex(va)
                            + " has flags " + PageFlags.describe(memMap.flags(pfn)) + " index " + Page.hex(memMap.index(pfn)));
                    }
                    if (fileOk && Pte.isWritable(pte) && !memMap.testFlag(pfn, PageFlags.PG_DIRTY)) {
                        throw new IllegalStateException("pid " + t.pid + ": page-cache page " + Page.hex(pfn) + " at "
                            + Page.hex(va) + " is mapped writable but clean in the page cache (write-notify)");
                    }
                } else {
                    slotRefs[(int) Pte.swapOffset(pte)]++;
                }
                return pte;
            });
            if (rss[0] != mm.rss) {
                throw new IllegalStateException("pid " + t.pid + ": rss " + mm.rss + " but " + rss[0] + " pages mapped");
            }
        }
        long lruPages = 0;
        long[] lruLists = new long[4]; // inactive anon, active anon, inactive file, active file
        long swapCached = 0;
        // AnonPages, Shmem and Mapped as Linux counts them (see Shmem): a private anonymous
        // page; a shmem page outside the swap cache; a page-cache or shmem page some PTE maps
        long[] pageStates = new long[3];
        for (int pfn = 0; pfn < n; pfn++) {
            boolean anonFlag = memMap.testFlag(pfn, PageFlags.PG_ANON);
            boolean shmemPage = anonFlag && shmem.isShmem(pfn);
            if (anonFlag && !shmemPage) {
                pageStates[0]++;
            }
            if (shmemPage && !memMap.testFlag(pfn, PageFlags.PG_SWAPCACHE)) {
                pageStates[1]++;
            }
            if (mapcount[pfn] != 0 && (!anonFlag || shmemPage)) {
                pageStates[2]++;
            }
            if (mapcount[pfn] != 0 || memMap.testFlag(pfn, PageFlags.PG_ANON)) {
                if (memMap.mapcount(pfn) != mapcount[pfn]) {
                    throw new IllegalStateException("page " + Page.hex(pfn) + ": mapcount " + memMap.mapcount(pfn)
                        + " but " + mapcount[pfn] + " PTEs map it");
                }
                if (lru.lruOf[pfn] == 0) {
                    throw new IllegalStateException("page " + Page.hex(pfn) + ": mapped but in no replacement set");
                }
            }
            boolean onLru = lru.lruOf[pfn] != 0;
            if (onLru != memMap.testFlag(pfn, PageFlags.PG_LRU)) {
                throw new IllegalStateException("page " + Page.hex(pfn) + ": " + (onLru ? "in replacement set "
                    + lru.lruOf[pfn] + " but PG_lru clear" : "PG_lru set but in no replacement set"));
            }
            if (memMap.testFlag(pfn, PageFlags.PG_SWAPCACHE)) {
                swapCached++;
            }
            if (onLru) {
                lruPages++;
                int list = (memMap.testFlag(pfn, PageFlags.PG_ANON) ? 0 : 2)
                    + (memMap.testFlag(pfn, PageFlags.PG_ACTIVE) ? 1 : 0);
                lruLists[list]++;
            }
        }
        VmItem[] stateItems = {VmItem.NR_ANON_PAGES, VmItem.NR_SHMEM, VmItem.NR_MAPPED};
        for (int i = 0; i < stateItems.length; i++) {
            if (vmstat.get(stateItems[i]) != pageStates[i]) {
                throw new IllegalStateException(stateItems[i].name().toLowerCase(Locale.ROOT) + " "
                    + vmstat.get(stateItems[i]) + " but " + pageStates[i] + " pages are in that state");
            }
        }
        if (shmem.committed != rmap.shmemObjectPages()) {
            throw new IllegalStateException("shmem objects charge " + shmem.committed + " pages to Committed_AS but their sizes sum to "
                + rmap.shmemObjectPages());
        }
        if (vmstat.get(VmItem.NR_SWAPCACHED) != swapCached) {
            throw new IllegalStateException("nr_swapcached " + vmstat.get(VmItem.NR_SWAPCACHED) + " but " + swapCached
                + " pages are in the swap cache");
        }
        VmItem[] listItems = {VmItem.NR_INACTIVE_ANON, VmItem.NR_ACTIVE_ANON, VmItem.NR_INACTIVE_FILE, VmItem.NR_ACTIVE_FILE};
        for (int i = 0; i < listItems.length; i++) {
            if (vmstat.get(listItems[i]) != lruLists[i]) {
                throw new IllegalStateException(listItems[i].name().toLowerCase(Locale.ROOT) + " "
                    + vmstat.get(listItems[i]) + " but " + lruLists[i] + " pages on that list");
            }
        }
        long policyPages = 0;
        for (Lruvec lv : lru.lruvecs) {
            if (lv != null) {
                lv.policy.verify();
                policyPages += lv.policy.size();
            }
        }
        if (policyPages != lruPages) {
            throw new IllegalStateException("replacement sets hold " + policyPages + " pages but " + lruPages + " are marked");
        }
        if (swap != null) {
            swap.verify();
            for (int s = 1; s < slotRefs.length; s++) {
                if (slotRefs[s] != swap.count(s)) {
                    throw new IllegalStateException("swap slot " + s + ": count " + swap.count(s) + " but " + slotRefs[s]
                        + " swap entries refer to it");
                }
            }
        }
    }
}
