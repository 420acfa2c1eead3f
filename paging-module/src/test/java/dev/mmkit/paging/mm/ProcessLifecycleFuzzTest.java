package dev.mmkit.paging.mm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.machine.VmItem;
import dev.mmkit.api.mm.ProcessInfo;
import dev.mmkit.api.mm.VmArea;
import dev.mmkit.api.page.PageAllocator;
import dev.mmkit.api.slab.KmemCache;
import dev.mmkit.api.workload.Mman;
import dev.mmkit.machine.StandaloneMachine;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A model-based fuzz of process lifecycles under memory pressure, kernel-object exhaustion
 * included (VMAs that fill memory with vm_area_struct objects): spawn, fork, exec, exit,
 * private and shared anonymous mappings, stores and loads. Checks after each step: the
 * machine's live processes are the model's (every other one reported oom-killed), failed
 * spawn/fork/exec are -ENOMEM and leave no process (exec: the old image), the counters
 * agree (processes, oom_kills with vmstat oom_kill and the process list, pgfault with
 * page_faults), data reads back, shared anonymous lines of maps are /dev/zero (deleted);
 * at the end every page, slab object (mm_struct, vm_area_struct, anon_vma) and swap slot
 * is free again, and the same seed gives the same counters. {@code -Dfuzz.seeds=N}, {@code -Dfuzz.ops=N}.
 */
class ProcessLifecycleFuzzTest {
    static final int SEEDS = Integer.getInteger("fuzz.seeds", 4);
    static final int OPS = Integer.getInteger("fuzz.ops", 3000);
    private static final long P = 4096;
    private static final int RW = Mman.PROT_READ | Mman.PROT_WRITE;

    static List<Long> seeds() {
        List<Long> s = new ArrayList<>();
        for (long i = 1; i <= SEEDS; i++) {
            s.add(i);
        }
        return s;
    }

    /** A process of the model: its mapped pages (va → the cell holding the value, shared cells shared). */
    static final class Proc {
        final int pid;
        final TreeMap<Long, long[]> pages = new TreeMap<>();
        final TreeMap<Long, Long> filler = new TreeMap<>(); // one-page VMAs that fill memory with objects
        Proc(int pid) {
            this.pid = pid;
        }
    }

    private static String config(long seed) {
        StringBuilder b = new StringBuilder();
        if (seed % 3 == 1) {
            b.append("mmkit.machine.paging.resident-limit = 48\n");
        }
        if (seed % 2 == 0) {
            b.append("mmkit.machine.cpus = 2\n");
        }
        String[] tables = {"x86-64", "x86-32", "inverted", "x86-pae"};
        b.append("mmkit.machine.page-table.impl = ").append(tables[(int) (seed % tables.length)]).append('\n');
        return b.toString();
    }

