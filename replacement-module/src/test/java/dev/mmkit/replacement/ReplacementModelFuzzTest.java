package dev.mmkit.replacement;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.hw.Access;
import dev.mmkit.api.replacement.ReplacementPolicyProvider;
import dev.mmkit.paging.fifo.FifoPolicyProvider;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Model-based fuzz: each policy against an independent model of its Javadoc algorithm. */
class ReplacementModelFuzzTest {
    static final int SEEDS = Integer.getInteger("fuzz.seeds", 100);

    record Trace(int frames, int[] pages, boolean[] writes) {
        static Trace random(long seed) {
            SplittableRandom r = new SplittableRandom(seed);
            int frames = 1 + r.nextInt(10);
            int span = frames + 1 + r.nextInt(frames * 3 + 2);
            int len = 50 + r.nextInt(250);
            int[] pages = new int[len];
            boolean[] writes = new boolean[len];
            int base = 0;
            int mode = r.nextInt(3);
            for (int i = 0; i < len; i++) {
                if (r.nextInt(20) == 0) {
                    base = r.nextInt(span);
                }
                pages[i] = mode == 0 ? r.nextInt(span)
                    : (base + (r.nextInt(4) == 0 ? r.nextInt(span) : r.nextInt(frames + 1))) % span;
                writes[i] = r.nextInt(mode == 2 ? 2 : 4) == 0;
            }
            return new Trace(frames, pages, writes);
        }

        PolicyMachine run(ReplacementPolicyProvider provider, String settings) {
            PolicyMachine m = new PolicyMachine(frames, provider, settings);
            for (int i = 0; i < pages.length; i++) {
                m.access(pages[i], writes[i] ? Access.WRITE : Access.READ, -1);
                if (i % 17 == 0) {
                    m.verify();
                }
            }
            return m.verify();
        }

        PolicyMachine runWithFuture(ReplacementPolicyProvider provider) {
            PolicyMachine m = new PolicyMachine(frames, provider, "");
            long[] next = PolicyMachine.nextAccesses(pages);
            for (int i = 0; i < pages.length; i++) {
                m.access(pages[i], writes[i] ? Access.WRITE : Access.READ, next[i]);
            }
            return m.verify();
        }

        Model model(Model m) {
            return model(m, false);
        }

        Model model(Model m, boolean software) {
            m.software = software;
            m.frames = frames;
            for (int i = 0; i < pages.length; i++) {
                m.access(i, pages[i], writes[i], this);
            }
            return m;
        }
    }

    /** The machine as the policies see it: A bits set by every reference, dirty until written to swap. */
    abstract static class Model {
        int frames;
        final Set<Integer> resident = new HashSet<>();
        final Set<Integer> ref = new HashSet<>();
        final Set<Integer> invalid = new HashSet<>();
        final Set<Integer> emulated = new HashSet<>();
        boolean software;
        long softrefFaults;
        final Set<Integer> slot = new HashSet<>();
        final Set<Integer> written = new HashSet<>();
        final List<Long> victims = new ArrayList<>();
        long pageIns;
        long softFaults;
        boolean armed;

        void access(int i, int p, boolean write, Trace t) {
            if (resident.contains(p)) {
                if (invalid.remove(p)) {
                    softFaults++;
                    if (emulated.remove(p)) {
                        softrefFaults++;
                    }
                    ref.add(p);
                    softFault(p);
                }
                hit(p, i, t);
            } else {
                if (resident.size() == frames) {
                    int v = evict(i, t);
                    resident.remove(v);
                    invalid.remove(v);
                    emulated.remove(v);
                    ref.remove(v);
                    slot.add(v);
                    written.remove(v);
                    victims.add((long) v);
                }
                pageIns++;
                resident.add(p);
                add(p, i, t);
            }
            ref.add(p);
            if (write) {
                written.add(p);
            }
            endOfReference();
        }

        boolean testAndClear(int p) {
            if (software) {
                invalid.add(p);
                emulated.add(p);
            }
            return ref.remove(p);
        }

        boolean dirty(int p) {
            return !slot.contains(p) || written.contains(p);
        }

        void writeback(int p) {
            slot.add(p);
            written.remove(p);
        }

        void invalidate(int p) {
            invalid.add(p);
            emulated.remove(p);
        }

        void hit(int p, int i, Trace t) {
        }

        void softFault(int p) {
        }

        void endOfReference() {
        }

        abstract int evict(int i, Trace t);

        abstract void add(int p, int i, Trace t);
    }

