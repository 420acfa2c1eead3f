package dev.mmkit.replacement;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.replacement.ReplacementPolicyProvider;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Several processes, fork and exit, stores and loads checked against a model of the values, verify() after each step. */
class ReplacementMultiProcessFuzzTest {
    static final int SEEDS = Integer.getInteger("fuzz.seeds", 8);

    @Test
    void forkExitStoreLoad() {
        String[][] policies = {{"fifo", ""}, {"lru", ""}, {"clock", ""},
            {"nth", "mmkit.machine.replacement.nth-chance { n = 2, dirty-writeback = true }"},
            {"vms", "mmkit.machine.replacement.vms.second-chance = 2"}, {"vms", "mmkit.machine.replacement.vms.second-chance = 100%"},
            {"two-list", ""}, {"freelist", "mmkit.machine.replacement.freelist-clock { target = 2, period = 1ns }"}};
        for (long seed = 1; seed <= SEEDS; seed++) {
            for (String[] p : policies) {
                for (String bits : new String[] {"hardware", "software"}) {
                    run(seed, p, bits);
                }
            }
        }
    }

    @Test
    void sharedAnonymous() {
        String[][] policies = {{"clock", ""}, {"lru", ""},
            {"nth", "mmkit.machine.replacement.nth-chance { n = 1, dirty-writeback = true }"},
            {"vms", "mmkit.machine.replacement.vms.second-chance = 2"}, {"vms", "mmkit.machine.replacement.vms.second-chance = 100%"},
            {"two-list", ""}, {"freelist", "mmkit.machine.replacement.freelist-clock { target = 2, period = 1ns }"}};
        for (long seed = 1; seed <= SEEDS; seed++) {
            for (String[] p : policies) {
                for (String bits : new String[] {"hardware", "software"}) {
                    shared(seed, p, bits);
                }
            }
        }
    }

    void shared(long seed, String[] p, String bits) {
        ReplacementPolicyProvider provider = ReplacementModelFuzzTest.provider(p[0]);
        SplittableRandom r = new SplittableRandom(seed);
        int frames = 2 + r.nextInt(6);
        PolicyMachine m = new PolicyMachine(frames, provider, p[1] + "\nmmkit.machine.paging.referenced-bits = " + bits);
        String what = p[0] + " " + p[1] + " " + bits + " seed " + seed;
        int first = m.mm.spawn("shm");
        long base = m.mm.mmap(first, 0x40000000L, 16 * 4096L, 3, 0x01 | 0x20, -1, 0);
        assertThat(base).as(what).isPositive();
        List<Integer> pids = new ArrayList<>();
        pids.add(first);
        Map<Integer, Long> values = new HashMap<>();
        for (int step = 0; step < 600; step++) {
            int i = r.nextInt(pids.size());
            int pid = pids.get(i);
            int page = r.nextInt(Math.min(16, 3 * frames));
            int op = r.nextInt(40);
            long va = base + page * 4096L + 16;
            if (op == 0 && pids.size() < 4) {
                int child = m.mm.fork(pid);
                assertThat(child).as(what).isPositive();
                pids.add(child);
            } else if (op == 1 && pids.size() > 1) {
                m.mm.exit(pid);
                pids.remove(i);
            } else if (op < 20) {
                long v = r.nextLong();
                assertThat(m.mm.store(pid, va, 8, v)).as(what).isTrue();
                values.put(page, v);
            } else {
                assertThat(m.mm.load(pid, va, 8)).as(what + " step " + step + " pid " + pid + " page " + page)
                    .isEqualTo(values.getOrDefault(page, 0L));
            }
            m.mm.verify();
        }
    }

    void run(long seed, String[] p, String bits) {
        ReplacementPolicyProvider provider = ReplacementModelFuzzTest.provider(p[0]);
        SplittableRandom r = new SplittableRandom(seed);
        int frames = 2 + r.nextInt(6);
        PolicyMachine m = new PolicyMachine(frames, provider, p[1] + "\nmmkit.machine.paging.referenced-bits = " + bits);
        List<Integer> pids = new ArrayList<>();
        List<Map<Integer, Long>> values = new ArrayList<>();
        pids.add(m.pid);
        values.add(new HashMap<>());
        String what = p[0] + " " + p[1] + " " + bits + " seed " + seed;
        for (int step = 0; step < 600; step++) {
            int i = r.nextInt(pids.size());
            int pid = pids.get(i);
            int page = r.nextInt(3 * frames);
            int op = r.nextInt(40);
            if (op == 0 && pids.size() < 4) {
                int child = m.mm.fork(pid);
                assertThat(child).as(what).isPositive();
                pids.add(child);
                values.add(new HashMap<>(values.get(i)));
            } else if (op == 1 && pids.size() > 1) {
                m.mm.exit(pid);
                pids.remove(i);
                values.remove(i);
            } else if (op < 20) {
                long v = r.nextLong();
                assertThat(m.mm.store(pid, page * 4096L + 8, 8, v)).as(what).isTrue();
                values.get(i).put(page, v);
            } else {
                assertThat(m.mm.load(pid, page * 4096L + 8, 8)).as(what + " step " + step + " pid " + pid + " page " + page)
                    .isEqualTo(values.get(i).getOrDefault(page, 0L));
            }
            m.mm.verify();
        }
    }
}
