package dev.mmkit.paging.mm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.workload.Mman;
import dev.mmkit.machine.StandaloneMachine;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

// Far more memory wanted than RAM + swap: OOM kills happen all the time, and survivors' data and every invariant hold.
class OomStressTest {
    private static final int RW = Mman.PROT_READ | Mman.PROT_WRITE;
    private static final int ANON = Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS;

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4})
    void survivorsKeepTheirData(long seed) {
        // even seeds: per-process resident limits on two CPUs; odd: one replacement set
        String extra = seed % 2 == 0 ? "mmkit.machine.paging.resident-limit = 40\nmmkit.machine.cpus = 2" : "";
        StandaloneMachine machine = Machines.small("1MiB", "512KiB", extra);
        LinuxMemoryManager mm = Machines.mm(machine);
        SplittableRandom r = new SplittableRandom(seed);
        Map<Integer, Map<Long, Long>> values = new HashMap<>();
        Map<Integer, List<long[]>> regions = new HashMap<>();
        for (int op = 0; op < 20_000; op++) {
            if (values.isEmpty() || r.nextInt(200) == 0) {
                int p = mm.spawn("p");
                values.put(p, new HashMap<>());
                regions.put(p, new ArrayList<>());
            }
            values.keySet().removeIf(p -> !mm.alive(p));
            regions.keySet().retainAll(values.keySet());
            if (values.isEmpty()) {
                continue;
            }
            List<Integer> pids = new ArrayList<>(values.keySet());
            Collections.sort(pids);
            int pid = pids.get(r.nextInt(pids.size()));
            if (machine.nrCpus() > 1 && r.nextInt(30) == 0) {
                machine.setCurrentCpu(r.nextInt(machine.nrCpus()));
            }
            int dice = r.nextInt(100);
            List<long[]> regs = regions.get(pid);
            if (dice < 10 || regs.isEmpty()) {
                long len = (1 + r.nextInt(64)) * 4096L;
                long a = mm.mmap(pid, 0, len, RW, ANON, -1, 0);
                if (a > 0) {
                    regs.add(new long[] {a, a + len});
                }
            } else if (dice < 60) {
                long[] g = regs.get(r.nextInt(regs.size()));
                long addr = g[0] + r.nextInt((int) ((g[1] - g[0]) / 8)) * 8L;
                long v = r.nextLong();
                if (mm.store(pid, addr, 8, v)) {
                    values.get(pid).put(addr, v);
                }
            } else if (dice < 90) {
                long[] g = regs.get(r.nextInt(regs.size()));
                long addr = g[0] + r.nextInt((int) ((g[1] - g[0]) / 8)) * 8L;
                long got = mm.load(pid, addr, 8);
                if (mm.alive(pid)) {
                    assertThat(got).as("seed %d, operation %d, pid %d, %x", seed, op, pid, addr)
                        .isEqualTo(values.get(pid).getOrDefault(addr, 0L));
                }
            } else if (dice < 95 && values.size() < 8) {
                int child = mm.fork(pid);
                if (child > 0) {
                    values.put(child, new HashMap<>(values.get(pid)));
                    List<long[]> copy = new ArrayList<>();
                    for (long[] g : regs) {
                        copy.add(g.clone());
                    }
                    regions.put(child, copy);
                }
            } else if (dice < 97 && values.size() > 1) {
                mm.exit(pid);
            }
            if (op % 500 == 0) {
                mm.verify();
                machine.pageAllocator().verify();
            }
        }
        mm.verify();
        assertThat(mm.counters().get("oom_kills")).as("the OOM killer ran").isGreaterThan(10);
    }
}
