package dev.mmkit.paging.mm;

import dev.mmkit.api.hw.Access;
import dev.mmkit.api.hw.Page;
import dev.mmkit.api.hw.PhysicalMemory;
import dev.mmkit.api.hw.Pte;
import dev.mmkit.api.machine.CostModel;
import dev.mmkit.api.machine.Machine;
import dev.mmkit.api.machine.MemMap;
import dev.mmkit.api.machine.PageFlags;
import dev.mmkit.api.pagetable.PageTable;
import dev.mmkit.api.pagetable.Walk;
import dev.mmkit.api.replacement.ReplacementPolicy;
import dev.mmkit.api.tlb.SoftwareTlb;
import dev.mmkit.api.tlb.Tlb;

/**
 * The MMU path of every reference ({@code load}, {@code store}, {@code access}): the hot
 * path of the machine. {@link #translate} charges a TLB lookup; a permitted hit (with D set
 * when writing) is done. Otherwise the page table is walked with one reused {@link Walk}
 * (each entry read costs a memory reference), and a present, permitted leaf fills the TLB;
 * anything else is a page fault, handed to {@link Faults#handleFault} ({@code
 * handle_mm_fault}), after which the reference is retried as the CPU retries the
 * instruction. A switch of process on a CPU switches its TLB to the new ASID.
 *
 * <p>It also answers a software-refilled TLB's miss ({@link #refill}: the walk the MIPS
 * refill handler does) and reports every reference to the replacement policy when a
 * policy asked for them. It keeps the hot path's counters itself, and reaches the shared
 * state through final fields only, so a reference costs no lookup of a collaborator.
 * {@code tlb_hits} and {@code tlb_misses} count lookups as the TLB does: an entry the TLB
 * held is a hit even when the MMU cannot use it (D clear on a write, or a write to a
 * read-only entry); a miss the software refill handler answered is a miss.
 *
 * <p>An entry a replacement policy made invalid ({@code Pte.PROTNONE}) does not translate:
 * the walk fails on it like on any non-present entry, and {@link Faults} takes the soft fault.
 *
 * <h2>Host speed</h2>
 * A reference that hits the TLB runs {@link #translate} only, small enough for the JIT to
 * inline into each entry point; a miss continues in {@link #translateMiss}, into which the
 * page table's walk inlines in turn. A reference enters the kernel
 * ({@link LinuxMemoryManager#enter}: the task whose call is running) only when it faults:
 * nothing on the way to a translation looks at the current task, and storing a reference
 * into the heap costs a garbage-collector write barrier on every reference.
 *
 * <p>A replay of a large trace waits on the host's memory: a major fault reads the
 * page's leaf entry and then, with the swap entry found there, its swap slot's word, two
 * dependent loads that each miss the host's caches when the trace spans more pages than
 * they hold. {@link #prefetch} takes the replay's next references and reads their entries
 * at once ({@link PageTable#getPtes}: the radix tables find every entry's address first
 * and only then load them, so that few instructions separate the loads and the host's CPU
 * has many in flight), then the slots those entries name in a second loop, so a batch
 * waits for memory about twice instead of twice per fault. A fault also evicts, and in a
 * set of thousands of pages the victim's lines are as cold as the faulting page's, so the
 * same hint reads the set's next victims ahead ({@link #prefetchVictims}). The values are
 * only read ({@link PageTable#getPtes}, {@link SwapMap#word} and the policy's
 * {@code candidates} change nothing simulated) and summed into a field, so that the
 * compiler keeps the loads.
 */
final class Mmu {
    private final LinuxMemoryManager k;
    private final Machine machine;
    private final PhysicalMemory memory;
    private final CostModel cost;
    private final boolean keepsData;
    private final long tlbHitCost;
    private final long memoryCost;
    private final Lru lru;
    private final Faults faults;
    private final MemMap memMap;
    /** The one walk every translation reuses (the MMU allocates nothing per reference). */
    private final Walk walk = new Walk();

