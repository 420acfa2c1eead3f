package dev.mmkit.paging.mm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.hw.Page;
import dev.mmkit.api.hw.Pte;
import dev.mmkit.api.tlb.Tlb;
import dev.mmkit.api.workload.Mman;
import dev.mmkit.machine.StandaloneMachine;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

// Fuzzes the MMU with 1-2 CPUs: after every operation no CPU's TLB may hold a translation the current PTE does not allow; values follow a model.
class TlbCoherenceFuzzTest {
    /** A page of the model: its protection and its value (a cell shared by MAP_SHARED mappings across fork). */
    static final class PageInfo {
        int prot;
        final boolean shared;
        long[] cell;

        PageInfo(int prot, boolean shared, long[] cell) {
            this.prot = prot;
            this.shared = shared;
            this.cell = cell;
        }
    }

    /** One mapping of the model: its pages, from its first address. */
    static final class Region {
        final long start;
        final int pages;

        Region(long start, int pages) {
            this.start = start;
            this.pages = pages;
        }
    }

    static final class Proc {
        final int pid;
        final TreeMap<Long, PageInfo> pages = new TreeMap<>();
        final List<Region> regions = new ArrayList<>();

        Proc(int pid) {
            this.pid = pid;
        }
    }

    // ------------------------------------------------------------------ reading a TLB's entries (the tlb module's internals)

    record Entry(int asid, long vaddr, int shift, long pte, String level) {
    }

