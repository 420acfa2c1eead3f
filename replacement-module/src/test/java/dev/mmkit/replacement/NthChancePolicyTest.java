package dev.mmkit.replacement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

// Nth chance's sweep counts, and the lecture's clean N=1 / dirty N=2 with writeback started on the first pass.
class NthChancePolicyTest {
    @Test
    void aPageGoesAfterNUnreferencedVisits() {
        FakeReferences refs = new FakeReferences();
        NthChancePolicy nth = new NthChancePolicy(64, refs, 3, false);
        nth.add(1);
        nth.add(2);
        refs.touch(2);
        // visits: 1 (c1), 2* (cleared, c0), 1 (c2), 2 (c1), 1 (c3) -> 1 goes
        assertThat(nth.evict()).isEqualTo(1);
        assertThat(nth.count(2)).isEqualTo(1);
        nth.add(3);
        // hand on 2 (c1): 2 (c2), 3 (c1), 2 (c3) -> 2 goes
        assertThat(nth.evict()).isEqualTo(2);
        assertThat(nth.count(3)).isEqualTo(1);
        nth.verify();
    }

    @Test
    void referenceResetsTheCount() {
        FakeReferences refs = new FakeReferences();
        NthChancePolicy nth = new NthChancePolicy(64, refs, 2, false);
        nth.add(1);
        nth.add(2);
        // 1 (c1), 2 (c1), 1 (c2) -> 1 goes
        assertThat(nth.evict()).isEqualTo(1);
        nth.add(3);
        refs.touch(2);
        // 2* (cleared, c0), 3 (c1), 2 (c1), 3 (c2) -> 3 goes, though 2 was older
        assertThat(nth.evict()).isEqualTo(3);
        assertThat(nth.count(2)).isEqualTo(1);
    }

    @Test
    void dirtyPagesGetOneVisitMoreWithWritebackStarted() {
        FakeReferences refs = new FakeReferences();
        NthChancePolicy nth = new NthChancePolicy(64, refs, 1, true);
        nth.add(1);
        nth.add(2);
        nth.add(3);
        refs.dirty.add(1L);
        refs.dirty.add(3L);
        // clean N = 1, dirty N = 2: 1 is dirty (writeback starts, c1), 2 is clean and goes
        assertThat(nth.evict()).isEqualTo(2);
        assertThat(refs.writebacks).containsExactly(1L);
        // 3 dirty: writeback, c1; 1 (now clean, c1): its extra visit is over -> goes
        assertThat(nth.evict()).isEqualTo(1);
        assertThat(refs.writebacks).containsExactly(1L, 3L);
        assertThat(nth.evict()).isEqualTo(3);
        nth.verify();
    }

    @Test
    void nOutsideItsRangeIsRefused() {
        assertThatThrownBy(() -> new NthChancePolicy(64, new FakeReferences(), 0, false)).hasMessage("n: 0 (expected: 1-100)");
    }

    @Test
    void itsCandidatesAreThePagesTheHandReachesNext() {
        FakeReferences refs = new FakeReferences();
        NthChancePolicy nth = new NthChancePolicy(64, refs, 2, false);
        for (long p = 1; p <= 3; p++) {
            nth.add(p);
        }
        long[] out = new long[4];
        assertThat(nth.candidates(out, 4)).isEqualTo(3);
        assertThat(out).startsWith(1, 2, 3);
        // N = 2, no bit set: the first turn counts every page once, the second takes 1
        assertThat(nth.evict()).isEqualTo(1);
        assertThat(nth.candidates(out, 4)).isEqualTo(2);
        assertThat(out).startsWith(2, 3);
        assertThat(refs.tested).as("only evict read bits").hasSize(4);
    }
}