    // counters of the hot path
    long references;
    long tlbHits;
    long tlbMisses;
    long walks;
    long walkMemoryReferences;
    long dirtyRewalks;
    /** Translations the software TLB's refill handler wrote. */
    long refills;

    /** {@link #prefetch}'s entries, between its two loops. */
    private long[] prefetched = new long[0];
    /** Next victims {@link #prefetchVictims} reads ahead at each hint. */
    private static final int VICTIMS = 16;
    /**
     * The smallest set whose victims {@link #prefetchVictims} reads ahead. The lines an
     * eviction reads are about seven a page; a set of a few thousand pages keeps all of them
     * in the host's L2 (1-2 MiB), and reading them again would only cost instructions.
     */
    private static final long VICTIMS_FROM = 4096;
    /** {@link #prefetchVictims}' pages, their addresses, slots and entries, between its loops. */
    private final long[] victims = new long[VICTIMS];
    private final long[] victimVa = new long[VICTIMS];
    private final long[] victimSlot = new long[VICTIMS];
    private final long[] victimPtes = new long[VICTIMS];
    /** Pages {@link #prefetchVictims} read ahead (host-side, for tests). */
    long prefetchedVictims;
    /** What {@link #prefetch} read, summed: a use of its loads, which nothing else reads. */
    long prefetchedSum;

    Mmu(LinuxMemoryManager k) {
        this.k = k;
        this.machine = k.machine;
        this.memory = k.memory;
        this.cost = k.cost;
        this.keepsData = k.keepsData;
        this.tlbHitCost = cost.tlbHit();
        this.memoryCost = cost.memory();
        this.lru = k.lru;
        this.faults = k.faults;
        this.memMap = k.memMap;
    }

    boolean access(int pid, long vaddr, int access, long nextAccess) {
        Task t = k.task(pid);
        try {
            long paddr = translate(t, vaddr, access);
            if (paddr < 0) {
                return false;
            }
            if (lru.policyWantsReferences) {
                lru.referenced(paddr >>> Page.SHIFT, nextAccess);
            }
            return true;
        } finally {
            k.leave();
        }
    }

    /** {@link dev.mmkit.api.workload.Kernel#prefetch}: see the class comment. */
    void prefetch(int pid, long[] vaddrs, int count) {
        Task t = k.task(pid);
        long root = t.mm.root;
        if (prefetched.length < count) {
            prefetched = new long[count];
        }
        long[] ptes = prefetched;
        k.pt.getPtes(root, vaddrs, ptes, count);
        long sum = 0;
        SwapMap sm = k.swap;
        if (sm != null) {
            for (int i = 0; i < count; i++) {
                if (Pte.isSwap(ptes[i])) {
                    sum += sm.word(Pte.swapOffset(ptes[i]));
                }
            }
        }
        prefetchedSum += sum + prefetchVictims(t);
    }