    static Object field(Object o, String name) {
        try {
            Class<?> c = o.getClass();
            while (c != null) {
                try {
                    Field f = c.getDeclaredField(name);
                    f.setAccessible(true);
                    return f.get(o);
                } catch (NoSuchFieldException e) {
                    c = c.getSuperclass();
                }
            }
            throw new IllegalArgumentException(name);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    static Object call(Object o, String name, Object... args) {
        try {
            for (Method m : o.getClass().getDeclaredMethods()) {
                if (m.getName().equals(name) && m.getParameterCount() == args.length) {
                    m.setAccessible(true);
                    return m.invoke(o, args);
                }
            }
            throw new IllegalArgumentException(name);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    static final int[] SHIFTS = {Page.SHIFT, Page.SHIFT_2M, Page.SHIFT_4M, Page.SHIFT_1G};

    static List<Entry> entries(Tlb tlb) {
        List<Entry> out = new ArrayList<>();
        Object asids = field(tlb, "asids");
        boolean enabled = (Boolean) field(asids, "enabled");
        for (Object level : (Object[]) field(tlb, "levels")) {
            long[] tags = (long[]) field(level, "tag");
            long[] ptes = (long[]) field(level, "pte");
            for (int slot = 0; slot < tags.length; slot++) {
                long t = tags[slot];
                if (t == 0) {
                    continue;
                }
                boolean global = (t & 2) != 0;
                int size = (int) (t >>> 2) & 3;
                int hw = (int) (t >>> 4) & 0x7fff;
                long vaddr = (t >>> 19) << SHIFTS[size];
                if ((vaddr & (1L << 56)) != 0) {
                    vaddr |= -1L << 57; // sign-extend a kernel address
                }
                int asid = global ? -1 : enabled ? (Integer) call(asids, "owner", hw) : (Integer) call(asids, "current");
                out.add(new Entry(asid, vaddr, SHIFTS[size], ptes[slot], (String) field(level, "name")));
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ the harness

    private StandaloneMachine machine;
    private LinuxMemoryManager k;
    private final Map<Integer, Proc> procs = new HashMap<>();
    private final List<String> history = new ArrayList<>();

    private void check(String op) {
        k.verify();
        boolean keepsBits = k.tlbKeepsBits;
        for (int cpu = 0; cpu < k.tlbs.length; cpu++) {
            Tlb tlb = k.tlbs[cpu];
            if (tlb == null) {
                continue;
            }
            for (Entry e : entries(tlb)) {
                if (e.asid < 1 || e.asid > k.tasks.size()) {
                    continue;
                }
                Task t = k.tasks.get(e.asid - 1);
                if (!t.alive || t.mm == null || t.mm.root < 0) {
                    continue;
                }
                checkedEntries++;
                for (long va = e.vaddr; va < e.vaddr + (1L << e.shift); va += Page.SIZE) {
                    long pte = k.pt.getPte(t.mm.root, va);
                    long basePfn = Pte.pfn(e.pte) + ((va - e.vaddr) >>> Page.SHIFT);
                    String where = "op " + history.size() + " " + op + ": cpu " + cpu + " " + e.level + " pid " + e.asid + " va " + Page.hex(va)
                        + " tlb " + Pte.describe(e.pte) + " pfn " + Page.hex(basePfn) + ", pte " + Pte.describe(pte) + "\nhistory " + tail();
                    boolean stale = !Pte.isPresent(pte) || Pte.pfn(pte) != basePfn
                        || (Pte.isWritable(e.pte) && !Pte.isWritable(pte))
                        || (Pte.isUser(e.pte) && !Pte.isUser(pte))
                        || (!Pte.isNoExecute(e.pte) && Pte.isNoExecute(pte))
                        || (!keepsBits && Pte.isDirty(e.pte) && !Pte.isDirty(pte));
                    if (stale) {
                        throw new AssertionError("stale TLB entry: " + where);
                    }
                    if (e.shift != Page.SHIFT) {
                        break;
                    }
                }
            }
        }
    }

    private String tail() {
        return String.join("\n  ", history.subList(Math.max(0, history.size() - 25), history.size()));
    }

    private void dropDead() {
        procs.keySet().removeIf(pid -> !k.alive(pid));
    }

    private Proc randomProc(SplittableRandom r) {
        List<Proc> live = new ArrayList<>(procs.values());
        live.sort((a, b) -> Integer.compare(a.pid, b.pid));
        return live.isEmpty() ? null : live.get(r.nextInt(live.size()));
    }

    private static long randomPageIn(Proc p, SplittableRandom r) {
        if (p.regions.isEmpty()) {
            return -1;
        }
        Region g = p.regions.get(r.nextInt(p.regions.size()));
        return g.start + Page.address(r.nextInt(g.pages));
    }

    private long checkedEntries;
    private int failedForks;

    private void run(String extra, long seed, int ops) {
        run("1MiB", "4MiB", extra, seed, ops);
    }

    private void run(String ram, String swap, String extra, long seed, int ops) {
        machine = Machines.small(ram, swap, extra);
        checkedEntries = 0;
        failedForks = 0;
        k = Machines.mm(machine);
        procs.clear();
        history.clear();
        SplittableRandom r = new SplittableRandom(seed);
        int nrCpus = machine.nrCpus();
        for (int op = 0; op < ops; op++) {
            int cpu = r.nextInt(nrCpus);
            machine.setCurrentCpu(cpu);
            Proc p = randomProc(r);
            int kind = r.nextInt(100);
            String what;
            if (p == null || (kind < 1 && procs.size() < 5)) {
                int pid = k.spawn("p");
                procs.put(pid, new Proc(pid));
                what = "spawn " + pid;
            } else if (kind < 4 && procs.size() < 5) {
                int child = k.fork(p.pid);
                what = "fork " + p.pid + " -> " + child;
                if (child <= 0) {
                    failedForks++;
                }
                if (child > 0) {
                    Proc c = new Proc(child);
                    for (Region g : p.regions) {
                        c.regions.add(g);
                    }
                    p.pages.forEach((va, info) -> c.pages.put(va, new PageInfo(info.prot, info.shared, info.shared ? info.cell : info.cell.clone())));
                    procs.put(child, c);
                }
            } else if (kind < 5) {
                if (k.execve(p.pid, "q") == 0) { // -ENOMEM: the old image stays
                    p.pages.clear();
                    p.regions.clear();
                }
                what = "exec " + p.pid;
            } else if (kind < 6 && procs.size() > 1) {
                k.exit(p.pid);
                procs.remove(p.pid);
                what = "exit " + p.pid;
            } else if (kind < 12 && p.regions.size() < 6) {
                int pages = 1 + r.nextInt(16);
                boolean shared = r.nextInt(4) == 0;
                int prot = r.nextInt(5) == 0 ? Mman.PROT_READ : Mman.PROT_READ | Mman.PROT_WRITE;
                long a = k.mmap(p.pid, 0, Page.address(pages), prot, (shared ? Mman.MAP_SHARED : Mman.MAP_PRIVATE) | Mman.MAP_ANONYMOUS, -1, 0);
                what = "mmap " + p.pid + " " + pages + " pages " + (shared ? "shared " : "private ") + prot + " = " + Page.hex(a);
                if (a > 0) {
                    p.regions.add(new Region(a, pages));
                    for (int i = 0; i < pages; i++) {
                        p.pages.put(a + Page.address(i), new PageInfo(prot, shared, new long[1]));
                    }
                }
            } else if (kind < 15) {
                long va = randomPageIn(p, r);
                int n = 1 + r.nextInt(3);
                if (va < 0) {
                    what = "nothing";
                } else {
                    int rc = k.munmap(p.pid, va, Page.address(n));
                    what = "munmap " + p.pid + " " + Page.hex(va) + " " + n + " pages = " + rc;
                    for (int i = 0; i < n; i++) {
                        p.pages.remove(va + Page.address(i));
                    }
                }
            } else if (kind < 19) {
                long va = randomPageIn(p, r);
                if (va < 0 || !p.pages.containsKey(va)) {
                    what = "nothing";
                } else {
                    int n = 1;
                    while (n < 3 && p.pages.containsKey(va + Page.address(n)) && r.nextBoolean()) {
                        n++;
                    }
                    int[] prots = {Mman.PROT_NONE, Mman.PROT_READ, Mman.PROT_READ | Mman.PROT_WRITE, Mman.PROT_READ | Mman.PROT_WRITE};
                    int prot = prots[r.nextInt(prots.length)];
                    int rc = k.mprotect(p.pid, va, Page.address(n), prot);
                    what = "mprotect " + p.pid + " " + Page.hex(va) + " " + n + " pages " + prot + " = " + rc;
                    if (rc == 0) {
                        for (int i = 0; i < n; i++) {
                            p.pages.get(va + Page.address(i)).prot = prot;
                        }
                    }
                }
            } else {
                long va = randomPageIn(p, r);
                PageInfo info = va < 0 ? null : p.pages.get(va);
                if (info == null) {
                    what = "nothing";
                } else if ((info.prot & Mman.PROT_WRITE) != 0 && r.nextInt(3) == 0) {
                    long value = r.nextLong();
                    boolean ok = k.store(p.pid, va + 8, 8, value);
                    what = "store " + p.pid + " " + Page.hex(va) + " = " + ok;
                    if (ok) {
                        info.cell[0] = value;
                    }
                } else if ((info.prot & Mman.PROT_READ) != 0) {
                    long value = k.load(p.pid, va + 8, 8);
                    what = "load " + p.pid + " " + Page.hex(va) + " = " + Long.toHexString(value);
                    if (k.alive(p.pid)) {
                        history.add(what);
                        assertThat(Long.toHexString(value)).as("op %d %s, expected %s%nhistory %s", op, what,
                            Long.toHexString(info.cell[0]), tail()).isEqualTo(Long.toHexString(info.cell[0]));
                    }
                } else {
                    what = "nothing";
                }
            }
            history.add("cpu" + cpu + " " + what);
            dropDead();
            check(what);
        }
        if (Boolean.getBoolean("fuzz.print")) {
            Map<String, Long> c = k.counters();
            System.out.println(extra.replace('\n', ' ') + " " + ram + "/" + swap + " seed " + seed + ": checked " + checkedEntries + " entries, failed forks "
                + failedForks + ", tlb_hits " + c.get("tlb_hits") + ", cow " + c.get("cow_copies") + ", oom " + c.get("oom_kills")
                + ", swapouts " + c.get("swap_outs") + ", shootdowns " + c.get("tlb_shootdowns") + " " + c);
        }
    }

    static final List<String> TLBS = List.of(
        "mmkit.machine.tlb { impl = set-associative, entries = 16, ways = 4, asid-bits = 2 }",
        "mmkit.machine.tlb { impl = set-associative, entries = 16, ways = 4, asid = false }",
        "mmkit.machine.tlb { impl = fully-associative, entries = 8, replacement = fifo, asid-bits = 1, writeback-bits = true }",
        "mmkit.machine.tlb { impl = direct-mapped, entries = 8, asid-bits = 2 }",
        "mmkit.machine.tlb { impl = hierarchy }",
        "mmkit.machine.tlb { impl = hierarchy, writeback-bits = true, asid-bits = 2 }",
        "mmkit.machine.tlb { impl = software, entries = 16, asid-bits = 2 }",
        "mmkit.machine.tlb { impl = software, entries = 16, asid = false, writeback-bits = true }",
        "mmkit.machine.tlb { impl = hierarchy, asid = false }\nmmkit.machine.page-table.impl = x86-32",
        "mmkit.machine.tlb { impl = set-associative, entries = 8, ways = 2, writeback-bits = true }\nmmkit.machine.page-table.impl = inverted",
        "mmkit.machine.tlb { impl = software, entries = 8, asid-bits = 1 }\nmmkit.machine.page-table.impl = x86-pae");

    private void all(int cpus, int seeds, int ops) {
        for (String tlb : TLBS) {
            for (int seed = 1; seed <= seeds; seed++) {
                String extra = tlb + "\nmmkit.machine.cpus = " + cpus;
                try {
                    run(extra, seed, ops);
                } catch (AssertionError | RuntimeException e) {
                    throw new AssertionError("[" + extra + "] seed " + seed + ": " + e.getMessage(), e);
                }
            }
        }
    }

    @Test
    void tightMemory() {
        int seeds = Integer.getInteger("fuzz.seeds", 1);
        for (String tlb : TLBS) {
            for (int seed = 1; seed <= seeds; seed++) {
                String extra = tlb + "\nmmkit.machine.cpus = " + (1 + seed % 2);
                try {
                    run("384KiB", seed % 3 == 0 ? "0" : "2MiB", extra, seed, 4000);
                } catch (AssertionError | RuntimeException e) {
                    throw new AssertionError("[" + extra + "] tight seed " + seed + ": " + e.getMessage(), e);
                }
            }
        }
    }

    @Test
    void oneCpu() {
        all(1, Integer.getInteger("fuzz.seeds", 2), 2000);
    }

    @Test
    void twoCpus() {
        all(2, Integer.getInteger("fuzz.seeds", 2), 2000);
    }
}
