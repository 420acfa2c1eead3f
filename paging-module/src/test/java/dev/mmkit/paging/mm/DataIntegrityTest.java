package dev.mmkit.paging.mm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.machine.VmItem;
import dev.mmkit.api.workload.Mman;
import dev.mmkit.machine.StandaloneMachine;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

// Every value a process stores reads back, across swap, COW and fork, under pressure: checked against a shadow model.
class DataIntegrityTest {
    private static final int RW = Mman.PROT_READ | Mman.PROT_WRITE;
    private static final int ANON = Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS;
    private static final long P = 4096;
    private static final int OPS = 20_000;
    private static final int MAX_PROCESSES = 6;
    private static final int MAX_PAGES = 400;
    /** Operations a failure prints (the last ones). */
    private static final int LOG = 300;

    /** What one process should see: prot per mapped page, values per 8-byte slot (absent = 0). */
    private static final class Shadow {
        final TreeMap<Long, Integer> pages = new TreeMap<>();
        final HashMap<Long, Long> values = new HashMap<>();
        final List<long[]> regions = new ArrayList<>();
        long startBrk;
        long brk;

        Shadow copy() {
            Shadow s = new Shadow();
            s.pages.putAll(pages);
            s.values.putAll(values);
            for (long[] r : regions) {
                s.regions.add(r.clone());
            }
            s.startBrk = startBrk;
            s.brk = brk;
            return s;
        }

        void unmap(long start, long end) {
            pages.subMap(start, end).clear();
            values.keySet().removeIf(a -> a >= start && a < end);
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 42, 20260101})
    void randomOperationsUnderMemoryPressure(long seed) {
        run(seed, "x86-64");
    }

    @Test
    void theSameOnTheInvertedTable() {
        run(7, "inverted");
    }

    @Test
    void theSameUnderAResidentLimitOnTwoCpus() {
        run(Long.getLong("mmkit.test.seed", 3), "x86-64", "mmkit.machine.paging.resident-limit = 64\nmmkit.machine.cpus = 2");
    }

    @Test
    void theSameWithTlbsThatKeepTheirOwnBits() {
        // the Nachos convention: A and D reach the PTEs only when the TLBs' entries leave
        run(13, "x86-64", "mmkit.machine.tlb.writeback-bits = true\nmmkit.machine.cpus = 2");
    }

    private void run(long seed, String format) {
        run(seed, format, "");
    }

    @Test
    void theSameWithAPolicyThatInvalidatesPagesAndSoftwareReferencedBits() {
        // every page is made invalid a few adds after it came in, and the policy tests and
        // clears referenced bits (software: invalidating too): soft faults everywhere
        StandaloneMachine machine = RecordingPolicy.machine("1MiB", "16MiB", "mmkit.machine.paging.referenced-bits = software",
            new ArrayList<>(), 3);
        run(5, machine);
        assertThat(Machines.mm(machine).counters().get("soft_faults")).isPositive();
        assertThat(Machines.mm(machine).counters().get("softref_faults")).isPositive();
    }

    @Test
    void theSameWithAPolicyThatInvalidatesPagesAndHardwareBits() {
        StandaloneMachine machine = RecordingPolicy.machine("1MiB", "16MiB", "mmkit.machine.paging.resident-limit = 64",
            new ArrayList<>(), 2);
        run(11, machine);
        assertThat(Machines.mm(machine).counters().get("soft_faults")).isPositive();
        assertThat(Machines.mm(machine).counters().get("softref_faults")).isZero();
    }

    private void run(long seed, String format, String extra) {
        // 1 MiB of RAM (256 frames) for a working set of up to ~2000 pages
        run(seed, Machines.small("1MiB", "16MiB", "mmkit.machine.page-table.impl = " + format + "\n" + extra));
    }