    /**
     * The other half of {@link #prefetch}: the pages the task's replacement set would evict
     * next ({@link ReplacementPolicy#candidates}), read as their eviction will read them:
     * the frame's {@code struct page} words and its set, then (an anonymous page of the
     * task's own, mapped once) its leaf entry, then (in the swap cache) its slot's word. A
     * large set's next victims were last touched long ago, so each of these loads misses the
     * host's caches; read here, they wait together, once per loop.
     */
    private long prefetchVictims(Task t) {
        Lruvec lv = t.mm.lruvec != null ? t.mm.lruvec : lru.global;
        if (lv == null || lv.policy.size() < VICTIMS_FROM) {
            return 0;
        }
        long[] pfns = victims;
        int n = lv.policy.candidates(pfns, pfns.length);
        prefetchedVictims += n;
        long sum = 0;
        long[] vas = victimVa;
        long[] slots = victimSlot;
        int[] lruOf = lru.lruOf;
        for (int i = 0; i < n; i++) {
            long pfn = pfns[i];
            if (pfn < 0 || pfn >= lruOf.length) {
                n = i; // not a frame: a plugin's answer is only a hint
                break;
            }
            int flags = memMap.flags(pfn);
            sum += memMap.mapping(pfn) + lruOf[(int) pfn];
            vas[i] = (flags & PageFlags.PG_ANON) != 0 ? memMap.index(pfn) << Page.SHIFT : -1;
            slots[i] = (flags & PageFlags.PG_SWAPCACHE) != 0 ? memMap.privateData(pfn) : -1;
        }
        long root = t.mm.root;
        int m = 0;
        for (int i = 0; i < n; i++) {
            long va = vas[i];
            if (va >= 0) {
                Vma sole = k.rmap.soleAnonVma(pfns[i]);
                if (sole != null && sole.mm.root == root) {
                    vas[m++] = va;
                }
            }
        }
        long[] ptes = victimPtes;
        k.pt.getPtes(root, vas, ptes, m);
        SwapMap sm = k.swap;
        for (int i = 0; i < m; i++) {
            sum += ptes[i];
        }
        if (sm != null) {
            for (int i = 0; i < n; i++) {
                if (slots[i] >= 0) {
                    sum += sm.word(slots[i]);
                }
            }
        }
        return sum;
    }