    static final class FifoModel extends Model {
        final ArrayDeque<Integer> q = new ArrayDeque<>();

        @Override
        int evict(int i, Trace t) {
            return q.pollFirst();
        }

        @Override
        void add(int p, int i, Trace t) {
            q.addLast(p);
        }
    }

    static final class LruModel extends Model {
        final LinkedHashSet<Integer> q = new LinkedHashSet<>();

        @Override
        void hit(int p, int i, Trace t) {
            q.remove(p);
            q.add(p);
        }

        @Override
        int evict(int i, Trace t) {
            int v = q.iterator().next();
            q.remove(v);
            return v;
        }

        @Override
        void add(int p, int i, Trace t) {
            q.add(p);
        }
    }

    static final class OptModel extends Model {
        @Override
        int evict(int i, Trace t) {
            int best = -1;
            int bestNext = -1;
            for (int p : resident) {
                int next = Integer.MAX_VALUE;
                for (int j = i + 1; j < t.pages.length; j++) {
                    if (t.pages[j] == p) {
                        next = j;
                        break;
                    }
                }
                if (next > bestNext) {
                    bestNext = next;
                    best = p;
                }
            }
            return best;
        }

        @Override
        void add(int p, int i, Trace t) {
        }
    }

    /** Clock and Nth chance (n = 1, no writeback: clock). */
    static final class NthModel extends Model {
        final ArrayDeque<Integer> ring = new ArrayDeque<>();
        final Map<Integer, Integer> count = new HashMap<>();
        final int n;
        final boolean dw;

        NthModel(int n, boolean dw) {
            this.n = n;
            this.dw = dw;
        }

        @Override
        int evict(int i, Trace t) {
            while (true) {
                int h = ring.peekFirst();
                if (testAndClear(h)) {
                    count.put(h, 0);
                } else {
                    int c = count.get(h) + 1;
                    if (c == n && dw && dirty(h)) {
                        writeback(h);
                    } else if (c >= n) {
                        ring.pollFirst();
                        return h;
                    }
                    count.put(h, c);
                }
                ring.addLast(ring.pollFirst());
            }
        }

        @Override
        void add(int p, int i, Trace t) {
            ring.addLast(p);
            count.put(p, 0);
        }
    }

    static final class VmsModel extends Model {
        final ArrayDeque<Integer> active = new ArrayDeque<>();
        final LinkedHashSet<Integer> sc = new LinkedHashSet<>();
        final long pages;
        final int percent;

        VmsModel(long pages, int percent) {
            this.pages = pages;
            this.percent = percent;
        }

        long target() {
            long size = active.size() + sc.size();
            return pages >= 0 ? pages : (size * percent + 99) / 100;
        }

        void balance() {
            while (sc.size() < target() && active.size() > 1) {
                int p = active.pollFirst();
                sc.add(p);
                invalidate(p);
            }
        }

        @Override
        void softFault(int p) {
            if (sc.remove(p)) {
                active.addLast(p);
                balance();
            }
        }

        @Override
        int evict(int i, Trace t) {
            if (!sc.isEmpty()) {
                int v = sc.iterator().next();
                sc.remove(v);
                balance();
                return v;
            }
            return active.pollFirst();
        }

        @Override
        void add(int p, int i, Trace t) {
            active.addLast(p);
            balance();
        }
    }

    static final class TwoListModel extends Model {
        final ArrayDeque<Integer> inactive = new ArrayDeque<>();
        final ArrayDeque<Integer> active = new ArrayDeque<>();
        final Set<Integer> mark = new HashSet<>();

        @Override
        int evict(int i, Trace t) {
            while (true) {
                while (inactive.size() < active.size()) {
                    int a = active.pollFirst();
                    testAndClear(a);
                    inactive.addLast(a);
                }
                int h = inactive.pollFirst();
                boolean flag = mark.contains(h);
                if (testAndClear(h)) {
                    mark.add(h);
                    if (flag) {
                        active.addLast(h);
                    } else {
                        inactive.addLast(h);
                    }
                } else {
                    mark.remove(h);
                    return h;
                }
            }
        }

        @Override
        void add(int p, int i, Trace t) {
            mark.remove(p);
            inactive.addLast(p);
        }
    }

    /** Free-list clock with period 1ns: the daemon runs at the end of each reference that woke it. */
    static final class FreelistModel extends Model {
        final ArrayDeque<Integer> ring = new ArrayDeque<>();
        final LinkedHashSet<Integer> free = new LinkedHashSet<>();
        final int target;

