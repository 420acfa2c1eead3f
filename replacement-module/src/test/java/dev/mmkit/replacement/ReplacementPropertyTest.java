package dev.mmkit.replacement;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.hw.Access;
import dev.mmkit.api.replacement.ReplacementPolicyProvider;
import dev.mmkit.paging.fifo.FifoPolicyProvider;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

// Equivalences and bounds that must hold on any trace, checked on seeded random traces through the whole machine:
// nth-chance N=1 is clock, vms with no second-chance list is FIFO, a free-list clock whose daemon never runs is clock,
// OPT faults least, LRU has no Belady anomaly.
class ReplacementPropertyTest {
    /** A trace with locality: pages drawn from a window that drifts, a quarter of them writes. */
    record Trace(int frames, int[] pages, boolean[] writes) {
        static Trace random(long seed) {
            SplittableRandom r = new SplittableRandom(seed);
            int frames = 3 + r.nextInt(8);
            int span = frames * 2 + r.nextInt(frames * 2);
            int[] pages = new int[300];
            boolean[] writes = new boolean[pages.length];
            int base = 0;
            for (int i = 0; i < pages.length; i++) {
                if (r.nextInt(20) == 0) {
                    base = r.nextInt(span);
                }
                pages[i] = (base + (r.nextInt(4) == 0 ? r.nextInt(span) : r.nextInt(frames))) % span;
                writes[i] = r.nextInt(4) == 0;
            }
            return new Trace(frames, pages, writes);
        }

        PolicyMachine run(PolicyMachine m) {
            for (int i = 0; i < pages.length; i++) {
                m.access(pages[i], writes[i] ? Access.WRITE : Access.READ, -1);
            }
            return m.verify();
        }

        PolicyMachine run(ReplacementPolicyProvider provider, String settings) {
            return run(new PolicyMachine(frames, provider, settings));
        }

        PolicyMachine runWithFuture(ReplacementPolicyProvider provider) {
            PolicyMachine m = new PolicyMachine(frames, provider, "");
            long[] next = PolicyMachine.nextAccesses(pages);
            for (int i = 0; i < pages.length; i++) {
                m.access(pages[i], writes[i] ? Access.WRITE : Access.READ, next[i]);
            }
            return m.verify();
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 42, 1234})
    void nthChanceWithNOneIsClock(long seed) {
        Trace t = Trace.random(seed);
        PolicyMachine clock = t.run(new ClockPolicyProvider(), "");
        PolicyMachine nth = t.run(new NthChancePolicyProvider(), "mmkit.machine.replacement.nth-chance.n = 1");
        assertThat(nth.victims()).isEqualTo(clock.victims());
        assertThat(nth.faults()).isEqualTo(clock.faults());
        assertThat(clock.victims()).isNotEmpty();
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 42, 1234})
    void vmsWithoutASecondChanceListIsFifo(long seed) {
        Trace t = Trace.random(seed);
        PolicyMachine fifo = t.run(new FifoPolicyProvider(), "");
        PolicyMachine vms = t.run(new VmsPolicyProvider(), "mmkit.machine.replacement.vms.second-chance = 0");
        assertThat(vms.victims()).isEqualTo(fifo.victims());
        assertThat(vms.faults()).isEqualTo(fifo.faults());
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 42, 1234})
    void freeListClockWhoseDaemonNeverRunsIsClock(long seed) {
        Trace t = Trace.random(seed);
        PolicyMachine clock = t.run(new ClockPolicyProvider(), "");
        PolicyMachine free = t.run(new FreelistClockPolicyProvider(), "mmkit.machine.replacement.freelist-clock.period = 1h");
        assertThat(free.victims()).isEqualTo(clock.victims());
        assertThat(free.faults()).isEqualTo(clock.faults());
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 42, 1234})
    void optFaultsLeast(long seed) {
        Trace t = Trace.random(seed);
        long opt = t.runWithFuture(new OptPolicyProvider()).pageIns();
        assertThat(opt).isLessThanOrEqualTo(t.run(new FifoPolicyProvider(), "").pageIns());
        assertThat(opt).isLessThanOrEqualTo(t.run(new LruPolicyProvider(), "").pageIns());
        assertThat(opt).isLessThanOrEqualTo(t.run(new ClockPolicyProvider(), "").pageIns());
        assertThat(opt).isLessThanOrEqualTo(t.run(new NthChancePolicyProvider(), "").pageIns());
        assertThat(opt).isLessThanOrEqualTo(t.run(new TwoListPolicyProvider(), "").pageIns());
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 42, 1234})
    void lruNeverFaultsMoreWithMoreFrames(long seed) {
        Trace t = Trace.random(seed);
        Trace bigger = new Trace(t.frames() + 1, t.pages(), t.writes());
        assertThat(bigger.run(new LruPolicyProvider(), "").pageIns()).isLessThanOrEqualTo(t.run(new LruPolicyProvider(), "").pageIns());
        assertThat(bigger.runWithFuture(new OptPolicyProvider()).pageIns())
            .isLessThanOrEqualTo(t.runWithFuture(new OptPolicyProvider()).pageIns());
    }
}
