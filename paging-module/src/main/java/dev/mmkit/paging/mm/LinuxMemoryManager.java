package dev.mmkit.paging.mm;

import dev.mmkit.api.backing.BackingStore;
import dev.mmkit.api.hw.Access;
import dev.mmkit.api.hw.Page;
import dev.mmkit.api.hw.PhysicalMemory;
import dev.mmkit.api.hw.Pte;
import dev.mmkit.api.machine.CostModel;
import dev.mmkit.api.machine.Machine;
import dev.mmkit.api.machine.MemMap;
import dev.mmkit.api.machine.PageFlags;
import dev.mmkit.api.machine.Settings;
import dev.mmkit.api.machine.VmItem;
import dev.mmkit.api.machine.VmStat;
import dev.mmkit.api.mm.MemoryManager;
import dev.mmkit.api.mm.ProcessInfo;
import dev.mmkit.api.mm.VmArea;
import dev.mmkit.api.page.Gfp;
import dev.mmkit.api.page.PageAllocator;
import dev.mmkit.api.pagecache.AddressSpace;
import dev.mmkit.api.pagecache.PageCache;
import dev.mmkit.api.pagetable.PageTable;
import dev.mmkit.api.pagetable.Walk;
import dev.mmkit.api.reclaim.Vmscan;
import dev.mmkit.api.replacement.PageReferences;
import dev.mmkit.api.replacement.ReplacementPolicy;
import dev.mmkit.api.slab.KmemCache;
import dev.mmkit.api.tlb.SoftwareTlb;
import dev.mmkit.api.tlb.Tlb;
import dev.mmkit.api.tlb.TlbListener;
import dev.mmkit.api.workload.Mman;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The memory-manager core, after Linux 2.6: address spaces of VMAs, the MMU path of every
 * reference, demand paging with copy on write and swap, the object-based reverse map, and
 * the reclaim primitives ({@link Vmscan}) that kswapd and direct reclaim drive.
 *
 * <h2>The MMU path ({@link #access})</h2>
 * <ol>
 *   <li>A reference from another pid than the CPU's last switches the CPU's TLB to the
 *       pid's ASID (what the TLB does with pids beyond its ASID width is its business).</li>
 *   <li>TLB lookup. A hit that the entry's permissions allow is done, unless it is a write
 *       and the entry's D is clear: then the walk below runs again to set D in memory.</li>
 *   <li>Walk ({@link PageTable#walk}, one reused {@link Walk}); a present, permitted leaf
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
 * faults) are added up during a call and charged to the clock when it returns, so that
 * timers (kswapd) never run in the middle of a translation.
 *
 * <h2>Page states (anonymous memory)</h2>
 * A resident anonymous page has {@code mapcount} PTEs mapping it and a {@code refcount} of
 * {@code mapcount}, plus one while it is in the swap cache. A page in the swap cache holds
 * the slot its contents are (or were) written to ({@code private}, {@code PG_swapcache});
 * it is clean while no PTE has D and {@code PG_dirty} is clear. A private page in the swap
 * cache is mapped read-only while its slot has other users, so no write ever goes where a
 * swapped-out sharer would read it back. An anonymous page is freed the moment its last
 * mapping goes; a dirty page leaving the swap cache while PTEs still refer to its slot is
 * written first.
 *
 * <h2>Eviction ({@link #shrinkNode})</h2>
 * The policy names a victim; a page that is dirty (no slot yet, {@code PG_dirty}, or D in
 * any PTE) is written to a slot first (only with {@code __GFP_IO}); then the reverse map
 * ({@link AnonVma}) replaces every PTE that maps it by the slot's swap entry and shoots
 * down the cached translation on every CPU, and the frame is freed. A page that cannot be
 * evicted (swap full, no I/O allowed) goes back to the policy.
 *
 * <h2>File pages</h2>
 * With a page cache ({@code mmkit.machine.page-cache.impl} not {@code none}), a file VMA
 * maps the cache's pages: shared mappings map them writable and tell the cache when they
 * are dirtied; private ones map them read-only and copy on the first write. Their reverse
 * map is the file's list of VMAs ({@code i_mmap}); a mapped file page is in the replacement
 * set of the process that first mapped it, and eviction unmaps it everywhere and hands it to
 * {@code PageCache.reclaimPage}. Without a page cache every file call is {@code -ENODEV}.
 *
 * <h2>Replacement sets</h2>
 * Without a resident limit one policy instance replaces within the whole machine. With
 * {@code resident-limit = N} each address space has its own instance and reclaims one of
 * its own pages before it takes a page beyond N; global reclaim takes from the largest set.
 * Pages it no longer maps when it exits move to the set of a process that does.
 *
 * <h2>Re-entrance</h2>
 * The machine is single-threaded, but an allocation may reclaim, and reclaim may kill a
 * process. The fault path therefore allocates page tables first ({@link PageTable#populate})
 * and the page second, and after each allocation checks that the process is alive and the
 * entry unchanged before it installs anything; the page a copy on write reads from is
 * pinned meanwhile, so reclaim cannot take it and make the fault start over forever. A
 * process killed while inside a kernel call loses its pages at once; its tables, VMAs and
 * mm_struct go when the call returns.
 */
final class LinuxMemoryManager implements MemoryManager, Vmscan, PageReferences, TlbListener {
    static final int ENOENT = -2;
    static final int EIO = -5;
    static final int EBADF = -9;
    static final int ENOMEM = -12;
    static final int ENODEV = -19;
    static final int EINVAL = -22;

    /** The heap starts here ({@code mm->start_brk}), in every page-table format. */
    static final long HEAP_BASE = 0x0100_0000L;
    /** Lowest address mmap hands out ({@code mmap_min_addr}). */
    static final long MMAP_MIN = 0x10000L;
    /** Gap kept between the stack's limit and the mmap area ({@code stack_guard_gap}). */
    static final long STACK_GUARD_GAP = 256L * Page.SIZE;

    private static final int GFP_USER_PAGE = Gfp.GFP_HIGHUSER_MOVABLE;
    private static final int GFP_OBJECT = Gfp.GFP_KERNEL;

    private final Machine machine;
    private final PagingSettings settings;
    private final PhysicalMemory memory;
    private final MemMap memMap;
    private final VmStat vmstat;
    private final CostModel cost;
    private final boolean keepsData;
    private final long tlbHitCost;
    private final long memoryCost;
    private final Walk walk = new Walk();
    /** Tasks by pid − 1, for the hot path (the list is the reports' view of the same tasks). */
    private Task[] byPid = new Task[64];

    private PageTable pt;
    private PageAllocator allocator;
    private Tlb[] tlbs;
    private int[] lastPid;
    private KmemCache mmCache;
    private KmemCache vmaCache;
    private KmemCache anonVmaCache;
    private Boolean hasPageCache;

    private final ArrayList<Task> tasks = new ArrayList<>();
    private AnonVma[] anonVmas = new AnonVma[64];
    private final ArrayList<Integer> freeAnonVmaIds = new ArrayList<>();
    /** {@code address_space->i_mmap}: the VMAs mapping each file, by page-cache id. */
    private final Map<Integer, List<Vma>> fileVmas = new HashMap<>();
    private int nextAnonVmaId = 1;
    private int nextMmId = 1;

    private Lruvec global;
    private final ArrayList<Lruvec> lruvecs = new ArrayList<>();
    private int[] lruOf;
    private boolean policyWantsReferences;

    private SwapMap swap;
    private BackingStore swapStore;

    private Task current;
    private Task forkChild;
    /**
     * The page a fault is working on while it allocates (the source of a copy on write):
     * reclaim skips it, as Linux's reclaim skips a locked page, so a fault under pressure
     * cannot evict the very page it is about to copy and start over forever.
     */
    private long pinnedPfn = -1;
    private long pendingCost;

    // counters
    private long references;
    private long tlbHits;
    private long tlbMisses;
    private long walks;
    private long walkMemoryReferences;
    private long dirtyRewalks;
    private long faults;
    private long minorFaults;
    private long majorFaults;
    private long zeroFills;
    private long cowCopies;
    private long cowReuses;
    private long swapIns;
    private long swapOuts;
    private long segfaults;
    private long oomKills;
    private long stackExpansions;
    private long tlbShootdowns;

    LinuxMemoryManager(Machine machine, PagingSettings settings) {
        this.machine = machine;
        this.settings = settings;
        this.memory = machine.memory();
        this.memMap = machine.memMap();
        this.vmstat = machine.vmstat();
        this.cost = machine.cost();
        this.keepsData = memory.keepsUserData();
        this.tlbHitCost = cost.tlbHit();
        this.memoryCost = cost.memory();
    }

    // ------------------------------------------------------------------ collaborators

    private PageTable pt() {
        if (pt == null) {
            pt = machine.pageTable();
            allocator = machine.pageAllocator();
            int n = (int) memMap.nrFrames();
            lruOf = new int[n];
            tlbs = new Tlb[machine.nrCpus()];
            lastPid = new int[machine.nrCpus()];
            lruvecs.add(null);
            if (settings.residentLimit() == 0) {
                global = newLruvec(null);
            }
        }
        return pt;
    }

    private Lruvec newLruvec(Mm mm) {
        ReplacementPolicy policy = machine.newReplacementPolicy(this);
        if (!policy.characteristics().isEmpty()) {
            policyWantsReferences = true;
        }
        Lruvec lv = new Lruvec(lruvecs.size(), policy, mm);
        lruvecs.add(lv);
        return lv;
    }

    private Tlb tlb(int cpu) {
        Tlb t = tlbs[cpu];
        if (t == null) {
            t = machine.newTlb(cpu, this);
            tlbs[cpu] = t;
        }
        return t;
    }

    private KmemCache cache(String which) {
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

    private boolean hasPageCache() {
        if (hasPageCache == null) {
            Settings s = machine.settings();
            hasPageCache = s.has("page-cache.impl") && !s.getString("page-cache.impl").equals("none");
        }
        return hasPageCache;
    }

    private SwapMap swap() {
        if (swap == null) {
            long slots = settings.swapSize() / Page.SIZE;
            if (slots > 1) {
                try {
                    swapStore = machine.openBackingStore(machine.runDirectory().resolve(settings.swapPath()));
                    swapStore.setLength(settings.swapSize());
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot open swap file " + settings.swapPath() + ": " + e.getMessage(), e);
                }
            }
            swap = new SwapMap(slots > 1 ? slots : 0);
        }
        return swap;
    }

    // ------------------------------------------------------------------ processes

    private Task task(int pid) {
        if (pid < 1 || pid > tasks.size()) {
            throw new IllegalArgumentException("pid " + pid + ": no such process");
        }
        Task t = byPid[pid - 1];
        if (!t.alive) {
            throw new IllegalArgumentException("pid " + pid + ": process has exited (" + t.exitReason + ")");
        }
        return t;
    }

    private Task addTask(String name) {
        Task t = new Task(tasks.size() + 1, name, this);
        tasks.add(t);
        if (tasks.size() > byPid.length) {
            byPid = Arrays.copyOf(byPid, byPid.length * 2);
        }
        byPid[t.pid - 1] = t;
        return t;
    }

    private void enter(Task t) {
        current = t;
    }

    private void leave() {
        Task t = current;
        current = null;
        if (t != null && t.teardownPending) {
            t.teardownPending = false;
            releaseMm(t);
        }
        long c = pendingCost;
        if (c != 0) {
            pendingCost = 0;
            machine.clock().advance(c);
        }
    }

    @Override
    public int spawn(String name) {
        return spawn(name, false);
    }

    @Override
    public int spawnAdmitAll(String name) {
        return spawn(name, true);
    }

    private int spawn(String name, boolean admitAll) {
        pt();
        Task t = addTask(name);
        enter(t);
        try {
            Mm mm = newMm(t, admitAll);
            if (mm == null) {
                t.alive = false;
                t.exitReason = "oom-killed";
                throw new IllegalStateException("out of memory: cannot create the address space of " + name);
            }
            t.mm = mm;
            return t.pid;
        } finally {
            leave();
        }
    }

    /**
     * {@code mm_alloc}: an empty address space owned by {@code t}: its mm_struct object, a
     * page-table root and, with a resident limit, its own replacement policy. Null when
     * memory for either is lacking; nothing is left allocated then.
     */
    private Mm mmAlloc(Task t) {
        long objp = cache("mm").alloc(GFP_OBJECT);
        if (objp == 0) {
            return null;
        }
        Mm mm = new Mm(nextMmId++);
        mm.objp = objp;
        mm.owner = t;
        mm.root = pt.createRoot(t.pid);
        if (mm.root < 0) {
            cache("mm").free(objp);
            return null;
        }
        if (settings.residentLimit() > 0) {
            mm.lruvec = newLruvec(mm);
        }
        return mm;
    }

    /** A fresh address space: mm_struct, page-table root, and a stack (or the admit-all VMA). */
    private Mm newMm(Task t, boolean admitAll) {
        Mm mm = mmAlloc(t);
        if (mm == null) {
            return null;
        }
        mm.startBrk = HEAP_BASE;
        mm.brk = HEAP_BASE;
        long top = pt.userAddressLimit();
        if (admitAll) {
            Vma v = newVma(mm, 0, top, Mman.PROT_READ | Mman.PROT_WRITE | Mman.PROT_EXEC,
                Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS | Vma.ADMIT_ALL);
            if (v == null) {
                destroyMm(mm);
                return null;
            }
            mm.vmas.put(v.start, v);
        } else {
            Vma stack = newVma(mm, top - settings.stackInitial(), top, Mman.PROT_READ | Mman.PROT_WRITE,
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

    private Vma newVma(Mm mm, long start, long end, int prot, int flags) {
        long objp = cache("vma").alloc(GFP_OBJECT);
        if (objp == 0) {
            return null;
        }
        Vma v = new Vma(mm, start, end, prot, flags);
        v.objp = objp;
        return v;
    }

    private void freeVma(Vma v) {
        if (v.anonVma != null) {
            unlinkAnonVma(v);
        }
        if (v.fileId != 0) {
            List<Vma> list = fileVmas.get(v.fileId);
            if (list != null) {
                list.remove(v);
                if (list.isEmpty()) {
                    fileVmas.remove(v.fileId);
                }
            }
        }
        cache("vma").free(v.objp);
        v.objp = 0;
    }

    private void unlinkAnonVma(Vma v) {
        AnonVma av = v.anonVma;
        av.vmas.remove(v);
        v.anonVma = null;
        if (av.vmas.isEmpty()) {
            anonVmas[av.id] = null;
            freeAnonVmaIds.add(av.id);
            cache("anon").free(av.objp);
        }
    }

    /** Adds a file VMA to its file's {@code i_mmap}. */
    private void linkFile(Vma v) {
        if (v.fileId != 0) {
            fileVmas.computeIfAbsent(v.fileId, k -> new ArrayList<>(2)).add(v);
        }
    }

    private void linkAnonVma(Vma v, AnonVma av) {
        v.anonVma = av;
        av.vmas.add(v);
    }

    /** {@code anon_vma_prepare}: gives a VMA its anon_vma on its first anonymous fault. */
    private boolean anonVmaPrepare(Vma v) {
        if (v.anonVma != null) {
            return true;
        }
        long objp = cache("anon").alloc(GFP_OBJECT);
        if (objp == 0 || v.objp == 0) {
            if (objp != 0) {
                cache("anon").free(objp);
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

    /** Kills a process: its pages go now; its structures now, or when its kernel call returns. */
    void kill(Task t, String reason) {
        if (!t.alive) {
            return;
        }
        t.alive = false;
        t.exitReason = reason;
        for (int cpu = 0; cpu < lastPid.length; cpu++) {
            if (lastPid[cpu] == t.pid) {
                lastPid[cpu] = 0;
            }
        }
        if (t.mm == null) {
            return;
        }
        if (t == current || t == forkChild) {
            zapAll(t.mm);
            t.teardownPending = t == current;
        } else {
            releaseMm(t);
        }
    }

    private void releaseMm(Task t) {
        Mm mm = t.mm;
        if (mm == null) {
            return;
        }
        destroyMm(mm);
        t.mm = null;
        flushAsid(t.pid);
        t.files.clear();
    }

    /** Unmaps every page of an address space (exit_mmap's first half). */
    private void zapAll(Mm mm) {
        for (Vma v : new ArrayList<>(mm.vmas.values())) {
            zapRange(mm, v.start, v.end);
        }
    }

    /** {@code exit_mmap} + {@code mmdrop}: pages, tables, VMAs and the mm_struct. */
    private void destroyMm(Mm mm) {
        zapAll(mm);
        for (Vma v : mm.vmas.values()) {
            freeVma(v);
        }
        mm.vmas.clear();
        mm.forgetCache();
        if (mm.root >= 0) {
            pt.destroyRoot(mm.root);
            mm.root = -1;
        }
        if (mm.lruvec != null) {
            // pages this address space brought in but no longer maps (shared by fork, then
            // copied on write here) move to the set of an address space that still maps them
            Lruvec lv = mm.lruvec;
            for (long pfn = lv.policy.evict(); pfn >= 0; pfn = lv.policy.evict()) {
                lruOf[(int) pfn] = 0;
                Mm[] mapper = {null};
                rmapWalk(pfn, (vma, va, pte) -> {
                    if (mapper[0] == null && vma.mm != mm && vma.mm.lruvec != null) {
                        mapper[0] = vma.mm;
                    }
                });
                if (mapper[0] == null) {
                    throw new IllegalStateException("mm " + mm.id + ": page " + Page.hex(pfn)
                        + " left in its replacement set, mapped by no other address space");
                }
                lruAdd(mapper[0], pfn);
            }
            lruvecs.set(lv.id, null);
            mm.lruvec = null;
        }
        cache("mm").free(mm.objp);
        mm.objp = 0;
    }

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
            out.add(new Task.Area(v.start, v.end, v.prot, v.flags & ~Vma.ADMIT_ALL, v.offset, v.fileId, name));
        }
        return out;
    }

    // ------------------------------------------------------------------ the MMU path

    @Override
    public boolean access(int pid, long vaddr, int access, long nextAccess) {
        Task t = task(pid);
        enter(t);
        try {
            long paddr = translate(t, vaddr, access);
            if (paddr < 0) {
                return false;
            }
            if (policyWantsReferences) {
                referenced(paddr >>> Page.SHIFT, nextAccess);
            }
            return true;
        } finally {
            leave();
        }
    }

    private void referenced(long pfn, long nextAccess) {
        int lv = lruOf[(int) pfn];
        if (lv != 0) {
            lruvecs.get(lv).policy.referenced(pfn, nextAccess);
        }
    }

    @Override
    public long load(int pid, long vaddr, int size) {
        checkSize(size);
        Task t = task(pid);
        enter(t);
        try {
            if (Page.offset(vaddr) + size <= Page.SIZE) {
                long paddr = translate(t, vaddr, Access.READ);
                if (paddr < 0) {
                    return 0;
                }
                if (policyWantsReferences) {
                    referenced(paddr >>> Page.SHIFT, -1);
                }
                return keepsData ? readValue(paddr, size) : 0;
            }
            long value = 0;
            for (int i = 0; i < size; i++) {
                long paddr = translate(t, vaddr + i, Access.READ);
                if (paddr < 0) {
                    return 0;
                }
                if (keepsData) {
                    value |= (memory.readByte(paddr) & 0xFFL) << (8 * i);
                }
            }
            return value;
        } finally {
            leave();
        }
    }

    @Override
    public boolean store(int pid, long vaddr, int size, long value) {
        checkSize(size);
        Task t = task(pid);
        enter(t);
        try {
            if (Page.offset(vaddr) + size <= Page.SIZE) {
                long paddr = translate(t, vaddr, Access.WRITE);
                if (paddr < 0) {
                    return false;
                }
                if (policyWantsReferences) {
                    referenced(paddr >>> Page.SHIFT, -1);
                }
                if (keepsData) {
                    writeValue(paddr, size, value);
                }
                return true;
            }
            long[] paddrs = new long[size];
            for (int i = 0; i < size; i++) {
                paddrs[i] = translate(t, vaddr + i, Access.WRITE);
                if (paddrs[i] < 0) {
                    return false;
                }
            }
            // both pages are translated before any byte is written: a fault on the second
            // page must not leave half a value behind. A fault on the second may have evicted
            // the first, so translate again (a TLB hit when nothing moved).
            for (int i = 0; i < size; i++) {
                long paddr = translate(t, vaddr + i, Access.WRITE);
                if (paddr < 0) {
                    return false;
                }
                if (keepsData) {
                    memory.writeByte(paddr, (byte) (value >>> (8 * i)));
                }
            }
            return true;
        } finally {
            leave();
        }
    }

    private static void checkSize(int size) {
        if (size != 1 && size != 2 && size != 4 && size != 8) {
            throw new IllegalArgumentException("size: " + size + " (expected: 1, 2, 4 or 8)");
        }
    }

    private long readValue(long paddr, int size) {
        if ((paddr & (size - 1)) == 0) {
            switch (size) {
                case 8:
                    return memory.readLong(paddr);
                case 4:
                    return memory.readInt(paddr) & 0xFFFF_FFFFL;
                default:
                    break;
            }
        }
        long value = 0;
        for (int i = 0; i < size; i++) {
            value |= (memory.readByte(paddr + i) & 0xFFL) << (8 * i);
        }
        return value;
    }

    private void writeValue(long paddr, int size, long value) {
        if ((paddr & (size - 1)) == 0 && size >= 4) {
            if (size == 8) {
                memory.writeLong(paddr, value);
            } else {
                memory.writeInt(paddr, (int) value);
            }
            return;
        }
        for (int i = 0; i < size; i++) {
            memory.writeByte(paddr + i, (byte) (value >>> (8 * i)));
        }
    }

    /** The physical address a reference reaches, after any fault; −1 when it killed the process. */
    private long translate(Task t, long vaddr, int access) {
        references++;
        int cpu = machine.currentCpu();
        Tlb tlb = tlbs[cpu];
        if (tlb == null) {
            tlb = tlb(cpu);
        }
        if (lastPid[cpu] != t.pid) {
            tlb.switchTo(t.pid);
            lastPid[cpu] = t.pid;
        }
        boolean write = (access & Access.WRITE) != 0;
        long memCost = memoryCost;
        for (int attempt = 0; ; attempt++) {
            pendingCost += tlbHitCost;
            long e = tlb.lookup(vaddr, access);
            if (e != 0 && Pte.permits(e, access)) {
                if (!write || (e & Pte.D) != 0) {
                    tlbHits++;
                    pendingCost += memCost;
                    return ((e & Pte.PFN_MASK) | (vaddr & Page.OFFSET_MASK));
                }
                dirtyRewalks++;
            } else if (e == 0) {
                tlbMisses++;
            }
            Mm mm = t.mm;
            pt.walk(mm.root, vaddr, write, walk);
            walks++;
            walkMemoryReferences += walk.memoryReferences;
            pendingCost += memCost * walk.memoryReferences;
            long pte = walk.pte;
            if (pte != 0 && Pte.permits(pte, access)) {
                tlb.insert(vaddr, access, pte, walk.pageShift);
                pendingCost += memCost;
                long mask = (1L << walk.pageShift) - 1;
                return ((pte & Pte.PFN_MASK) & ~mask) | (vaddr & mask);
            }
            if (attempt >= 16) {
                throw new IllegalStateException("pid " + t.pid + ": fault at " + Page.hex(vaddr) + " ("
                    + Access.letter(access) + ") not resolved after " + attempt + " attempts; entry "
                    + Pte.describe(pt.getPte(mm.root, vaddr)));
            }
            if (!handleFault(t, vaddr, access, walk.faultLevel == 0 ? pte : walk.entry)) {
                return -1;
            }
        }
    }

    // ------------------------------------------------------------------ faults

    /** {@code handle_mm_fault}; false when the process was killed. */
    private boolean handleFault(Task t, long vaddr, int access, long walked) {
        faults++;
        vmstat.inc(VmItem.PGFAULT);
        Mm mm = t.mm;
        if (!pt.isCanonical(vaddr) || (Access.isUser(access) && Long.compareUnsigned(vaddr, pt.userAddressLimit()) >= 0)) {
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
        long pte = walk.faultLevel <= 1 && !Pte.isLarge(walked) ? walked : pt.getPte(mm.root, va);
        boolean write = Access.isWrite(access);
        if (pte == 0) {
            return vma.isAnonymous() ? doAnonymousPage(t, vma, va) : doFilePage(t, vma, va, write);
        }
        if (!Pte.isPresent(pte)) {
            return doSwapPage(t, vma, va, pte, write);
        }
        if (write && !Pte.isWritable(pte)) {
            return doWpPage(t, vma, va, pte);
        }
        // present, and the VMA allows the access: the entry lags the VMA (refresh it) or the
        // TLB held a stale translation
        long fixed = Pte.make(Pte.pfn(pte), vma.pteFlags(Pte.isWritable(pte) || vma.isShared())
            | (pte & (Pte.A | Pte.D)));
        if (fixed != pte) {
            pt.setPte(mm.root, va, fixed, Page.SHIFT);
        }
        flushPage(t.pid, va);
        minorFaults++;
        pendingCost += cost.minorFault();
        return true;
    }

    private boolean segv(Task t, long vaddr) {
        segfaults++;
        kill(t, "SIGSEGV at " + Page.hex(vaddr));
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
        if (below != null && below.getValue().end > newStart) {
            return null;
        }
        mm.vmas.remove(stack.start);
        stack.start = newStart;
        mm.vmas.put(newStart, stack);
        mm.forgetCache();
        stackExpansions++;
        return stack;
    }

    /** {@code do_anonymous_page}: a zeroed frame for the first touch, read or write. */
    private boolean doAnonymousPage(Task t, Vma vma, long va) {
        Mm mm = t.mm;
        if (!anonVmaPrepare(vma) || !t.alive) {
            return oom(t);
        }
        if (!pt.populate(mm.root, va, Page.SHIFT) || !t.alive) {
            return oom(t);
        }
        long pfn = allocUserPage(t);
        if (pfn < 0) {
            return false;
        }
        if (pt.getPte(mm.root, va) != 0 || vma.anonVma == null || mm.vmas.get(vma.start) != vma) {
            freeUserFrame(pfn);
            return true;
        }
        memory.clearFrame(pfn);
        newAnonPage(pfn, vma, va);
        pt.setPte(mm.root, va, Pte.make(pfn, vma.pteFlags(true)), Page.SHIFT);
        mm.rss++;
        lruAdd(mm, pfn);
        zeroFills++;
        minorFaults++;
        pendingCost += cost.minorFault();
        return true;
    }

    /** The file page index a VMA maps at {@code va} ({@code linear_page_index}). */
    private static long fileIndex(Vma vma, long va) {
        return (vma.offset >>> Page.SHIFT) + ((va - vma.start) >>> Page.SHIFT);
    }

    /**
     * {@code do_read_fault} / {@code do_shared_fault} / {@code do_cow_fault}: the page comes
     * from the page cache (read from the file if absent: a major fault). A shared mapping maps
     * the cached page itself; a private one maps it read-only, and a write to it gets a
     * private anonymous copy at once. Beyond the end of the file is SIGBUS.
     */
    private boolean doFilePage(Task t, Vma vma, long va, boolean write) {
        Mm mm = t.mm;
        AddressSpace as = machine.pageCache().byId(vma.fileId);
        long index = fileIndex(vma, va);
        if (as == null || index >= Page.pages(as.size())) {
            return sigbus(t, va);
        }
        boolean cow = write && !vma.isShared();
        if ((cow && !anonVmaPrepare(vma)) || !t.alive) {
            return oom(t);
        }
        if (!pt.populate(mm.root, va, Page.SHIFT) || !t.alive) {
            return oom(t);
        }
        boolean cached = as.findPage(index) >= 0;
        long pfn;
        try {
            pfn = as.readPage(index);
        } catch (IOException e) {
            return sigbus(t, va);
        }
        if (!t.alive) {
            return false;
        }
        if (pfn < 0) {
            return oom(t);
        }
        if (pt.getPte(mm.root, va) != 0 || mm.vmas.get(vma.start) != vma) {
            return true;
        }
        if (cow) {
            pinnedPfn = pfn;
            long copy;
            try {
                copy = allocUserPage(t);
            } finally {
                pinnedPfn = -1;
            }
            if (copy < 0) {
                return false;
            }
            if (pt.getPte(mm.root, va) != 0 || as.findPage(index) != pfn || vma.anonVma == null) {
                freeUserFrame(copy);
                return true;
            }
            memory.copyFrame(pfn, copy);
            newAnonPage(copy, vma, va);
            pt.setPte(mm.root, va, Pte.make(copy, vma.pteFlags(true) | Pte.A | Pte.D), Page.SHIFT);
            mm.rss++;
            lruAdd(mm, copy);
            cowCopies++;
        } else {
            addFileMapping(mm, pfn);
            if (write) {
                as.setPageDirty(index);
            }
            pt.setPte(mm.root, va, Pte.make(pfn, vma.pteFlags(vma.isShared())), Page.SHIFT);
            mm.rss++;
        }
        if (cached) {
            minorFaults++;
            pendingCost += cost.minorFault();
        } else {
            majorFaults++;
            vmstat.inc(VmItem.PGMAJFAULT);
            pendingCost += cost.pageFault();
        }
        return true;
    }

    /** {@code page_add_file_rmap}: one more PTE maps a page-cache page; mapped pages are replaced by the policy. */
    private void addFileMapping(Mm mm, long pfn) {
        int mapcount = memMap.mapcount(pfn) + 1;
        memMap.setMapcount(pfn, mapcount);
        memMap.getPage(pfn);
        if (mapcount == 1) {
            vmstat.inc(VmItem.NR_MAPPED);
            if (lruOf[(int) pfn] == 0) {
                lruAdd(mm, pfn);
            }
        }
    }

    private boolean sigbus(Task t, long va) {
        kill(t, "SIGBUS at " + Page.hex(va));
        return false;
    }

    private void newAnonPage(long pfn, Vma vma, long va) {
        memMap.setFlag(pfn, PageFlags.PG_ANON | PageFlags.PG_SWAPBACKED | PageFlags.PG_UPTODATE);
        memMap.setMapping(pfn, vma.anonVma.id);
        memMap.setIndex(pfn, Page.vpn(va));
        memMap.setMapcount(pfn, 1);
        memMap.setRefcount(pfn, 1);
        vmstat.inc(VmItem.NR_ANON_PAGES);
    }

    /** {@code do_wp_page}: a write to a present read-only page of a writable VMA. */
    private boolean doWpPage(Task t, Vma vma, long va, long pte) {
        Mm mm = t.mm;
        long old = Pte.pfn(pte);
        boolean anon = memMap.testFlag(old, PageFlags.PG_ANON);
        if (vma.isShared() || (anon && reuseable(old))) {
            if (!vma.isShared() && memMap.testFlag(old, PageFlags.PG_SWAPCACHE)) {
                deleteFromSwapCache(old);
            }
            if (!anon) {
                machine.pageCache().byId(memMap.mapping(old)).setPageDirty(memMap.index(old));
            }
            pt.setPte(mm.root, va, pte | Pte.RW | Pte.D, Page.SHIFT);
            flushPage(t.pid, va);
            cowReuses++;
            vmstat.inc(VmItem.PGREUSE);
            minorFaults++;
            pendingCost += cost.minorFault();
            return true;
        }
        if (!anonVmaPrepare(vma) || !t.alive) {
            return oom(t);
        }
        pinnedPfn = old;
        long pfn;
        try {
            pfn = allocUserPage(t);
        } finally {
            pinnedPfn = -1;
        }
        if (pfn < 0) {
            return false;
        }
        if (pt.getPte(mm.root, va) != pte) {
            freeUserFrame(pfn);
            return true;
        }
        memory.copyFrame(old, pfn);
        newAnonPage(pfn, vma, va);
        pt.setPte(mm.root, va, Pte.make(pfn, vma.pteFlags(true) | Pte.A | Pte.D), Page.SHIFT);
        flushPage(t.pid, va);
        lruAdd(mm, pfn);
        removeMapping(mm, old, pte);
        cowCopies++;
        minorFaults++;
        pendingCost += cost.minorFault();
        return true;
    }

    /** {@code reuse_swap_page}: this mapping is the page's only user, its slot has no other. */
    private boolean reuseable(long pfn) {
        if (memMap.mapcount(pfn) != 1) {
            return false;
        }
        if (memMap.testFlag(pfn, PageFlags.PG_SWAPCACHE)) {
            return swap.count(memMap.privateData(pfn)) == 0;
        }
        return true;
    }

    /** {@code do_swap_page}: the page was swapped out; bring it back (or find it in the swap cache). */
    private boolean doSwapPage(Task t, Vma vma, long va, long pte, boolean write) {
        Mm mm = t.mm;
        long slot = Pte.swapOffset(pte);
        SwapMap sm = swap();
        long pfn = sm.cachePfn(slot);
        boolean major = false;
        if (pfn < 0) {
            if (!anonVmaPrepare(vma) || !t.alive) {
                return oom(t);
            }
            long fresh = allocUserPage(t);
            if (fresh < 0) {
                return false;
            }
            if (pt.getPte(mm.root, va) != pte) {
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
                        swapStore.readPage(slot, pfn);
                    } catch (IOException e) {
                        freeUserFrame(pfn);
                        kill(t, "SIGBUS at " + Page.hex(va) + ": " + e.getMessage());
                        return false;
                    }
                } else {
                    memory.clearFrame(pfn);
                }
                memMap.setFlag(pfn, PageFlags.PG_ANON | PageFlags.PG_SWAPBACKED | PageFlags.PG_UPTODATE
                    | PageFlags.PG_SWAPCACHE);
                memMap.setMapping(pfn, vma.anonVma.id);
                memMap.setIndex(pfn, Page.vpn(va));
                memMap.setPrivateData(pfn, slot);
                memMap.setMapcount(pfn, 0);
                memMap.setRefcount(pfn, 1);
                sm.setCachePfn(slot, pfn);
                vmstat.inc(VmItem.NR_ANON_PAGES);
                vmstat.inc(VmItem.NR_SWAPCACHED);
                lruAdd(mm, pfn);
                major = true;
            }
        }
        sm.addCount(slot, -1);
        int mapcount = memMap.mapcount(pfn) + 1;
        memMap.setMapcount(pfn, mapcount);
        memMap.setRefcount(pfn, mapcount + 1);
        long flags = vma.pteFlags(vma.isShared());
        if (!vma.isShared() && write && mapcount == 1 && sm.count(slot) == 0) {
            deleteFromSwapCache(pfn);
            flags = vma.pteFlags(true) | Pte.D;
        }
        pt.setPte(mm.root, va, Pte.make(pfn, flags), Page.SHIFT);
        mm.rss++;
        if (major) {
            swapIns++;
            majorFaults++;
            vmstat.inc(VmItem.PSWPIN);
            vmstat.inc(VmItem.PGPGIN);
            vmstat.inc(VmItem.PGMAJFAULT);
            pendingCost += cost.pageFault();
        } else {
            minorFaults++;
            pendingCost += cost.minorFault();
        }
        return true;
    }

    private boolean oom(Task t) {
        if (t.alive) {
            oomKills++;
            vmstat.inc(VmItem.OOM_KILL);
            kill(t, "oom-killed");
        }
        return false;
    }

    /**
     * A frame for a user page of {@code t}: first, under a resident limit, one of its own
     * pages is reclaimed to make room; then the page allocator (which may reclaim and OOM-kill).
     * −1 when the process was killed meanwhile.
     */
    private long allocUserPage(Task t) {
        Lruvec own = t.mm.lruvec;
        if (own != null) {
            long over = own.policy.size() - settings.residentLimit() + 1;
            if (over > 0) {
                reclaimFrom(own, over, Gfp.GFP_KERNEL, false);
            }
        }
        for (int attempt = 0; attempt < 3; attempt++) {
            long pfn = allocator.allocPages(GFP_USER_PAGE, 0);
            if (!t.alive) {
                if (pfn >= 0) {
                    freeUserFrame(pfn);
                }
                return -1;
            }
            if (pfn >= 0) {
                return pfn;
            }
            if (!outOfMemory(GFP_USER_PAGE, 0) || !t.alive) {
                break;
            }
        }
        oom(t);
        return -1;
    }

    private void freeUserFrame(long pfn) {
        memMap.setMapcount(pfn, 0);
        memMap.setMapping(pfn, 0);
        memMap.setPrivateData(pfn, 0);
        memMap.setRefcount(pfn, 1);
        memory.clearFrame(pfn);
        allocator.freePages(pfn, 0);
    }

    // ------------------------------------------------------------------ unmapping

    /** Clears every entry in [start, end) of an address space, releasing pages and swap slots. */
    private void zapRange(Mm mm, long start, long end) {
        if (mm.root < 0) {
            return;
        }
        long[] orphans = settings.residentLimit() > 0 ? new long[8] : null;
        int[] nOrphans = {0};
        long[][] holder = {orphans};
        pt.forEach(mm.root, start, end, (va, pte) -> {
            if (Pte.isPresent(pte)) {
                long pfn = Pte.pfn(pte);
                mm.rss--;
                boolean freed = removeMapping(mm, pfn, pte);
                if (!freed && holder[0] != null && lruOf[(int) pfn] != 0 && lruvecs.get(lruOf[(int) pfn]).mm == mm) {
                    if (nOrphans[0] == holder[0].length) {
                        holder[0] = Arrays.copyOf(holder[0], nOrphans[0] * 2);
                    }
                    holder[0][nOrphans[0]++] = pfn;
                }
            } else {
                long slot = Pte.swapOffset(pte);
                swap.addCount(slot, -1);
                releaseSlotIfUnused(slot);
            }
            return 0;
        });
        flushAsidOf(mm);
        for (int i = 0; i < nOrphans[0]; i++) {
            rehome(holder[0][i]);
        }
    }

    /** A page whose owner's replacement set no longer maps it moves to the set of a mapper. */
    private void rehome(long pfn) {
        int lv = lruOf[(int) pfn];
        if (lv == 0 || memMap.mapcount(pfn) == 0) {
            return;
        }
        Mm[] found = {null};
        rmapWalk(pfn, (vma, va, pte) -> {
            if (found[0] == null) {
                found[0] = vma.mm;
            }
        });
        if (found[0] != null && found[0].lruvec != null && found[0].lruvec.id != lv) {
            lruvecs.get(lv).policy.remove(pfn);
            lruOf[(int) pfn] = 0;
            lruAdd(found[0], pfn);
        }
    }

    private void releaseSlotIfUnused(long slot) {
        if (swap.count(slot) == 0) {
            long cached = swap.cachePfn(slot);
            if (cached < 0) {
                swap.freeIfUnused(slot);
            }
        }
    }

    /**
     * {@code page_remove_rmap} + {@code put_page}: one mapping of {@code pfn} is gone (the
     * caller changed the PTE). Frees the page when it was the last. Returns whether it was freed.
     */
    private boolean removeMapping(Mm mm, long pfn, long pte) {
        if (!memMap.testFlag(pfn, PageFlags.PG_ANON)) {
            removeFileMapping(pfn, pte);
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
        lruRemove(pfn);
        if (cached) {
            long slot = memMap.privateData(pfn);
            if (swap.count(slot) > 0 && memMap.testFlag(pfn, PageFlags.PG_DIRTY)) {
                writeSlot(slot, pfn);
            }
            deleteFromSwapCache(pfn);
        }
        vmstat.add(VmItem.NR_ANON_PAGES, -1);
        freeUserFrame(pfn);
        return true;
    }

    /** {@code page_remove_rmap} for a page-cache page: the cache keeps it; it leaves the policy when unmapped. */
    private void removeFileMapping(long pfn, long pte) {
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
            lruRemove(pfn);
        }
    }

    private void deleteFromSwapCache(long pfn) {
        long slot = memMap.privateData(pfn);
        swap.setCachePfn(slot, -1);
        memMap.clearFlag(pfn, PageFlags.PG_SWAPCACHE);
        memMap.setPrivateData(pfn, 0);
        memMap.setRefcount(pfn, memMap.mapcount(pfn));
        vmstat.add(VmItem.NR_SWAPCACHED, -1);
        swap.freeIfUnused(slot);
    }

    private boolean writeSlot(long slot, long pfn) {
        if (keepsData) {
            try {
                swapStore.writePage(slot, pfn);
            } catch (IOException e) {
                memMap.setFlag(pfn, PageFlags.PG_ERROR);
                return false;
            }
        }
        swapOuts++;
        vmstat.inc(VmItem.PSWPOUT);
        vmstat.inc(VmItem.PGPGOUT);
        pendingCost += cost.pageIo();
        return true;
    }

    // ------------------------------------------------------------------ TLB

    /** {@code flush_tlb_page} on every CPU: the shootdown that follows a changed or removed PTE. */
    private void flushPage(int pid, long va) {
        tlbShootdowns++;
        int self = machine.currentCpu();
        boolean remote = false;
        for (int cpu = 0; cpu < tlbs.length; cpu++) {
            if (tlbs[cpu] != null) {
                tlbs[cpu].invalidatePage(va, pid);
                if (cpu == self) {
                    vmstat.inc(VmItem.NR_TLB_LOCAL_FLUSH_ONE);
                } else {
                    vmstat.inc(VmItem.NR_TLB_REMOTE_FLUSH_RECEIVED);
                    remote = true;
                }
            }
        }
        if (remote) {
            vmstat.inc(VmItem.NR_TLB_REMOTE_FLUSH);
        }
    }

    private void flushAsid(int pid) {
        for (Tlb tlb : tlbs) {
            if (tlb != null) {
                tlb.invalidateAsid(pid);
            }
        }
        vmstat.inc(VmItem.NR_TLB_LOCAL_FLUSH_ALL);
    }

    private void flushAsidOf(Mm mm) {
        Task owner = ownerOf(mm);
        if (owner != null) {
            flushAsid(owner.pid);
        }
    }

    private static Task ownerOf(Mm mm) {
        Task t = mm.owner;
        return t != null && t.mm == mm ? t : null;
    }

    @Override
    public void evicted(long vaddr, int asid, long pte) {
        // x86: the walk keeps A and D in memory; nothing to write back
    }

    @Override
    public boolean refill(SoftwareTlb tlb, long vaddr, int access) {
        int pid = lastPid[machine.currentCpu()];
        if (pid == 0) {
            return false;
        }
        Mm mm = tasks.get(pid - 1).mm;
        if (mm == null) {
            return false;
        }
        pt.walk(mm.root, vaddr, Access.isWrite(access), walk);
        walks++;
        walkMemoryReferences += walk.memoryReferences;
        pendingCost += cost.memory() * walk.memoryReferences;
        if (walk.pte == 0 || !Pte.permits(walk.pte, access)) {
            return false;
        }
        tlb.writeRandom(vaddr, walk.pte, walk.pageShift);
        return true;
    }

    // ------------------------------------------------------------------ reverse map

    /** What the reverse map visits: one PTE mapping the page. */
    @FunctionalInterface
    interface RmapVisitor {
        void visit(Vma vma, long va, long pte);
    }

    /** {@code rmap_walk_anon}: every present PTE that maps {@code pfn}. */
    void rmapWalk(long pfn, RmapVisitor visitor) {
        int id = memMap.mapping(pfn);
        if (!memMap.testFlag(pfn, PageFlags.PG_ANON)) {
            rmapWalkFile(pfn, id, visitor);
            return;
        }
        AnonVma av = id > 0 && id < anonVmas.length ? anonVmas[id] : null;
        if (av == null) {
            return;
        }
        long va = memMap.index(pfn) << Page.SHIFT;
        for (int i = 0; i < av.vmas.size(); i++) {
            Vma vma = av.vmas.get(i);
            if (vma.contains(va) && vma.mm.root >= 0) {
                long pte = pt.getPte(vma.mm.root, va);
                if (Pte.isPresent(pte) && Pte.pfn(pte) == pfn) {
                    visitor.visit(vma, va, pte);
                }
            }
        }
    }

    /** {@code rmap_walk_file}: the VMAs of the file's {@code i_mmap} that cover the page's index. */
    private void rmapWalkFile(long pfn, int fileId, RmapVisitor visitor) {
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
            long pte = pt.getPte(vma.mm.root, va);
            if (Pte.isPresent(pte) && Pte.pfn(pte) == pfn) {
                visitor.visit(vma, va, pte);
            }
        }
    }

    @Override
    public boolean testAndClearReferenced(long pfn) {
        boolean[] referenced = {memMap.testAndClearFlag(pfn, PageFlags.PG_REFERENCED)};
        rmapWalk(pfn, (vma, va, pte) -> {
            if (Pte.isAccessed(pte)) {
                referenced[0] = true;
                pt.setPte(vma.mm.root, va, pte & ~Pte.A, Page.SHIFT);
                Task owner = ownerOf(vma.mm);
                if (owner != null) {
                    flushPage(owner.pid, va);
                }
            }
        });
        return referenced[0];
    }

    @Override
    public boolean isReferenced(long pfn) {
        boolean[] referenced = {memMap.testFlag(pfn, PageFlags.PG_REFERENCED)};
        rmapWalk(pfn, (vma, va, pte) -> referenced[0] |= Pte.isAccessed(pte));
        return referenced[0];
    }

    @Override
    public boolean isDirty(long pfn) {
        boolean anon = memMap.testFlag(pfn, PageFlags.PG_ANON);
        if ((anon && !memMap.testFlag(pfn, PageFlags.PG_SWAPCACHE)) || memMap.testFlag(pfn, PageFlags.PG_DIRTY)) {
            return true;
        }
        boolean[] dirty = {false};
        rmapWalk(pfn, (vma, va, pte) -> dirty[0] |= Pte.isDirty(pte));
        return dirty[0];
    }

    @Override
    public boolean startWriteback(long pfn) {
        if (!isDirty(pfn)) {
            return true;
        }
        if (!memMap.testFlag(pfn, PageFlags.PG_ANON)) {
            // file pages are written by the page cache's flusher, not one at a time from here
            return false;
        }
        SwapMap sm = swap();
        long slot;
        if (memMap.testFlag(pfn, PageFlags.PG_SWAPCACHE)) {
            slot = memMap.privateData(pfn);
        } else {
            slot = sm.allocSlot();
            if (slot < 0) {
                return false;
            }
            addToSwapCache(pfn, slot);
        }
        cleanMappings(pfn);
        if (!writeSlot(slot, pfn)) {
            memMap.setFlag(pfn, PageFlags.PG_DIRTY);
            return false;
        }
        return true;
    }

    private void addToSwapCache(long pfn, long slot) {
        swap.setCachePfn(slot, pfn);
        memMap.setFlag(pfn, PageFlags.PG_SWAPCACHE);
        memMap.setPrivateData(pfn, slot);
        memMap.setRefcount(pfn, memMap.mapcount(pfn) + 1);
        vmstat.inc(VmItem.NR_SWAPCACHED);
    }

    /** {@code page_mkclean}: clears D in every mapping and PG_dirty, before the page is written. */
    private void cleanMappings(long pfn) {
        memMap.clearFlag(pfn, PageFlags.PG_DIRTY);
        rmapWalk(pfn, (vma, va, pte) -> {
            if (Pte.isDirty(pte) || Pte.isWritable(pte)) {
                long clean = pte & ~Pte.D;
                if (!vma.isShared()) {
                    clean &= ~Pte.RW;
                }
                pt.setPte(vma.mm.root, va, clean, Page.SHIFT);
                Task owner = ownerOf(vma.mm);
                if (owner != null) {
                    flushPage(owner.pid, va);
                }
            }
        });
    }

    // ------------------------------------------------------------------ replacement sets

    private void lruAdd(Mm mm, long pfn) {
        Lruvec lv = mm.lruvec != null ? mm.lruvec : global;
        lruOf[(int) pfn] = lv.id;
        memMap.setFlag(pfn, PageFlags.PG_LRU);
        lv.policy.add(pfn);
    }

    private void lruRemove(long pfn) {
        int lv = lruOf[(int) pfn];
        if (lv != 0) {
            lruvecs.get(lv).policy.remove(pfn);
            lruOf[(int) pfn] = 0;
            memMap.clearFlag(pfn, PageFlags.PG_LRU);
        }
    }

    // ------------------------------------------------------------------ reclaim (Vmscan)

    @Override
    public Vmscan vmscan() {
        return this;
    }

    @Override
    public long shrinkNode(long nrToReclaim, int gfp, boolean kswapd) {
        pt();
        long reclaimed = 0;
        while (reclaimed < nrToReclaim) {
            Lruvec lv = largestLruvec();
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

    private Lruvec largestLruvec() {
        if (global != null) {
            return global.policy.size() > 0 ? global : null;
        }
        Lruvec best = null;
        for (Lruvec lv : lruvecs) {
            if (lv != null && lv.policy.size() > 0 && (best == null || lv.policy.size() > best.policy.size())) {
                best = lv;
            }
        }
        return best;
    }

    /**
     * {@code shrink_page_list} over victims of one set, scanning each page at most once;
     * counts pgscan and pgsteal.
     */
    private long reclaimFrom(Lruvec lv, long nr, int gfp, boolean kswapd) {
        long reclaimed = 0;
        long scanned = 0;
        long limit = lv.policy.size();
        while (reclaimed < nr && scanned < limit) {
            long pfn = lv.policy.evict();
            if (pfn < 0) {
                break;
            }
            scanned++;
            lruOf[(int) pfn] = 0;
            memMap.clearFlag(pfn, PageFlags.PG_LRU);
            if (evictPage(pfn, gfp)) {
                reclaimed++;
            } else if (memMap.mapcount(pfn) > 0) {
                lruOf[(int) pfn] = lv.id;
                memMap.setFlag(pfn, PageFlags.PG_LRU);
                lv.policy.add(pfn);
            }
        }
        vmstat.add(kswapd ? VmItem.PGSCAN_KSWAPD : VmItem.PGSCAN_DIRECT, scanned);
        vmstat.add(kswapd ? VmItem.PGSTEAL_KSWAPD : VmItem.PGSTEAL_DIRECT, reclaimed);
        vmstat.add(VmItem.PGSCAN_ANON, scanned);
        vmstat.add(VmItem.PGSTEAL_ANON, reclaimed);
        return reclaimed;
    }

    /** {@code shrink_page_list} for one page: write if dirty, unmap everywhere, free. */
    private boolean evictPage(long pfn, int gfp) {
        if (pfn == pinnedPfn) {
            return false;
        }
        if (!memMap.testFlag(pfn, PageFlags.PG_ANON)) {
            return evictFilePage(pfn, gfp);
        }
        SwapMap sm = swap();
        boolean cached = memMap.testFlag(pfn, PageFlags.PG_SWAPCACHE);
        if (!cached && !Gfp.mayIo(gfp)) {
            return false;
        }
        long slot;
        if (cached) {
            slot = memMap.privateData(pfn);
        } else {
            slot = sm.allocSlot();
            if (slot < 0) {
                return false;
            }
            addToSwapCache(pfn, slot);
        }
        // try_to_unmap: every PTE becomes the swap entry; their D bits say whether to write
        long swp = Pte.swapEntry(0, slot);
        nrUnmapped = 0;
        unmappedDirty = false;
        rmapWalk(pfn, unmapToSwap);
        int mapcount = memMap.mapcount(pfn);
        if (nrUnmapped != mapcount) {
            throw new IllegalStateException("page " + Page.hex(pfn) + ": mapcount " + mapcount
                + " but the reverse map found " + nrUnmapped + " mappings");
        }
        for (int i = 0; i < nrUnmapped; i++) {
            pt.setPte(unmappedMm[i].root, unmappedVa[i], swp, Page.SHIFT);
            sm.addCount(slot, 1);
            unmappedMm[i].rss--;
            Task owner = ownerOf(unmappedMm[i]);
            if (owner != null) {
                flushPage(owner.pid, unmappedVa[i]);
            }
        }
        // pageout: nothing can write the page now; a failed write maps it back as it was
        if (!cached || unmappedDirty || memMap.testFlag(pfn, PageFlags.PG_DIRTY)) {
            if (!Gfp.mayIo(gfp) || !writeSlot(slot, pfn)) {
                for (int i = 0; i < nrUnmapped; i++) {
                    pt.setPte(unmappedMm[i].root, unmappedVa[i], unmappedPte[i], Page.SHIFT);
                    sm.addCount(slot, -1);
                    unmappedMm[i].rss++;
                }
                if (!cached) {
                    deleteFromSwapCache(pfn);
                } else {
                    memMap.setFlag(pfn, PageFlags.PG_DIRTY);
                }
                return false;
            }
            vmstat.inc(VmItem.NR_VMSCAN_WRITE);
        }
        memMap.clearFlag(pfn, PageFlags.PG_DIRTY);
        memMap.setMapcount(pfn, 0);
        deleteFromSwapCache(pfn);
        vmstat.add(VmItem.NR_ANON_PAGES, -1);
        freeUserFrame(pfn);
        return true;
    }

    // the mappings found by the last unmap walk (reused: eviction allocates nothing per page)
    private int nrUnmapped;
    private boolean unmappedDirty;
    private Mm[] unmappedMm = new Mm[8];
    private long[] unmappedVa = new long[8];
    private long[] unmappedPte = new long[8];
    private final RmapVisitor unmapToSwap = (vma, va, pte) -> {
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

    /**
     * A mapped page-cache page: a dirty one stays unless the caller may call into the
     * filesystem; otherwise every PTE is cleared (D moved to the page cache's dirty mark),
     * and the page cache drops the page, writing it first if dirty.
     */
    private boolean evictFilePage(long pfn, int gfp) {
        AddressSpace as = hasPageCache() ? machine.pageCache().byId(memMap.mapping(pfn)) : null;
        if (as == null || (isDirty(pfn) && !Gfp.mayFs(gfp))) {
            return false;
        }
        rmapWalk(pfn, (vma, va, pte) -> {
            pt.setPte(vma.mm.root, va, 0, Page.SHIFT);
            vma.mm.rss--;
            Task owner = ownerOf(vma.mm);
            if (owner != null) {
                flushPage(owner.pid, va);
            }
            removeFileMapping(pfn, pte);
        });
        if (memMap.mapcount(pfn) != 0) {
            throw new IllegalStateException("page " + Page.hex(pfn) + ": still mapped " + memMap.mapcount(pfn)
                + " times after the reverse map unmapped it");
        }
        return machine.pageCache().reclaimPage(pfn, Gfp.mayFs(gfp));
    }

    @Override
    public long shrinkSlab(int gfp) {
        long freed = machine.slab().shrink();
        vmstat.add(VmItem.SLABS_SCANNED, freed);
        return freed;
    }

    @Override
    public boolean outOfMemory(int gfp, int order) {
        Task victim = null;
        for (Task t : tasks) {
            if (t.alive && t.mm != null && t.mm.rss > 0 && (victim == null || t.mm.rss > victim.mm.rss)) {
                victim = t;
            }
        }
        if (victim == null) {
            return false;
        }
        oomKills++;
        vmstat.inc(VmItem.OOM_KILL);
        kill(victim, "oom-killed");
        return true;
    }

    // ------------------------------------------------------------------ fork, exec, exit

    @Override
    public int fork(int pid) {
        Task parent = task(pid);
        enter(parent);
        try {
            Task child = addTask(parent.name);
            forkChild = child;
            Mm mm = copyMm(parent, child);
            forkChild = null;
            if (mm == null) {
                child.alive = false;
                child.exitReason = "fork failed";
                return ENOMEM;
            }
            return child.pid;
        } finally {
            forkChild = null;
            leave();
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
        mm.startBrk = from.startBrk;
        mm.brk = from.brk;
        mm.startStack = from.startStack;
        for (Vma v : new ArrayList<>(from.vmas.values())) {
            if (!parent.alive || !child.alive) {
                break;
            }
            Vma c = newVma(mm, v.start, v.end, v.prot, v.flags);
            if (c == null) {
                child.alive = false;
                break;
            }
            c.offset = v.offset;
            c.fileId = v.fileId;
            c.path = v.path;
            mm.vmas.put(c.start, c);
            linkFile(c);
            if (v.anonVma != null) {
                linkAnonVma(c, v.anonVma);
            }
            if (!copyPtes(parent, child, v)) {
                child.alive = false;
                break;
            }
        }
        if (!parent.alive || !child.alive) {
            child.mm = null;
            destroyMm(mm);
            return null;
        }
        flushAsid(parent.pid);
        return mm;
    }

    /** {@code copy_page_range} for one VMA. */
    private boolean copyPtes(Task parent, Task child, Vma v) {
        long[][] found = {new long[16]};
        int[] n = {0};
        pt.forEach(parent.mm.root, v.start, v.end, (va, pte) -> {
            if (n[0] == found[0].length) {
                found[0] = Arrays.copyOf(found[0], n[0] * 2);
            }
            found[0][n[0]++] = va;
            return pte;
        });
        Mm mm = child.mm;
        for (int i = 0; i < n[0]; i++) {
            long va = found[0][i];
            if (!pt.populate(mm.root, va, Page.SHIFT) || !parent.alive || !child.alive) {
                return false;
            }
            long pte = pt.getPte(parent.mm.root, va);
            if (pte == 0) {
                continue;
            }
            long childPte;
            if (Pte.isPresent(pte)) {
                long pfn = Pte.pfn(pte);
                if (!v.isShared() && Pte.isWritable(pte)) {
                    pte &= ~Pte.RW;
                    pt.setPte(parent.mm.root, va, pte, Page.SHIFT);
                }
                childPte = pte & ~(Pte.A | Pte.D);
                int mapcount = memMap.mapcount(pfn) + 1;
                memMap.setMapcount(pfn, mapcount);
                memMap.setRefcount(pfn, mapcount + (memMap.testFlag(pfn, PageFlags.PG_SWAPCACHE) ? 1 : 0));
                if (Pte.isDirty(pte)) {
                    memMap.setFlag(pfn, PageFlags.PG_DIRTY);
                    pt.setPte(parent.mm.root, va, pte & ~Pte.D, Page.SHIFT);
                }
                mm.rss++;
            } else {
                swap.addCount(Pte.swapOffset(pte), 1);
                childPte = pte;
            }
            pt.setPte(mm.root, va, childPte, Page.SHIFT);
        }
        return true;
    }

    @Override
    public void exec(int pid, String name) {
        Task t = task(pid);
        enter(t);
        try {
            Mm old = t.mm;
            t.mm = null;
            destroyMm(old);
            flushAsid(t.pid);
            Mm mm = newMm(t, false);
            if (mm == null) {
                t.alive = false;
                t.exitReason = "oom-killed";
                return;
            }
            t.mm = mm;
            t.name = name;
        } finally {
            leave();
        }
    }

    @Override
    public void exit(int pid) {
        Task t = task(pid);
        kill(t, "exited");
        leave();
    }

    // ------------------------------------------------------------------ mmap and friends

    private long mmapBase() {
        long top = pt.userAddressLimit();
        return (top - settings.stackLimit() - STACK_GUARD_GAP) & ~Page.OFFSET_MASK;
    }

    private boolean rangeFree(Mm mm, long start, long end) {
        if (start < 0 || end > pt.userAddressLimit() || start >= end) {
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
        return hi - len >= MMAP_MIN ? hi - len : -1;
    }

    @Override
    public long mmap(int pid, long addr, long length, int prot, int flags, int fd, long offset) {
        Task t = task(pid);
        enter(t);
        try {
            pt();
            if (length <= 0 || (prot & ~(Mman.PROT_READ | Mman.PROT_WRITE | Mman.PROT_EXEC)) != 0) {
                return EINVAL;
            }
            int type = flags & (Mman.MAP_SHARED | Mman.MAP_PRIVATE);
            if (type != Mman.MAP_SHARED && type != Mman.MAP_PRIVATE) {
                return EINVAL;
            }
            AddressSpace file = null;
            if ((flags & Mman.MAP_ANONYMOUS) == 0) {
                if (!hasPageCache()) {
                    return ENODEV;
                }
                file = file(t, fd);
                if (file == null) {
                    return EBADF;
                }
                if ((offset & Page.OFFSET_MASK) != 0 || offset < 0) {
                    return EINVAL;
                }
            }
            long len = Page.align(length);
            if (len <= 0 || len > pt.userAddressLimit()) {
                return ENOMEM;
            }
            Mm mm = t.mm;
            long start;
            if ((flags & Mman.MAP_FIXED) != 0) {
                if ((addr & Page.OFFSET_MASK) != 0) {
                    return EINVAL;
                }
                if (addr < MMAP_MIN || addr + len > pt.userAddressLimit() || addr + len < addr) {
                    return ENOMEM;
                }
                int r = unmapRange(mm, addr, addr + len);
                if (r != 0) {
                    return r;
                }
                start = addr;
            } else if (addr != 0 && (addr & Page.OFFSET_MASK) == 0 && addr >= MMAP_MIN && rangeFree(mm, addr, addr + len)) {
                start = addr;
            } else {
                start = unmappedArea(mm, len);
                if (start < 0) {
                    return ENOMEM;
                }
            }
            Vma v = newVma(mm, start, start + len, prot, flags & (Mman.MAP_SHARED | Mman.MAP_PRIVATE
                | Mman.MAP_ANONYMOUS | Mman.MAP_GROWSDOWN));
            if (v == null || !t.alive) {
                if (v != null) {
                    freeVma(v);
                }
                return ENOMEM;
            }
            if (file != null) {
                v.fileId = file.id();
                v.path = file.path();
                v.offset = offset;
            }
            insertVma(mm, v);
            return start;
        } finally {
            leave();
        }
    }

    /** Inserts a VMA into a range known to be free and merges it with equal neighbours ({@code vma_merge}). */
    private void insertVma(Mm mm, Vma v) {
        linkFile(v);
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
            linkAnonVma(a, b.anonVma);
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
            linkAnonVma(tail, v.anonVma);
        }
        linkFile(tail);
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
            return ENOMEM;
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

    @Override
    public int munmap(int pid, long addr, long length) {
        Task t = task(pid);
        enter(t);
        try {
            if ((addr & Page.OFFSET_MASK) != 0 || length <= 0) {
                return EINVAL;
            }
            long len = Page.align(length);
            if (addr + len > pt.userAddressLimit() || addr + len < addr) {
                return EINVAL;
            }
            return unmapRange(t.mm, addr, addr + len);
        } finally {
            leave();
        }
    }

    @Override
    public int mprotect(int pid, long addr, long length, int prot) {
        Task t = task(pid);
        enter(t);
        try {
            if ((addr & Page.OFFSET_MASK) != 0 || (prot & ~(Mman.PROT_READ | Mman.PROT_WRITE | Mman.PROT_EXEC)) != 0) {
                return EINVAL;
            }
            if (length == 0) {
                return 0;
            }
            long len = Page.align(length);
            long end = addr + len;
            if (length < 0 || end < addr) {
                return EINVAL;
            }
            Mm mm = t.mm;
            for (long a = addr; a < end; ) {
                Vma v = mm.find(a);
                if (v == null) {
                    return ENOMEM;
                }
                a = v.end;
            }
            if (!splitAt(mm, addr, end)) {
                return ENOMEM;
            }
            List<Vma> range = new ArrayList<>(mm.vmas.subMap(addr, true, end, false).values());
            for (Vma v : range) {
                v.prot = prot;
                pt.forEach(mm.root, v.start, v.end, (va, pte) -> {
                    if (!Pte.isPresent(pte)) {
                        return pte;
                    }
                    boolean writable = v.isShared() || Pte.isWritable(pte);
                    return Pte.make(Pte.pfn(pte), v.pteFlags(writable) | (pte & (Pte.A | Pte.D)));
                });
            }
            flushAsid(t.pid);
            for (Vma v : range) {
                if (mm.vmas.get(v.start) == v) {
                    mergeAround(mm, v);
                }
            }
            return 0;
        } finally {
            leave();
        }
    }

    @Override
    public long brk(int pid, long newBrk) {
        Task t = task(pid);
        enter(t);
        try {
            Mm mm = t.mm;
            if (newBrk < mm.startBrk) {
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
            leave();
        }
    }

    // ------------------------------------------------------------------ files

    private AddressSpace file(Task t, int fd) {
        return fd >= 0 && fd < t.files.size() ? t.files.get(fd) : null;
    }

    @Override
    public int open(int pid, String path, boolean create) {
        Task t = task(pid);
        if (!hasPageCache()) {
            return ENODEV;
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
            return ENOENT;
        } catch (IOException e) {
            return EIO;
        }
    }

    @Override
    public int close(int pid, int fd) {
        Task t = task(pid);
        if (!hasPageCache()) {
            return ENODEV;
        }
        if (file(t, fd) == null) {
            return EBADF;
        }
        t.files.set(fd, null);
        return 0;
    }

    @Override
    public int pread(int pid, int fd, byte[] buffer, int length, long pos) {
        return onFile(pid, fd, as -> pos < 0 || length < 0 || length > buffer.length ? EINVAL : as.read(pos, buffer, 0, length));
    }

    @Override
    public int pwrite(int pid, int fd, byte[] buffer, int length, long pos) {
        return onFile(pid, fd, as -> pos < 0 || length < 0 || length > buffer.length ? EINVAL : as.write(pos, buffer, 0, length));
    }

    @Override
    public int ftruncate(int pid, int fd, long length) {
        return onFile(pid, fd, as -> {
            if (length < 0) {
                return EINVAL;
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
     * page cache, EBADF for a descriptor that is not open, EIO when the file's I/O fails.
     */
    private int onFile(int pid, int fd, FileCall call) {
        Task t = task(pid);
        if (!hasPageCache()) {
            return ENODEV;
        }
        AddressSpace as = file(t, fd);
        if (as == null) {
            return EBADF;
        }
        try {
            return call.apply(as);
        } catch (IOException e) {
            return EIO;
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
                zapRange(vma.mm, start, vma.end);
            }
        }
    }

    @Override
    public int fsync(int pid, int fd) {
        return onFile(pid, fd, as -> {
            as.fsync();
            return 0;
        });
    }

    // ------------------------------------------------------------------ reports

    @Override
    public long swapTotalPages() {
        return swap().totalPages();
    }

    @Override
    public long swapFreePages() {
        return swap().freePages();
    }

    @Override
    public Map<String, Long> counters() {
        Map<String, Long> c = new LinkedHashMap<>();
        c.put("references", references);
        c.put("tlb_hits", tlbHits);
        c.put("tlb_misses", tlbMisses);
        c.put("walks", walks);
        c.put("walk_memory_references", walkMemoryReferences);
        c.put("dirty_rewalks", dirtyRewalks);
        c.put("page_faults", faults);
        c.put("minor_faults", minorFaults);
        c.put("major_faults", majorFaults);
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
        if (hasPageCache()) {
            try {
                machine.pageCache().shutdown();
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
                if (Pte.isPresent(pte)) {
                    long pfn = Pte.pfn(pte);
                    mapcount[(int) pfn]++;
                    rss[0]++;
                    boolean anon = memMap.testFlag(pfn, PageFlags.PG_ANON);
                    boolean fileOk = !anon && v.fileId != 0 && memMap.mapping(pfn) == v.fileId
                        && memMap.index(pfn) == fileIndex(v, va);
                    if (!fileOk && (!anon || memMap.index(pfn) != Page.vpn(va))) {
                        throw new IllegalStateException("pid " + t.pid + ": page " + Page.hex(pfn) + " at " + Page.hex(va)
                            + " has flags " + PageFlags.describe(memMap.flags(pfn)) + " index " + Page.hex(memMap.index(pfn)));
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
        for (int pfn = 0; pfn < n; pfn++) {
            if (mapcount[pfn] != 0 || memMap.testFlag(pfn, PageFlags.PG_ANON)) {
                if (memMap.mapcount(pfn) != mapcount[pfn]) {
                    throw new IllegalStateException("page " + Page.hex(pfn) + ": mapcount " + memMap.mapcount(pfn)
                        + " but " + mapcount[pfn] + " PTEs map it");
                }
                if (lruOf[pfn] == 0) {
                    throw new IllegalStateException("page " + Page.hex(pfn) + ": mapped but in no replacement set");
                }
            }
            if (lruOf[pfn] != 0) {
                lruPages++;
            }
        }
        long policyPages = 0;
        for (Lruvec lv : lruvecs) {
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
