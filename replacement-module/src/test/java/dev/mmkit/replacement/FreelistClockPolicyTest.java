package dev.mmkit.replacement;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.machine.VirtualClock;
import org.junit.jupiter.api.Test;

// The background hand on a virtual clock: fills the free list to target, invalidates and writes back, sleeps when full, rescues.
class FreelistClockPolicyTest {
    private final VirtualClock clock = new VirtualClock();
    private final FakeReferences refs = new FakeReferences();
    private final FreelistClockPolicy policy = new FreelistClockPolicy(64, refs, clock, 2, 1_000);

    @Test
    void theDaemonFillsTheFreeListOnePeriodAfterItIsWoken() {
        for (long p = 1; p <= 5; p++) {
            policy.add(p);
            refs.touch(p);
        }
        refs.dirty.add(2L);
        assertThat(policy.freeListSize()).isZero();
        clock.advance(999);
        assertThat(policy.freeListSize()).isZero();
        clock.advance(1);
        // one turn clears every bit, then 1 and 2 go to the free list, invalid; 2 written back
        assertThat(policy.freeListSize()).isEqualTo(2);
        assertThat(policy.listOf(1)).isEqualTo(FreelistClockPolicy.FREE);
        assertThat(policy.listOf(2)).isEqualTo(FreelistClockPolicy.FREE);
        assertThat(refs.invalid).containsExactlyInAnyOrder(1L, 2L);
        assertThat(refs.writebacks).containsExactly(2L);
        assertThat(policy.writebacks()).isEqualTo(1);
        policy.verify();
        // full: the daemon sleeps, no timer left
        assertThat(clock.pendingTimers()).isZero();
        // evict takes the free list's oldest and wakes the daemon
        assertThat(policy.evict()).isEqualTo(1);
        assertThat(clock.pendingTimers()).isEqualTo(1);
        clock.advance(1_000);
        // hand was on 3 (bit cleared in the last run): 3 goes across
        assertThat(policy.listOf(3)).isEqualTo(FreelistClockPolicy.FREE);
        assertThat(policy.freeListSize()).isEqualTo(2);
    }

    @Test
    void aReferenceRescuesAPageFromTheFreeList() {
        for (long p = 1; p <= 4; p++) {
            policy.add(p);
        }
        clock.advance(1_000);
        assertThat(policy.listOf(1)).isEqualTo(FreelistClockPolicy.FREE);
        policy.softFault(1);
        assertThat(policy.listOf(1)).isEqualTo(FreelistClockPolicy.RING);
        assertThat(policy.rescues()).isEqualTo(1);
        clock.advance(1_000);
        // refilled from the hand (3), not from the rescued page, which is behind the hand
        assertThat(policy.listOf(3)).isEqualTo(FreelistClockPolicy.FREE);
        assertThat(policy.evict()).isEqualTo(2);
        assertThat(policy.evict()).isEqualTo(3);
        policy.verify();
    }

    @Test
    void withAnEmptyFreeListEvictRunsTheHandItself() {
        for (long p = 1; p <= 3; p++) {
            policy.add(p);
            refs.touch(p);
        }
        refs.touch(1);
        // no time has passed: clock's choice, 1 after a full turn
        assertThat(policy.evict()).isEqualTo(1);
        assertThat(policy.size()).isEqualTo(2);
        policy.verify();
    }
}