    private void run(long seed, StandaloneMachine machine) {
        LinuxMemoryManager mm = Machines.mm(machine);
        SplittableRandom random = new SplittableRandom(seed);
        Map<Integer, Shadow> shadows = new HashMap<>();
        ArrayDeque<String> log = new ArrayDeque<>();
        int first = mm.spawn("init");
        Shadow s0 = new Shadow();
        s0.startBrk = mm.brk(first, 0);
        s0.brk = s0.startBrk;
        shadows.put(first, s0);
        int op = 0;
        try {
            for (op = 0; op < OPS; op++) {
                List<Integer> pids = new ArrayList<>(shadows.keySet());
                pids.sort(null);
                int pid = pids.get(random.nextInt(pids.size()));
                Shadow s = shadows.get(pid);
                int dice = random.nextInt(100);
                if (machine.nrCpus() > 1 && random.nextInt(50) == 0) {
                    int cpu = random.nextInt(machine.nrCpus());
                    ShadowPicks.log(log, op + ": run on cpu " + cpu, LOG);
                    machine.setCurrentCpu(cpu);
                }
                if (dice < 40) {
                    long addr = ShadowPicks.randomSlot(s.regions, s.pages, random);
                    if (addr < 0 || (s.pages.get(addr & ~(P - 1)) & Mman.PROT_WRITE) == 0) {
                        continue;
                    }
                    long value = random.nextLong();
                    ShadowPicks.log(log, op + ": store pid " + pid + " " + Long.toHexString(addr) + " = " + Long.toHexString(value), LOG);
                    assertThat(mm.store(pid, addr, 8, value)).as("store").isTrue();
                    s.values.put(addr, value);
                } else if (dice < 72) {
                    long addr = ShadowPicks.randomSlot(s.regions, s.pages, random);
                    if (addr < 0) {
                        continue;
                    }
                    ShadowPicks.log(log, op + ": load pid " + pid + " " + Long.toHexString(addr), LOG);
                    long got = mm.load(pid, addr, 8);
                    assertThat(mm.alive(pid)).as("alive after load").isTrue();
                    assertThat(got).as("value at %x of pid %d", addr, pid).isEqualTo(s.values.getOrDefault(addr, 0L));
                } else if (dice < 80) {
                    long len = (1 + random.nextInt(64)) * P;
                    if (s.pages.size() + len / P > MAX_PAGES) {
                        continue;
                    }
                    long a = mm.mmap(pid, 0, len, RW, ANON, -1, 0);
                    ShadowPicks.log(log, op + ": mmap pid " + pid + " len " + len + " -> " + Long.toHexString(a), LOG);
                    assertThat(a).as("mmap").isPositive();
                    for (long p = a; p < a + len; p += P) {
                        s.pages.put(p, RW);
                    }
                    s.regions.add(new long[] {a, a + len});
                } else if (dice < 83) {
                    long[] u = ShadowPicks.randomUnmapRange(s.regions, random);
                    if (u == null) {
                        continue;
                    }
                    long start = u[0];
                    long len = u[1];
                    ShadowPicks.log(log, op + ": munmap pid " + pid + " " + Long.toHexString(start) + " len " + len, LOG);
                    assertThat(mm.munmap(pid, start, len)).isZero();
                    s.unmap(start, start + len);
                } else if (dice < 88) {
                    long[] range = ShadowPicks.randomMappedRange(s.regions, s.pages, random);
                    if (range == null) {
                        continue;
                    }
                    long start = range[0];
                    long end = range[1];
                    int prot = random.nextBoolean() ? Mman.PROT_READ : RW;
                    ShadowPicks.log(log, op + ": mprotect pid " + pid + " " + Long.toHexString(start) + "-" + Long.toHexString(end) + " " + prot, LOG);
                    assertThat(mm.mprotect(pid, start, end - start, prot)).isZero();
                    for (long p = start; p < end; p += P) {
                        s.pages.put(p, prot);
                    }
                } else if (dice < 93) {
                    long newBrk = s.startBrk + random.nextInt(64 * (int) P);
                    ShadowPicks.log(log, op + ": brk pid " + pid + " " + Long.toHexString(newBrk), LOG);
                    assertThat(mm.brk(pid, newBrk)).isEqualTo(newBrk);
                    long oldEnd = (s.brk + P - 1) & ~(P - 1);
                    long newEnd = (newBrk + P - 1) & ~(P - 1);
                    if (newEnd < oldEnd) {
                        s.unmap(newEnd, oldEnd);
                    } else {
                        for (long p = oldEnd; p < newEnd; p += P) {
                            s.pages.put(p, RW);
                        }
                    }
                    s.brk = newBrk;
                    s.regions.removeIf(x -> x[0] == s.startBrk);
                    if (newEnd > s.startBrk) {
                        s.regions.add(new long[] {s.startBrk, newEnd});
                    }
                } else if (dice < 97) {
                    if (shadows.size() >= MAX_PROCESSES) {
                        continue;
                    }
                    int child = mm.fork(pid);
                    ShadowPicks.log(log, op + ": fork pid " + pid + " -> " + child, LOG);
                    assertThat(child).as("fork").isPositive();
                    shadows.put(child, s.copy());
                } else if (dice < 99) {
                    if (shadows.size() <= 1) {
                        continue;
                    }
                    ShadowPicks.log(log, op + ": exit pid " + pid, LOG);
                    mm.exit(pid);
                    shadows.remove(pid);
                } else {
                    if (shadows.size() >= MAX_PROCESSES) {
                        continue;
                    }
                    int fresh = mm.spawn("p" + op);
                    ShadowPicks.log(log, op + ": spawn -> " + fresh, LOG);
                    Shadow n = new Shadow();
                    n.startBrk = mm.brk(fresh, 0);
                    n.brk = n.startBrk;
                    shadows.put(fresh, n);
                }
                if (op % 1000 == 999) {
                    mm.verify();
                    machine.pageAllocator().verify();
                }
            }
            // read everything back at the end
            for (Map.Entry<Integer, Shadow> e : shadows.entrySet()) {
                for (Map.Entry<Long, Long> v : e.getValue().values.entrySet()) {
                    assertThat(mm.load(e.getKey(), v.getKey(), 8)).as("final value at %x of pid %d", v.getKey(), e.getKey())
                        .isEqualTo(v.getValue());
                }
            }
            mm.verify();
            System.out.printf("data integrity seed %d (%s): %d operations, pswpout %d, pswpin %d, cow copies %d%n", seed,
                machine.pageTable().getClass().getSimpleName(), OPS, machine.vmstat().get(VmItem.PSWPOUT), machine.vmstat().get(VmItem.PSWPIN), mm.counters().get("cow_copies"));
            assertThat(machine.vmstat().get(VmItem.PSWPOUT)).as("swapping happened").isPositive();
            assertThat(machine.vmstat().get(VmItem.PSWPIN)).as("swapping happened").isPositive();
            assertThat(mm.counters().get("cow_copies")).isPositive();
        } catch (AssertionError | RuntimeException e) {
            StringBuilder b = new StringBuilder("seed " + seed + " (" + machine.pageTable().getClass().getSimpleName()
                + "), failed at operation " + op + "; the last operations:\n");
            for (String line : log) {
                b.append("  ").append(line).append('\n');
            }
            b.append("processes: ").append(mm.processes().stream().filter(p -> !p.exitReason().equals("exited"))
                .map(p -> p.pid() + ":" + (p.alive() ? "alive" : p.exitReason())).toList());
            throw new AssertionFailedError(b.toString() + "\n" + e, e);
        }
    }
}
