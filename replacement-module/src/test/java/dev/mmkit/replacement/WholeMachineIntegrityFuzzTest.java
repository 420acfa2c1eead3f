package dev.mmkit.replacement;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.machine.VmItem;
import dev.mmkit.api.mm.MemoryManager;
import dev.mmkit.api.mm.ProcessInfo;
import dev.mmkit.api.page.PageAllocator;
import dev.mmkit.api.replacement.ReplacementPolicyProvider;
import dev.mmkit.api.workload.Mman;
import dev.mmkit.buddy.BuddyProvider;
import dev.mmkit.buddy.fit.BestFitProvider;
import dev.mmkit.buddy.fit.FirstFitProvider;
import dev.mmkit.buddy.fit.WorstFitProvider;
import dev.mmkit.machine.StandaloneMachine;
import dev.mmkit.paging.TestMachine;
import dev.mmkit.paging.mm.ShadowPicks;
import dev.mmkit.slab.SlabProvider;
import dev.mmkit.slab.SlobProvider;
import dev.mmkit.slab.SlubProvider;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/**
 * Whole-machine data integrity across configurations: a random machine (page-table format,
 * TLB, replacement policy and bits, slab flavour, page allocator, CPUs, small swap,
 * resident limit), random spawn/fork/exec/exit/mmap/munmap/store/load and memory
 * pressure against a shadow model; every value a live process stored reads back, OOM kills
 * are counted, after every process exits every page and swap slot is free again, and the
 * same seed gives the same counters. CI runs 16 seeds; {@code -Dfuzz.seeds=N -Dfuzz.first=S
 * -Dfuzz.ops=N} run more, {@code -Dfuzz.zones=true} also varies zones, per-CPU lists and max-order.
 */
class WholeMachineIntegrityFuzzTest {
    static final int SEEDS = Integer.getInteger("fuzz.seeds", 16);
    static final long FIRST = Long.getLong("fuzz.first", 1);
    static final boolean SHARED = !Boolean.getBoolean("fuzz.noshared");
    static final boolean VARY_ZONES = Boolean.getBoolean("fuzz.zones");
    static final int OPS = Integer.getInteger("fuzz.ops", 3000);
    private static final int RW = Mman.PROT_READ | Mman.PROT_WRITE;
    private static final int ANON = Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS;
    private static final long P = 4096;
    /** Operations a failure prints (the last ones). */
    private static final int LOG = 40;
    static final String[] TABLES = {"x86-32", "x86-pae", "x86-64", "x86-64-la57", "inverted"};
    static final String[] TLBS = {"set-associative", "fully-associative", "direct-mapped", "hierarchy", "software"};
    static final String[][] POLICIES = {{"fifo", ""}, {"lru", ""}, {"clock", ""},
        {"nth", "mmkit.machine.replacement.nth-chance { n = 2, dirty-writeback = true }"},
        {"nth", "mmkit.machine.replacement.nth-chance { n = 3 }"},
        {"vms", "mmkit.machine.replacement.vms.second-chance = 2"}, {"vms", "mmkit.machine.replacement.vms.second-chance = \"100%\""},
        {"two-list", ""}, {"freelist", "mmkit.machine.replacement.freelist-clock { target = 3, period = 1us }"}};
    static final String[] SLABS = {"slub", "slab", "slob"};
    static final String[] ALLOCATORS = {"buddy", "buddy-lazy", "first-fit", "best-fit", "worst-fit"};