        FreelistModel(int target) {
            this.target = target;
        }

        void wakeup() {
            if (free.size() < target && !ring.isEmpty()) {
                armed = true;
            }
        }

        @Override
        void endOfReference() {
            if (armed) {
                armed = false;
                for (int steps = 2 * ring.size() + 1; free.size() < target && !ring.isEmpty() && steps > 0; steps--) {
                    int h = ring.peekFirst();
                    if (testAndClear(h)) {
                        ring.addLast(ring.pollFirst());
                    } else {
                        ring.pollFirst();
                        free.add(h);
                        if (dirty(h)) {
                            writeback(h);
                        }
                        invalidate(h);
                    }
                }
            }
        }

        @Override
        void softFault(int p) {
            if (free.remove(p)) {
                ring.addLast(p);
                wakeup();
            }
        }

        @Override
        int evict(int i, Trace t) {
            if (!free.isEmpty()) {
                int v = free.iterator().next();
                free.remove(v);
                wakeup();
                return v;
            }
            while (testAndClear(ring.peekFirst())) {
                ring.addLast(ring.pollFirst());
            }
            int v = ring.pollFirst();
            wakeup();
            return v;
        }

        @Override
        void add(int p, int i, Trace t) {
            ring.addLast(p);
            wakeup();
        }
    }

    static void same(String what, long seed, Trace t, PolicyMachine m, Model model) {
        if (!what.contains(" as ")) {
            soft(what, seed, m, model);
        }
        assertThat(m.victims()).as(what + " seed " + seed + " frames " + t.frames()).isEqualTo(model.victims);
        assertThat(m.pageIns()).as(what + " seed " + seed).isEqualTo(model.pageIns);
    }

    static void soft(String what, long seed, PolicyMachine m, Model model) {
        assertThat(m.mm.counters().get("soft_faults")).as(what + " soft faults seed " + seed).isEqualTo(model.softFaults);
        assertThat(m.mm.counters().get("softref_faults")).as(what + " softref faults seed " + seed).isEqualTo(model.softrefFaults);
    }

    @Test
    void fifoLruOpt() {
        for (long seed = 1; seed <= SEEDS; seed++) {
            Trace t = Trace.random(seed);
            PolicyMachine fifo = t.run(new FifoPolicyProvider(), "");
            same("fifo", seed, t, fifo, t.model(new FifoModel()));
            PolicyMachine lru = t.run(new LruPolicyProvider(), "");
            same("lru", seed, t, lru, t.model(new LruModel()));
            PolicyMachine opt = t.runWithFuture(new OptPolicyProvider());
            assertThat(opt.pageIns()).as("opt seed " + seed).isEqualTo(t.model(new OptModel()).pageIns);
            assertThat(opt.pageIns()).isLessThanOrEqualTo(fifo.pageIns()).isLessThanOrEqualTo(lru.pageIns());
        }
    }

    @Test
    void clockAndNthChance() {
        for (long seed = 1; seed <= SEEDS; seed++) {
            Trace t = Trace.random(seed);
            same("clock", seed, t, t.run(new ClockPolicyProvider(), ""), t.model(new NthModel(1, false)));
            int n = 1 + (int) (seed % 4);
            boolean dw = seed % 2 == 0;
            same("nth " + n + " " + dw, seed, t,
                t.run(new NthChancePolicyProvider(), "mmkit.machine.replacement.nth-chance { n = " + n + ", dirty-writeback = " + dw + " }"),
                t.model(new NthModel(n, dw)));
        }
    }

    @Test
    void vms() {
        for (long seed = 1; seed <= SEEDS; seed++) {
            Trace t = Trace.random(seed);
            long pages = seed % 3 == 0 ? -1 : (seed % 7);
            int percent = (int) (seed * 37 % 101);
            String s = pages >= 0 ? "" + pages : "\"" + percent + "%\"";
            PolicyMachine vms = t.run(new VmsPolicyProvider(), "mmkit.machine.replacement.vms.second-chance = " + s);
            Model model = t.model(new VmsModel(pages, percent));
            same("vms " + s, seed, t, vms, model);
            PolicyMachine zero = t.run(new VmsPolicyProvider(), "mmkit.machine.replacement.vms.second-chance = 0");
            same("vms 0 as fifo", seed, t, zero, t.model(new FifoModel()));
            PolicyMachine all = t.run(new VmsPolicyProvider(), "mmkit.machine.replacement.vms.second-chance = " + t.frames());
            same("vms all as lru", seed, t, all, t.model(new LruModel()));
            PolicyMachine hundred = t.run(new VmsPolicyProvider(), "mmkit.machine.replacement.vms.second-chance = 100%");
            same("vms 100% as lru", seed, t, hundred, t.model(new LruModel()));
        }
    }

