package dev.mmkit.paging.mm;

import dev.mmkit.api.workload.Mman;
import dev.mmkit.machine.StandaloneMachine;
import dev.mmkit.paging.TestPageCache;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

// Memory pressure with shared anonymous and file mappings, forks and OOM kills, each mapping in
// its own 4 MiB region (so every fault and fork allocates page tables): the machine's verify()
// (which verifies the page table) after every operation. Bug 5: x86-64-la57, seed 1, op 1465, a
// fork: copyPtes populates the child's tables for a parent entry, the allocation reclaims and
// unmaps that (file) page from the parent, copyPtes skips it and the child keeps an empty leaf
// table that pt.verify() rejects ("is empty but was not freed").
class PageTableOomStressTest {
    private static final int RW = Mman.PROT_READ | Mman.PROT_WRITE;

    @ParameterizedTest
    @ValueSource(strings = {"x86-64", "x86-32", "x86-pae", "x86-64-la57", "inverted"})
    void verifyHoldsUnderPressure(String format) {
        for (long seed = 1; seed <= Long.getLong("stress.seeds", 1); seed++) {
            run(format, seed);
        }
    }

    private void run(String format, long seed) {
        StandaloneMachine machine = Machines.small("1MiB", "256KiB", "mmkit.machine.page-cache.impl = test\n"
            + "mmkit.machine.page-table.impl = " + format);
        LinuxMemoryManager mm = Machines.mm(machine);
        TestPageCache cache = (TestPageCache) machine.pageCache();
        cache.disk.put("f.bin", new byte[64 * 4096]);
        SplittableRandom r = new SplittableRandom(seed);
        Map<Integer, List<long[]>> regions = new HashMap<>();
        Map<Integer, Integer> fds = new HashMap<>();
        int ops = Integer.getInteger("stress.ops", 2000);
        for (int op = 0; op < ops; op++) {
            String ctx = format + " seed " + seed + " op " + op;
            if (regions.isEmpty() || r.nextInt(150) == 0) {
                int p = mm.spawn("p");
                if (p > 0) { // -12 (ENOMEM): no process was created
                    regions.put(p, new ArrayList<>());
                    fds.put(p, mm.open(p, "f.bin", false));
                }
            }
            regions.keySet().removeIf(p -> !mm.alive(p));
            if (regions.isEmpty()) {
                continue;
            }
            List<Integer> pids = new ArrayList<>(regions.keySet());
            Collections.sort(pids);
            int pid = pids.get(r.nextInt(pids.size()));
            List<long[]> regs = regions.get(pid);
            int dice = r.nextInt(100);
            try {
                if (dice < 12 || regs.isEmpty()) {
                    long len = (1 + r.nextInt(8)) * 4096L;
                    long hint = (1 + r.nextInt(1000)) * (1L << 22);
                    int kind = r.nextInt(4);
                    long a;
                    if (kind == 0) {
                        a = mm.mmap(pid, hint, len, RW, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS, -1, 0);
                    } else if (kind == 1) {
                        a = mm.mmap(pid, hint, len, RW, Mman.MAP_SHARED | Mman.MAP_ANONYMOUS, -1, 0);
                    } else {
                        int fd = fds.getOrDefault(pid, -1);
                        a = fd < 0 ? -1 : mm.mmap(pid, hint, len, RW, kind == 2 ? Mman.MAP_SHARED : Mman.MAP_PRIVATE, fd,
                            r.nextInt(32) * 4096L);
                    }
                    if (a > 0) {
                        regs.add(new long[] {a, a + len});
                    }
                } else if (dice < 60) {
                    long[] g = regs.get(r.nextInt(regs.size()));
                    long addr = g[0] + r.nextInt((int) ((g[1] - g[0]) / 8)) * 8L;
                    mm.store(pid, addr, 8, r.nextLong());
                } else if (dice < 88) {
                    long[] g = regs.get(r.nextInt(regs.size()));
                    long addr = g[0] + r.nextInt((int) ((g[1] - g[0]) / 8)) * 8L;
                    mm.load(pid, addr, 8);
                } else if (dice < 94 && regions.size() < 8) {
                    int child = mm.fork(pid);
                    if (child > 0) {
                        List<long[]> copy = new ArrayList<>();
                        for (long[] g : regs) {
                            copy.add(g.clone());
                        }
                        regions.put(child, copy);
                        fds.put(child, fds.getOrDefault(pid, -1));
                    }
                } else if (dice < 97) {
                    long[] g = regs.remove(r.nextInt(regs.size()));
                    mm.munmap(pid, g[0], g[1] - g[0]);
                } else if (regions.size() > 1) {
                    mm.exit(pid);
                }
                mm.verify();
            } catch (RuntimeException | AssertionError e) {
                throw new AssertionError(ctx + " pid " + pid + " dice " + dice + " counters " + mm.counters() + ": " + e, e);
            }
        }
        mm.verify();
        machine.pageAllocator().verify();
    }
}