    /** A configuration drawn from a seed. */
    record Config(String table, String tlb, boolean writeback, String[] policy, String bits, String slab, String allocator,
                  int cpus, String ram, String swap, int limit, String kswapdInterval, int zones, String pcp) {
        static Config of(long seed) {
            SplittableRandom r = new SplittableRandom(seed * 7919);
            return new Config(TABLES[r.nextInt(TABLES.length)], TLBS[r.nextInt(TLBS.length)], r.nextInt(3) == 0,
                POLICIES[r.nextInt(POLICIES.length)], r.nextBoolean() ? "hardware" : "software", SLABS[r.nextInt(SLABS.length)],
                ALLOCATORS[r.nextInt(ALLOCATORS.length)], 1 + r.nextInt(3), r.nextBoolean() ? "1MiB" : "2MiB",
                new String[] {"16KiB", "64KiB", "256KiB", "1MiB", "4MiB"}[r.nextInt(5)],
                r.nextInt(3) == 0 ? 16 + r.nextInt(64) : 0, r.nextInt(4) == 0 ? "1ms" : "0s",
                VARY_ZONES ? r.nextInt(3) : 0,
                VARY_ZONES ? new String[] {"", "mmkit.machine.page-allocator.pcp.high = 0", "mmkit.machine.page-allocator.pcp { batch = 1, high = 2 }",
                    "mmkit.machine.page-allocator.max-order = 3", "mmkit.machine.page-allocator.min-free-kbytes = 0"}[r.nextInt(5)] : "");
        }

        String hocon() {
            StringBuilder b = new StringBuilder();
            b.append("mmkit.machine.memory.size = ").append(ram).append('\n');
            b.append(switch (zones) {
                case 1 -> "mmkit.machine.zones = [ { name = DMA, size = 256KiB }, { name = Normal } ]\n";
                case 2 -> "mmkit.machine.zones = [ { name = DMA, size = 256KiB }, { name = Normal, size = 512KiB }, { name = HighMem } ]\n";
                default -> "mmkit.machine.zones = [ { name = Normal } ]\n";
            });
            b.append(pcp).append('\n');
            b.append("mmkit.machine.paging.swap.size = ").append(swap).append('\n');
            b.append("mmkit.machine.paging.resident-limit = ").append(limit).append('\n');
            b.append("mmkit.machine.paging.referenced-bits = ").append(bits).append('\n');
            b.append("mmkit.machine.page-table.impl = ").append(table).append('\n');
            b.append("mmkit.machine.tlb.impl = ").append(tlb).append('\n');
            if (writeback && !tlb.equals("hierarchy")) {
                b.append("mmkit.machine.tlb.writeback-bits = true\n");
            }
            b.append("mmkit.machine.cpus = ").append(cpus).append('\n');
            b.append("mmkit.machine.slab.impl = ").append(slab).append('\n');
            String alloc = allocator.equals("buddy-lazy") ? "buddy" : allocator;
            b.append("mmkit.machine.page-allocator.impl = ").append(alloc).append('\n');
            if (allocator.equals("buddy-lazy")) {
                b.append("mmkit.machine.page-allocator.merge = lazy\n");
            }
            b.append("mmkit.machine.reclaim.kswapd.interval = ").append(kswapdInterval).append('\n');
            b.append(policy[1]).append('\n');
            return b.toString();
        }

        @Override
        public String toString() {
            return table + " tlb=" + tlb + (writeback ? "+wb" : "") + " policy=" + policy[0] + " " + policy[1] + " bits=" + bits
                + " slab=" + slab + " alloc=" + allocator + " cpus=" + cpus + " ram=" + ram + " swap=" + swap + " limit=" + limit
                + " kswapd=" + kswapdInterval + " zones=" + zones + " " + pcp;
        }
    }

    static StandaloneMachine build(Config c) {
        ReplacementPolicyProvider policy = ReplacementModelFuzzTest.provider(c.policy()[0]);
        return TestMachine.build(c.hocon(), (b, at) -> {
            b.replacement((m, refs) -> policy.create(at.apply("mmkit.machine.replacement"), m, refs));
            b.slab(m -> switch (c.slab()) {
                case "slab" -> new SlabProvider().create(at.apply("mmkit.machine.slab"), m);
                case "slob" -> new SlobProvider().create(at.apply("mmkit.machine.slab"), m);
                default -> new SlubProvider().create(at.apply("mmkit.machine.slab"), m);
            });
            b.pageAllocator(m -> switch (c.allocator()) {
                case "first-fit" -> new FirstFitProvider().create(at.apply("mmkit.machine.page-allocator"), m);
                case "best-fit" -> new BestFitProvider().create(at.apply("mmkit.machine.page-allocator"), m);
                case "worst-fit" -> new WorstFitProvider().create(at.apply("mmkit.machine.page-allocator"), m);
                default -> new BuddyProvider().create(at.apply("mmkit.machine.page-allocator"), m);
            });
        });
    }

    /** A shared anonymous object (shmem): its values by byte offset. */
    private static final class SharedObj {
        final HashMap<Long, Long> values = new HashMap<>();
    }