    @Test
    void optFaultsLeastAndLruIsAStackAlgorithm() {
        for (long seed = 1; seed <= SEEDS; seed++) {
            Trace t = Trace.random(seed);
            long opt = t.runWithFuture(new OptPolicyProvider()).pageIns();
            String[][] all = {{"fifo", ""}, {"lru", ""}, {"clock", ""}, {"nth", "mmkit.machine.replacement.nth-chance { n = 3, dirty-writeback = true }"},
                {"vms", ""}, {"vms", "mmkit.machine.replacement.vms.second-chance = 1"}, {"two-list", ""},
                {"freelist", "mmkit.machine.replacement.freelist-clock { target = 2, period = 1ns }"}};
            for (String[] p : all) {
                ReplacementPolicyProvider provider = provider(p[0]);
                assertThat(opt).as(p[0] + " " + p[1] + " seed " + seed).isLessThanOrEqualTo(t.run(provider, p[1]).pageIns());
            }
            Trace bigger = new Trace(t.frames() + 1, t.pages(), t.writes());
            assertThat(bigger.run(new LruPolicyProvider(), "").pageIns()).isLessThanOrEqualTo(t.run(new LruPolicyProvider(), "").pageIns());
            assertThat(bigger.runWithFuture(new OptPolicyProvider()).pageIns()).isLessThanOrEqualTo(opt);
        }
    }

    @Test
    void twoList() {
        for (long seed = 1; seed <= SEEDS; seed++) {
            Trace t = Trace.random(seed);
            same("two-list", seed, t, t.run(new TwoListPolicyProvider(), ""), t.model(new TwoListModel()));
        }
    }

    @Test
    void freelistClock() {
        for (long seed = 1; seed <= SEEDS; seed++) {
            Trace t = Trace.random(seed);
            int target = 1 + (int) (seed % 3);
            same("freelist " + target, seed, t,
                t.run(new FreelistClockPolicyProvider(), "mmkit.machine.replacement.freelist-clock { target = " + target + ", period = 1ns }"),
                t.model(new FreelistModel(target)));
            same("freelist 1h as clock", seed, t,
                t.run(new FreelistClockPolicyProvider(), "mmkit.machine.replacement.freelist-clock { target = " + target + ", period = 1h }"),
                t.model(new NthModel(1, false)));
        }
    }

    @Test
    void softwareBits() {
        String software = "mmkit.machine.paging.referenced-bits = software\n";
        for (long seed = 1; seed <= SEEDS; seed++) {
            Trace t = Trace.random(seed);
            int n = 1 + (int) (seed % 3);
            String nth = "mmkit.machine.replacement.nth-chance { n = " + n + ", dirty-writeback = true }\n";
            same("sw clock", seed, t, t.run(new ClockPolicyProvider(), software), t.model(new NthModel(1, false), true));
            same("sw nth " + n, seed, t, t.run(new NthChancePolicyProvider(), software + nth), t.model(new NthModel(n, true), true));
            same("sw two-list", seed, t, t.run(new TwoListPolicyProvider(), software), t.model(new TwoListModel(), true));
            same("sw vms", seed, t, t.run(new VmsPolicyProvider(), software + "mmkit.machine.replacement.vms.second-chance = 2"),
                t.model(new VmsModel(2, 0), true));
            same("sw freelist", seed, t, t.run(new FreelistClockPolicyProvider(), software
                + "mmkit.machine.replacement.freelist-clock { target = 2, period = 1ns }"), t.model(new FreelistModel(2), true));
        }
    }

    /** The provider of the policy this test names {@code name} ("nth" for nth-chance, anything else unknown: freelist-clock). */
    static ReplacementPolicyProvider provider(String name) {
        return switch (name) {
            case "fifo" -> new FifoPolicyProvider();
            case "lru" -> new LruPolicyProvider();
            case "clock" -> new ClockPolicyProvider();
            case "nth" -> new NthChancePolicyProvider();
            case "vms" -> new VmsPolicyProvider();
            case "two-list" -> new TwoListPolicyProvider();
            default -> new FreelistClockPolicyProvider();
        };
    }
}
