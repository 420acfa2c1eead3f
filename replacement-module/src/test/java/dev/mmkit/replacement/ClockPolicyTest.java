package dev.mmkit.replacement;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

// Clock's hand: second chance for a set use bit, new pages behind the hand, removal under the hand.
// Convention: a page arrives with its use bit set (the retried walk sets A), modelled here by touch().
class ClockPolicyTest {
    @Test
    void givesReferencedPagesASecondChance() {
        FakeReferences refs = new FakeReferences();
        ClockPolicy clock = new ClockPolicy(64, refs);
        for (long p = 1; p <= 3; p++) {
            clock.add(p);
            refs.touch(p);
        }
        // ring 1* 2* 3*, hand on 1: one full turn clears all, then 1 goes
        assertThat(clock.evict()).isEqualTo(1);
        assertThat(clock.hand()).isEqualTo(2);
        clock.add(4); // behind the hand: after 3
        refs.touch(4, 2);
        // ring 2* 3 4*: 2 cleared, 3 goes
        assertThat(clock.evict()).isEqualTo(3);
        assertThat(clock.hand()).isEqualTo(4);
        clock.verify();
        // ring 4* 2: 4 cleared, 2 goes
        assertThat(clock.evict()).isEqualTo(2);
        assertThat(clock.evict()).isEqualTo(4);
        assertThat(clock.evict()).isEqualTo(-1);
    }

    @Test
    void removingThePageUnderTheHandMovesTheHandOn() {
        FakeReferences refs = new FakeReferences();
        ClockPolicy clock = new ClockPolicy(64, refs);
        clock.add(5);
        clock.add(6);
        clock.add(7);
        clock.remove(5);
        assertThat(clock.hand()).isEqualTo(6);
        refs.touch(6);
        assertThat(clock.evict()).isEqualTo(7);
        clock.verify();
        assertThat(clock.size()).isEqualTo(1);
    }

    @Test
    void itsCandidatesAreThePagesTheHandReachesNextAndAskingChangesNothing() {
        FakeReferences refs = new FakeReferences();
        ClockPolicy clock = new ClockPolicy(64, refs);
        for (long p = 1; p <= 5; p++) {
            clock.add(p);
        }
        refs.touch(1, 2);
        long[] out = new long[8];
        // ring 1* 2* 3 4 5, hand on 1
        assertThat(clock.candidates(out, 8)).isEqualTo(5);
        assertThat(out).startsWith(1, 2, 3, 4, 5);
        assertThat(clock.candidates(out, 2)).isEqualTo(2);
        assertThat(refs.tested).as("no bit was read").isEmpty();
        // 1 and 2 get their second chance, 3 goes; the hand stands on 4, with 1 and 2 behind 5
        assertThat(clock.evict()).isEqualTo(3);
        assertThat(clock.candidates(out, 8)).isEqualTo(4);
        assertThat(out).startsWith(4, 5, 1, 2);
        clock.verify();
        while (clock.evict() >= 0) {
            // empty the ring
        }
        assertThat(clock.candidates(out, 8)).isZero();
    }
}