    private record Ref(SharedObj obj, long offset) {
    }

    private static final class Shadow {
        final TreeMap<Long, Integer> pages = new TreeMap<>();
        final HashMap<Long, Long> values = new HashMap<>();
        final TreeMap<Long, Ref> shared = new TreeMap<>();
        final List<long[]> regions = new ArrayList<>();

        long get(long addr) {
            Ref r = shared.get(addr & ~(P - 1));
            if (r != null) {
                return r.obj.values.getOrDefault(r.offset + (addr & (P - 1)), 0L);
            }
            return values.getOrDefault(addr, 0L);
        }

        void put(long addr, long v) {
            Ref r = shared.get(addr & ~(P - 1));
            if (r != null) {
                r.obj.values.put(r.offset + (addr & (P - 1)), v);
            } else {
                values.put(addr, v);
            }
        }

        Shadow copy() {
            Shadow s = new Shadow();
            s.pages.putAll(pages);
            s.values.putAll(values);
            s.shared.putAll(shared);
            for (long[] r : regions) {
                s.regions.add(r.clone());
            }
            return s;
        }

        void unmap(long start, long end) {
            pages.subMap(start, end).clear();
            shared.subMap(start, end).clear();
            values.keySet().removeIf(a -> a >= start && a < end);
        }
    }

    static Map<String, Long> counters(StandaloneMachine m) {
        Map<String, Long> all = new TreeMap<>(m.memoryManager().counters());
        for (VmItem i : VmItem.values()) {
            all.put("vmstat." + i, m.vmstat().get(i));
        }
        all.put("clock", m.clock().now());
        return all;
    }

    @Test
    void randomMachines() {
        List<String> failures = new ArrayList<>();
        for (long seed = FIRST; seed < FIRST + SEEDS; seed++) {
            Config c = Config.of(seed);
            try {
                Map<String, Long> a = run(seed, c);
                Map<String, Long> b = run(seed, c);
                assertThat(b).as("same seed, same counters").isEqualTo(a);
            } catch (Throwable e) {
                String msg = "seed " + seed + " [" + c + "]: " + e;
                System.out.println("FAIL " + msg);
                failures.add(msg.length() > 4000 ? msg.substring(0, 4000) : msg);
            }
        }
        assertThat(failures).isEmpty();
    }