    long load(int pid, long vaddr, int size) {
        checkSize(size);
        Task t = k.task(pid);
        try {
            if (Page.offset(vaddr) + size <= Page.SIZE) {
                long paddr = translate(t, vaddr, Access.READ);
                if (paddr < 0) {
                    return 0;
                }
                if (lru.policyWantsReferences) {
                    lru.referenced(paddr >>> Page.SHIFT, -1);
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
            k.leave();
        }
    }

    boolean store(int pid, long vaddr, int size, long value) {
        checkSize(size);
        Task t = k.task(pid);
        try {
            if (Page.offset(vaddr) + size <= Page.SIZE) {
                long paddr = translate(t, vaddr, Access.WRITE);
                if (paddr < 0) {
                    return false;
                }
                if (lru.policyWantsReferences) {
                    lru.referenced(paddr >>> Page.SHIFT, -1);
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
            k.leave();
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

    /**
     * The physical address a reference reaches, after any fault; −1 when it killed the process.
     * The TLB hit is handled here and kept small, so that the JIT inlines it into every
     * caller; anything else goes on in {@link #translateMiss}.
     */
    private long translate(Task t, long vaddr, int access) {
        references++;
        int cpu = machine.currentCpu();
        Tlb tlb = k.tlbs[cpu];
        if (tlb == null) {
            tlb = k.tlb(cpu);
        }
        if (k.lastPid[cpu] != t.pid) {
            tlb.switchTo(t.pid);
            k.lastPid[cpu] = t.pid;
        }
        long refillsBefore = refills;
        long e = tlb.lookup(vaddr, access);
        // counted as the TLB counts its lookups: an entry it held is a hit (whatever the
        // MMU then makes of it); a software TLB's miss answered by the refill handler is a miss
        boolean hit = e != 0 && refills == refillsBefore;
        if (e != 0 && usable(e, access)) {
            if (hit) {
                tlbHits++;
            } else {
                tlbMisses++;
            }
            k.pendingCost += tlbHitCost + memoryCost;
            return (e & Pte.PFN_MASK) | (vaddr & Page.OFFSET_MASK);
        }
        k.pendingCost += tlbHitCost;
        return translateMiss(t, tlb, vaddr, access, e, hit);
    }

    /** Whether a TLB entry translates {@code access} as it is: permitted, and D already set for a write. */
    private static boolean usable(long e, int access) {
        return Pte.permits(e, access) && ((access & Access.WRITE) == 0 || (e & Pte.D) != 0);
    }

    /**
     * The rest of {@link #translate} after a first lookup that gave no usable entry {@code e}
     * ({@code hit}: the TLB held it): walk, fill the TLB, or take the fault and retry.
     */
    private long translateMiss(Task t, Tlb tlb, long vaddr, int access, long e, boolean hit) {
        boolean write = (access & Access.WRITE) != 0;
        long memCost = memoryCost;
        for (int attempt = 0; ; attempt++) {
            if (attempt > 0) {
                k.pendingCost += tlbHitCost;
                long refillsBefore = refills;
                e = tlb.lookup(vaddr, access);
                hit = e != 0 && refills == refillsBefore;
            }
            if (hit) {
                tlbHits++;
            } else {
                tlbMisses++;
            }
            if (e != 0 && Pte.permits(e, access)) {
                if (!write || (e & Pte.D) != 0) {
                    k.pendingCost += memCost;
                    return (e & Pte.PFN_MASK) | (vaddr & Page.OFFSET_MASK);
                }
                dirtyRewalks++;
            }
            Walk w = walk;
            k.pt.walk(t.mm.root, vaddr, write, w);
            walks++;
            long pte = w.pte;
            int refs = w.memoryReferences;
            walkMemoryReferences += refs;
            if (pte != 0 && Pte.permits(pte, access)) {
                int pageShift = w.pageShift;
                tlb.insert(vaddr, access, pte, pageShift);
                k.pendingCost += memCost * (refs + 1);
                long mask = (1L << pageShift) - 1;
                return ((pte & Pte.PFN_MASK) & ~mask) | (vaddr & mask);
            }
            k.pendingCost += memCost * refs;
            if (!fault(t, vaddr, access, attempt)) {
                return -1;
            }
        }
    }

    /** A page fault on {@code vaddr} after the walk in {@link #walk}; false when it killed the process. */
    private boolean fault(Task t, long vaddr, int access, int attempt) {
        if (attempt >= 16) {
            throw new IllegalStateException("pid " + t.pid + ": fault at " + Page.hex(vaddr) + " ("
                + Access.letter(access) + ") not resolved after " + attempt + " attempts; entry "
                + Pte.describe(k.pt.getPte(t.mm.root, vaddr)));
        }
        k.enter(t);
        Walk w = walk;
        return faults.handleFault(t, vaddr, access, w.faultLevel == 0 ? w.pte : w.entry, w.faultLevel);
    }

    /**
     * An entry left a TLB that keeps its own A and D (the Nachos convention; an x86 TLB never
     * calls this): its bits are ORed into the PTE of address space {@code asid} (a pid) at
     * {@code vaddr}, if that PTE still maps the entry's frame. D is kept even when the PTE
     * has since been write-protected (the page was written), and nothing is cleared.
     */
    void evicted(long vaddr, int asid, long pte) {
        long bits = pte & (Pte.A | Pte.D);
        Task t = asid >= 1 && asid <= k.tasks.size() ? k.tasks.get(asid - 1) : null;
        Mm mm = t == null ? null : t.mm;
        if (bits == 0 || mm == null || mm.root < 0) {
            return;
        }
        long current = k.pt.getPte(mm.root, vaddr);
        if (Rmap.mapsPage(current, Pte.pfn(pte)) && (current & bits) != bits) {
            int shift = (current & Pte.PS) != 0 ? k.pt.largePageShift() : Page.SHIFT;
            k.pt.setPte(mm.root, vaddr, current | bits, shift);
        }
    }

    boolean refill(SoftwareTlb tlb, long vaddr, int access) {
        int pid = k.lastPid[machine.currentCpu()];
        if (pid == 0) {
            return false;
        }
        Mm mm = k.tasks.get(pid - 1).mm;
        if (mm == null) {
            return false;
        }
        k.pt.walk(mm.root, vaddr, Access.isWrite(access), walk);
        walks++;
        walkMemoryReferences += walk.memoryReferences;
        k.pendingCost += cost.memory() * walk.memoryReferences;
        if (walk.pte == 0 || !Pte.permits(walk.pte, access)) {
            return false;
        }
        tlb.writeRandom(vaddr, walk.pte, walk.pageShift);
        refills++;
        return true;
    }
}