    static Map<String, Long> objects(StandaloneMachine machine) {
        Map<String, Long> m = new TreeMap<>();
        for (KmemCache c : machine.slab().caches()) {
            if (c.name().equals("mm_struct") || c.name().equals("vm_area_struct") || c.name().equals("anon_vma")) {
                m.put(c.name(), c.activeObjects());
            }
        }
        return m;
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void lifecycles(long seed) {
        String first = run(seed);
        String second = run(seed);
        assertThat(second).as("seed %d: the same seed gives the same counters", seed).isEqualTo(first);
    }

    private String run(long seed) {
        StandaloneMachine machine = Machines.small("1MiB", "256KiB", config(seed));
        LinuxMemoryManager mm = Machines.mm(machine);
        PageAllocator alloc = machine.pageAllocator();
        SplittableRandom r = new SplittableRandom(seed);
        // baseline: one process came and went (the core's caches and tables exist), slabs shrunk, pcp drained
        mm.exit(mm.spawn("warm"));
        machine.slab().shrink();
        alloc.drainPerCpuLists();
        long baseFree = ShadowPicks.freePages(alloc);
        int[] baseRef = new int[(int) machine.memMap().nrFrames()];
        for (int i = 0; i < baseRef.length; i++) {
            baseRef[i] = machine.memMap().refcount(i);
        }
        Map<String, Long> baseObjects = objects(machine);
        long created = 1;
        Map<Integer, Proc> model = new TreeMap<>();
        List<String> log = new ArrayList<>();
        long[] fails = new long[3];
        for (int op = 0; op < OPS; op++) {
            List<Integer> pids = new ArrayList<>(model.keySet());
            int dice = r.nextInt(100);
            String what;
            if (pids.isEmpty() || dice < 4 && pids.size() < 12) {
                int pid = mm.spawn("s" + op);
                what = "spawn = " + pid;
                if (pid < 0) {
                    fails[0]++;
                    assertThat(pid).as(what).isEqualTo(LinuxMemoryManager.ENOMEM);
                } else {
                    assertThat(pid).as(what).isEqualTo((int) created + 1);
                    created++;
                    model.put(pid, new Proc(pid));
                }
            } else {
                Proc p = model.get(pids.get(r.nextInt(pids.size())));
                if (machine.nrCpus() > 1 && r.nextInt(20) == 0) {
                    machine.setCurrentCpu(r.nextInt(machine.nrCpus()));
                }
                if (dice < 10 && pids.size() < 12) {
                    int child = mm.fork(p.pid);
                    what = "fork " + p.pid + " = " + child;
                    if (child < 0) {
                        fails[1]++;
                        assertThat(child).as(what).isEqualTo(LinuxMemoryManager.ENOMEM);
                    } else {
                        assertThat(child).as(what).isEqualTo((int) created + 1);
                        created++;
                        Proc c = new Proc(child);
                        for (Map.Entry<Long, long[]> e : p.pages.entrySet()) {
                            long[] cell = e.getValue();
                            c.pages.put(e.getKey(), cell.length == 2 ? cell : cell.clone()); // length 2: shared
                        }
                        c.filler.putAll(p.filler);
                        model.put(child, c);
                    }
                } else if (dice < 14) {
                    String before = mm.processes().get(p.pid - 1).maps().toString();
                    int rc = mm.execve(p.pid, "e" + op);
                    what = "exec " + p.pid + " = " + rc;
                    if (rc == 0) {
                        p.pages.clear();
                        p.filler.clear();
                        assertThat(mm.processes().get(p.pid - 1).name()).as(what).isEqualTo("e" + op);
                    } else {
                        fails[2]++;
                        assertThat(rc).as(what).isEqualTo(LinuxMemoryManager.ENOMEM);
                        if (mm.alive(p.pid)) {
                            assertThat(mm.processes().get(p.pid - 1).maps().toString()).as(what + ": old image kept").isEqualTo(before);
                        }
                    }
                } else if (dice < 18 && pids.size() > 1) {
                    mm.exit(p.pid);
                    model.remove(p.pid);
                    what = "exit " + p.pid;
                    assertThat(mm.processes().get(p.pid - 1).exitReason()).isEqualTo("exited");
                } else if (dice < 28) {
                    boolean shared = r.nextInt(3) == 0;
                    int n = 1 + r.nextInt(64);
                    long a = mm.mmap(p.pid, 0, n * P, RW, (shared ? Mman.MAP_SHARED : Mman.MAP_PRIVATE) | Mman.MAP_ANONYMOUS, -1, 0);
                    what = "mmap " + p.pid + " " + n + (shared ? " shared" : "") + " = " + Long.toHexString(a);
                    if (a >= 0) {
                        for (int i = 0; i < n; i++) {
                            p.pages.put(a + i * P, shared ? new long[2] : new long[1]);
                        }
                    } else {
                        assertThat(a).as(what).isEqualTo(LinuxMemoryManager.ENOMEM);
                    }
                } else if (dice < 32) {
                    // kernel objects: one-page VMAs of alternating protection, which never merge
                    long base = 0x2000_0000L + (long) r.nextInt(64) * 0x100_0000L;
                    int n = 8 + r.nextInt(r.nextInt(4) == 0 ? 1500 : 120);
                    int made = 0;
                    for (int i = 0; i < n; i++) {
                        long a = base + i * 2 * P;
                        if (p.pages.containsKey(a) || p.filler.containsKey(a)) {
                            continue;
                        }
                        long got = mm.mmap(p.pid, a, P, (i & 1) == 0 ? Mman.PROT_READ : RW,
                            Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS | Mman.MAP_FIXED, -1, 0);
                        if (got != a) {
                            break;
                        }
                        p.filler.put(a, a);
                        made++;
                    }
                    what = "fill " + p.pid + " " + made + " VMAs";
                } else if (dice < 38) {
                    // munmap: a run of mapped pages, or some filler VMAs
                    if (!p.filler.isEmpty() && r.nextBoolean()) {
                        List<Long> f = new ArrayList<>(p.filler.keySet());
                        int from = r.nextInt(f.size());
                        int to = Math.min(f.size(), from + 1 + r.nextInt(64));
                        for (int i = from; i < to; i++) {
                            assertThat(mm.munmap(p.pid, f.get(i), P)).isZero();
                            p.filler.remove(f.get(i));
                        }
                        what = "munmap fillers " + p.pid + " " + (to - from);
                    } else if (!p.pages.isEmpty()) {
                        List<Long> vas = new ArrayList<>(p.pages.keySet());
                        long a = vas.get(r.nextInt(vas.size()));
                        long len = (1 + r.nextInt(6)) * P;
                        int rc = mm.munmap(p.pid, a, len);
                        what = "munmap " + p.pid + " " + Long.toHexString(a) + " " + len + " = " + rc;
                        if (rc == 0) {
                            p.pages.subMap(a, true, a + len, false).clear();
                        } else {
                            assertThat(rc).as(what).isEqualTo(LinuxMemoryManager.ENOMEM); // a split without memory
                        }
                    } else {
                        what = "nothing";
                    }
                } else if (!p.pages.isEmpty()) {
                    List<Long> vas = new ArrayList<>(p.pages.keySet());
                    long a = vas.get(r.nextInt(vas.size()));
                    long[] cell = p.pages.get(a);
                    if (dice < 45) {
                        // touch a run of pages from a
                        String w = "touch " + p.pid + " " + Long.toHexString(a);
                        for (Map.Entry<Long, long[]> e : new ArrayList<>(p.pages.tailMap(a, true).entrySet()).subList(0,
                                Math.min(32, p.pages.tailMap(a, true).size()))) {
                            long v = r.nextLong();
                            if (!mm.store(p.pid, e.getKey() + 8, 8, v)) {
                                break;
                            }
                            e.getValue()[0] = v;
                        }
                        what = w;
                    } else if (dice < 70) {
                        long v = r.nextLong();
                        boolean ok = mm.store(p.pid, a + 8, 8, v);
                        what = "store " + p.pid + " " + Long.toHexString(a);
                        if (ok) {
                            cell[0] = v;
                        }
                    } else {
                        long got = mm.load(p.pid, a + 8, 8);
                        what = "load " + p.pid + " " + Long.toHexString(a);
                        if (mm.alive(p.pid)) {
                            assertThat(got).as("seed %d op %d %s\n%s", seed, op, what, tail(log)).isEqualTo(cell[0]);
                        }
                    }
                } else {
                    what = "nothing";
                }
            }
            log.add(op + ": " + what);
            // the machine killed some: each is reported oom-killed
            for (int pid : new ArrayList<>(model.keySet())) {
                if (!mm.alive(pid)) {
                    assertThat(mm.processes().get(pid - 1).exitReason()).as("seed %d op %d pid %d", seed, op, pid).isEqualTo("oom-killed");
                    model.remove(pid);
                }
            }
            check(seed, op, machine, mm, model, created, log);
        }
        for (int pid : new ArrayList<>(model.keySet())) {
            mm.exit(pid);
        }
        mm.verify();
        alloc.verify();
        machine.slab().shrink();
        alloc.drainPerCpuLists();
        assertThat(objects(machine)).as("seed %d: slab objects after every exit", seed).isEqualTo(baseObjects);
        assertThat(mm.swapFreePages()).as("seed %d: swap", seed).isEqualTo(mm.swapTotalPages());
        // every /proc/meminfo count of user pages back to 0 (file pages: none in this test), and
        // no shmem object left charged to Committed_AS
        for (VmItem item : new VmItem[] {VmItem.NR_ANON_PAGES, VmItem.NR_SHMEM, VmItem.NR_FILE_PAGES, VmItem.NR_MAPPED,
            VmItem.NR_SWAPCACHED}) {
            assertThat(machine.vmstat().get(item)).as("seed %d: %s after every exit", seed, item).isZero();
        }
        assertThat(mm.shmemCommittedPages()).as("seed %d: shmem Committed_AS", seed).isZero();
        // documented exceptions: the inverted table's entry pool never shrinks, and the slab
        // allocator keeps the block at pfn 0 aside for good
        StringBuilder d = new StringBuilder();
        for (int i = 0; i < baseRef.length; i++) {
            var mem = machine.memMap();
            if (mem.refcount(i) != baseRef[i]) {
                boolean pool = baseRef[i] == 0 && mem.refcount(i) == 1 && mem.flags(i) == dev.mmkit.api.machine.PageFlags.PG_TABLE
                    && mm.pt.getClass().getSimpleName().startsWith("Inverted");
                boolean nullBlock = i == 0 && baseRef[0] == 0 && mem.refcount(0) == 1 && mem.flags(0) == 0;
                if (pool || nullBlock) {
                    baseFree--;
                } else {
                    d.append(String.format("  pfn %x ref %d->%d flags %x mapcount %d mapping %d%n", i, baseRef[i], mem.refcount(i),
                        mem.flags(i), mem.mapcount(i), mem.mapping(i)));
                }
            }
        }
        assertThat(ShadowPicks.freePages(alloc)).as("seed %d: free pages after every exit\n%s", seed, d).isEqualTo(baseFree);
        StringBuilder out = new StringBuilder();
        out.append(mm.counters()).append('\n');
        for (VmItem item : VmItem.values()) {
            out.append(item).append('=').append(machine.vmstat().get(item)).append(' ');
        }
        for (ProcessInfo pi : mm.processes()) {
            out.append('\n').append(pi.pid()).append(' ').append(pi.name()).append(' ').append(pi.exitReason());
        }
        System.out.printf("lifecycle seed %d: processes %d oom_kills %d pswpout %d failed spawn/fork/exec %d/%d/%d%n", seed,
            mm.counters().get("processes"), mm.counters().get("oom_kills"), machine.vmstat().get(VmItem.PSWPOUT), fails[0], fails[1], fails[2]);
        return out.toString();
    }

    private static void check(long seed, int op, StandaloneMachine machine, LinuxMemoryManager mm, Map<Integer, Proc> model,
            long created, List<String> log) {
        try {
            mm.verify();
            if (op % 64 == 0) {
                machine.pageAllocator().verify();
            }
            assertThat(mm.counters().get("processes")).as("processes").isEqualTo(created);
            assertThat(mm.processes()).as("process list").hasSize((int) created);
            long oomKilled = mm.processes().stream().filter(pi -> pi.exitReason().equals("oom-killed")).count();
            assertThat(mm.counters().get("oom_kills")).as("oom_kills vs the process list").isEqualTo(oomKilled);
            assertThat(machine.vmstat().get(VmItem.OOM_KILL)).as("vmstat oom_kill").isEqualTo(oomKilled);
            assertThat(machine.vmstat().get(VmItem.PGFAULT)).as("pgfault").isEqualTo(mm.counters().get("page_faults"));
            long alive = mm.processes().stream().filter(ProcessInfo::alive).count();
            assertThat(alive).as("live processes").isEqualTo(model.size());
            for (ProcessInfo pi : mm.processes()) {
                if (!pi.alive()) {
                    assertThat(pi.residentPages()).as("pid %d rss after its end", pi.pid()).isZero();
                    assertThat(pi.maps()).as("pid %d maps after its end", pi.pid()).isEmpty();
                    continue;
                }
                Proc p = model.get(pi.pid());
                assertThat(p).as("pid %d alive in the machine but not in the model", pi.pid()).isNotNull();
                for (VmArea a : pi.maps()) {
                    boolean shared = (a.flags() & Mman.MAP_SHARED) != 0;
                    if (shared) {
                        assertThat(a.name() + " " + a.device()).isEqualTo("/dev/zero (deleted) 00:01");
                        assertThat(a.inode()).isPositive();
                    }
                    for (long va = a.start(); va < a.end(); va += P) {
                        long[] cell = p.pages.get(va);
                        if (cell != null) {
                            assertThat(cell.length == 2).as("pid %d %x shared", pi.pid(), va).isEqualTo(shared);
                        }
                    }
                }
            }
        } catch (AssertionError e) {
            throw new AssertionError("seed " + seed + " op " + op + ": " + e.getMessage() + "\n" + tail(log), e);
        }
    }

    private static String tail(List<String> log) {
        return String.join("\n", log.subList(Math.max(0, log.size() - 30), log.size()));
    }
}