    Map<String, Long> run(long seed, Config c) {
        StandaloneMachine machine = build(c);
        MemoryManager mm = machine.memoryManager();
        PageAllocator alloc = machine.pageAllocator();
        // baseline: after one process came and went (the core's caches exist), slabs shrunk, pcp drained
        int warm = mm.spawn("warm");
        mm.exit(warm);
        machine.slab().shrink();
        alloc.drainPerCpuLists();
        long baseFree = ShadowPicks.freePages(alloc);
        Map<VmItem, Long> baseState = new TreeMap<>();
        for (VmItem i : VmItem.values()) {
            if (i.kind() == VmItem.Kind.STATE) {
                baseState.put(i, machine.vmstat().get(i));
            }
        }
        String baseSlab = dev.mmkit.api.slab.SlabInfo.render(machine.slab().caches());
        int[] baseRef = new int[(int) machine.memMap().nrFrames()];
        for (int i = 0; i < baseRef.length; i++) {
            baseRef[i] = machine.memMap().refcount(i);
        }
        long swapTotal = mm.swapTotalPages();
        assertThat(mm.swapFreePages()).isEqualTo(swapTotal);

        SplittableRandom random = new SplittableRandom(seed);
        Map<Integer, Shadow> shadows = new HashMap<>();
        ArrayDeque<String> log = new ArrayDeque<>();
        int maxProcs = 2 + random.nextInt(6);
        int maxPages = 100 + random.nextInt(600);
        int exitedByUs = 0;
        int op = 0;
        try {
            for (op = 0; op < OPS; op++) {
                // the model forgets processes the machine killed
                for (var it = shadows.entrySet().iterator(); it.hasNext();) {
                    var e = it.next();
                    if (!mm.alive(e.getKey())) {
                        ProcessInfo pi = mm.processes().get(e.getKey() - 1);
                        assertThat(pi.exitReason()).as("pid %d died", e.getKey()).isEqualTo("oom-killed");
                        ShadowPicks.log(log, op + ": pid " + e.getKey() + " found oom-killed", LOG);
                        it.remove();
                    }
                }
                if (shadows.isEmpty()) {
                    int fresh = mm.spawn("p" + op);
                    ShadowPicks.log(log, op + ": spawn -> " + fresh, LOG);
                    if (fresh > 0) { // -12 (ENOMEM): no process was created
                        shadows.put(fresh, new Shadow());
                    }
                    continue;
                }
                List<Integer> pids = new ArrayList<>(shadows.keySet());
                pids.sort(null);
                int pid = pids.get(random.nextInt(pids.size()));
                Shadow s = shadows.get(pid);
                if (machine.nrCpus() > 1 && random.nextInt(30) == 0) {
                    int cpu = random.nextInt(machine.nrCpus());
                    ShadowPicks.log(log, op + ": run on cpu " + cpu, LOG);
                    machine.setCurrentCpu(cpu);
                }
                int dice = random.nextInt(100);
                if (dice < 38) {
                    long addr = ShadowPicks.randomSlot(s.regions, s.pages, random);
                    if (addr < 0 || (s.pages.get(addr & ~(P - 1)) & Mman.PROT_WRITE) == 0) {
                        continue;
                    }
                    long value = random.nextLong();
                    ShadowPicks.log(log, op + ": store pid " + pid + " " + Long.toHexString(addr) + " = " + Long.toHexString(value), LOG);
                    if (mm.store(pid, addr, 8, value)) {
                        s.put(addr, value);
                    } else {
                        assertThat(mm.alive(pid)).as("store failed but alive").isFalse();
                    }
                } else if (dice < 68) {
                    long addr = ShadowPicks.randomSlot(s.regions, s.pages, random);
                    if (addr < 0) {
                        continue;
                    }
                    ShadowPicks.log(log, op + ": load pid " + pid + " " + Long.toHexString(addr), LOG);
                    long got = mm.load(pid, addr, 8);
                    if (mm.alive(pid)) {
                        assertThat(got).as("value at %x of pid %d", addr, pid).isEqualTo(s.get(addr));
                    }
                } else if (dice < 76) {
                    long len = (1 + random.nextInt(64)) * P;
                    if (s.pages.size() + len / P > maxPages) {
                        continue;
                    }
                    boolean sh = SHARED && random.nextInt(4) == 0;
                    long a = mm.mmap(pid, 0, len, RW, sh ? Mman.MAP_SHARED | Mman.MAP_ANONYMOUS : ANON, -1, 0);
                    ShadowPicks.log(log, op + ": mmap pid " + pid + " len " + len + (sh ? " shared" : "") + " -> " + Long.toHexString(a), LOG);
                    if (a < 0) {
                        assertThat(a).as("mmap errno").isEqualTo(-12);
                        continue;
                    }
                    SharedObj obj = sh ? new SharedObj() : null;
                    for (long p = a; p < a + len; p += P) {
                        assertThat(s.pages.put(p, RW)).as("mmap over a mapped page").isNull();
                        if (sh) {
                            s.shared.put(p, new Ref(obj, p - a));
                        }
                    }
                    s.regions.add(new long[] {a, a + len});
                } else if (dice < 80) {
                    long[] u = ShadowPicks.randomUnmapRange(s.regions, random);
                    if (u == null) {
                        continue;
                    }
                    long start = u[0];
                    long len = u[1];
                    ShadowPicks.log(log, op + ": munmap pid " + pid + " " + Long.toHexString(start) + " len " + len, LOG);
                    assertThat(mm.munmap(pid, start, len)).isZero();
                    s.unmap(start, start + len);
                } else if (dice < 83) {
                    long[] range = ShadowPicks.randomMappedRange(s.regions, s.pages, random);
                    if (range == null) {
                        continue;
                    }
                    long start = range[0];
                    long end = range[1];
                    int prot = random.nextBoolean() ? Mman.PROT_READ : RW;
                    ShadowPicks.log(log, op + ": mprotect pid " + pid + " " + Long.toHexString(start) + "-" + Long.toHexString(end) + " " + prot, LOG);
                    int rc = mm.mprotect(pid, start, end - start, prot);
                    if (rc == -12) {
                        continue;
                    }
                    assertThat(rc).isZero();
                    for (long p = start; p < end; p += P) {
                        s.pages.put(p, prot);
                    }
                } else if (dice < 88) {
                    if (shadows.size() >= maxProcs) {
                        continue;
                    }
                    int child = mm.fork(pid);
                    ShadowPicks.log(log, op + ": fork pid " + pid + " -> " + child, LOG);
                    if (child < 0) {
                        assertThat(child).as("fork errno").isEqualTo(-12);
                        continue;
                    }
                    shadows.put(child, s.copy());
                } else if (dice < 90) {
                    ShadowPicks.log(log, op + ": exec pid " + pid, LOG);
                    int r = mm.execve(pid, "x" + op);
                    if (r != 0) {
                        assertThat(r).as("exec errno").isEqualTo(-12); // the old image stays
                    } else if (mm.alive(pid)) {
                        shadows.put(pid, new Shadow());
                    }
                } else if (dice < 93) {
                    if (shadows.size() <= 1) {
                        continue;
                    }
                    ShadowPicks.log(log, op + ": exit pid " + pid, LOG);
                    mm.exit(pid);
                    exitedByUs++;
                    shadows.remove(pid);
                } else if (dice < 95) {
                    if (shadows.size() >= maxProcs) {
                        continue;
                    }
                    int fresh = mm.spawn("p" + op);
                    ShadowPicks.log(log, op + ": spawn -> " + fresh, LOG);
                    if (fresh > 0) {
                        shadows.put(fresh, new Shadow());
                    }
                } else {
                    // pressure: map a large region and dirty every page of it
                    long len = (32 + random.nextInt(256)) * P;
                    long a = mm.mmap(pid, 0, len, RW, ANON, -1, 0);
                    ShadowPicks.log(log, op + ": pressure pid " + pid + " len " + len + " -> " + a, LOG);
                    if (a < 0) {
                        continue;
                    }
                    for (long p = a; p < a + len; p += P) {
                        s.pages.put(p, RW);
                    }
                    s.regions.add(new long[] {a, a + len});
                    for (long p = a; p < a + len && mm.alive(pid); p += P) {
                        long v = random.nextLong();
                        if (mm.store(pid, p + 8, 8, v)) {
                            s.values.put(p + 8, v);
                        }
                    }
                    if (mm.alive(pid) && random.nextBoolean()) {
                        ShadowPicks.log(log, op + ": pressure munmap pid " + pid, LOG);
                        assertThat(mm.munmap(pid, a, len)).isZero();
                        s.unmap(a, a + len);
                        s.regions.removeIf(x -> x[0] == a);
                    }
                }
                if (op % 200 == 199) {
                    mm.verify();
                    alloc.verify();
                }
            }
            for (var e : shadows.entrySet()) {
                for (var v : e.getValue().values.entrySet()) {
                    if (!mm.alive(e.getKey())) {
                        break;
                    }
                    long got = mm.load(e.getKey(), v.getKey(), 8);
                    if (mm.alive(e.getKey())) {
                        assertThat(got).as("final value at %x of pid %d", v.getKey(), e.getKey()).isEqualTo(v.getValue());
                    }
                }
                for (var r : e.getValue().shared.entrySet()) {
                    for (var v : r.getValue().obj.values.entrySet()) {
                        long off = v.getKey() - r.getValue().offset;
                        if (off < 0 || off >= P || !mm.alive(e.getKey())) {
                            continue;
                        }
                        long got = mm.load(e.getKey(), r.getKey() + off, 8);
                        if (mm.alive(e.getKey())) {
                            assertThat(got).as("final shared value at %x of pid %d", r.getKey() + off, e.getKey()).isEqualTo(v.getValue());
                        }
                    }
                }
            }
            mm.verify();
            alloc.verify();
            for (int pid : new ArrayList<>(shadows.keySet())) {
                if (mm.alive(pid)) {
                    mm.exit(pid);
                }
            }
            mm.verify();
            alloc.verify();
            long oomKilled = mm.processes().stream().filter(p -> p.exitReason().equals("oom-killed")).count();
            assertThat(mm.processes()).as("every process ended").noneMatch(ProcessInfo::alive);
            assertThat(mm.counters().get("oom_kills")).as("oom_kills counts the OOM-killed processes").isEqualTo(oomKilled);
            assertThat(machine.vmstat().get(VmItem.OOM_KILL)).as("vmstat oom_kill").isEqualTo(oomKilled);
            assertThat(mm.swapFreePages()).as("swap free after every exit").isEqualTo(swapTotal);
            machine.slab().shrink();
            alloc.drainPerCpuLists();
            if (c.table().equals("inverted")) {
                // the inverted table's entry pool grows and never shrinks (its Javadoc)
                for (int i = 0; i < baseRef.length; i++) {
                    if (baseRef[i] == 0 && machine.memMap().refcount(i) == 1
                        && machine.memMap().flags(i) == dev.mmkit.api.machine.PageFlags.PG_TABLE) {
                        baseFree--;
                    }
                }
            }
            // the slab allocator keeps the block at pfn 0 aside for good (AbstractSlabAllocator: "Address 0")
            boolean nullBlockKept = baseRef[0] == 0 && machine.memMap().refcount(0) == 1 && machine.memMap().flags(0) == 0;
            if (nullBlockKept) {
                int changed = 0;
                for (int i = 1; i < baseRef.length; i++) {
                    if (machine.memMap().refcount(i) != baseRef[i] && !(c.table().equals("inverted")
                        && machine.memMap().flags(i) == dev.mmkit.api.machine.PageFlags.PG_TABLE)) {
                        changed++;
                    }
                }
                nullBlockKept = changed == 0;
            }
            if (ShadowPicks.freePages(alloc) != baseFree && !nullBlockKept) {
                StringBuilder d = new StringBuilder("slab before:\n" + baseSlab + "slab after:\n"
                    + dev.mmkit.api.slab.SlabInfo.render(machine.slab().caches()) + "pages:\n");
                var mem = machine.memMap();
                for (int i = 0; i < baseRef.length; i++) {
                    if (mem.refcount(i) != baseRef[i]) {
                        d.append(String.format("  pfn %x ref %d->%d flags %x mapcount %d mapping %d index %x private %x%n", i, baseRef[i],
                            mem.refcount(i), mem.flags(i), mem.mapcount(i), mem.mapping(i), mem.index(i), mem.privateData(i)));
                    }
                }
                assertThat(ShadowPicks.freePages(alloc)).as("free pages after every exit\n" + d).isEqualTo(baseFree);
            }
            alloc.verify();
            if (!c.table().equals("inverted")) {
                assertThat(machine.pageTable().tablePages()).as("table pages after every exit").isZero();
            }
            Map<VmItem, Long> endState = new TreeMap<>();
            for (VmItem i : baseState.keySet()) {
                endState.put(i, machine.vmstat().get(i));
            }
            if (nullBlockKept) {
                for (VmItem i : List.of(VmItem.NR_FREE_PAGES, VmItem.NR_DIRTY_THRESHOLD, VmItem.NR_DIRTY_BACKGROUND_THRESHOLD)) {
                    endState.put(i, baseState.get(i));
                }
            }
            if (c.table().equals("inverted")) {
                for (VmItem i : List.of(VmItem.NR_FREE_PAGES, VmItem.NR_PAGE_TABLE_PAGES, VmItem.NR_DIRTY_THRESHOLD,
                    VmItem.NR_DIRTY_BACKGROUND_THRESHOLD)) {
                    endState.put(i, baseState.get(i));
                }
            }
            assertThat(endState).as("vmstat state after every exit").isEqualTo(baseState);
        } catch (AssertionError | RuntimeException e) {
            StringBuilder b = new StringBuilder("seed " + seed + " [" + c + "], failed at operation " + op + "; the last operations:\n");
            for (String line : log) {
                b.append("  ").append(line).append('\n');
            }
            if (Boolean.getBoolean("fuzz.verbose")) {
                System.out.println(b);
                e.printStackTrace(System.out);
            }
            throw new AssertionFailedError(e + "\n" + b, e);
        }
        System.out.printf("seed %d [%s]: oom_kills %d pswpout %d pswpin %d cow %d softref %d%n", seed, c, mm.counters().get("oom_kills"),
            machine.vmstat().get(VmItem.PSWPOUT), machine.vmstat().get(VmItem.PSWPIN), mm.counters().get("cow_copies"),
            mm.counters().get("softref_faults"));
        return counters(machine);
    }
}
