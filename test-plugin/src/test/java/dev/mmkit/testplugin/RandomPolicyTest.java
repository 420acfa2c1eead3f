package dev.mmkit.testplugin;

// Why: the random policy must track exactly the pages added and not removed, evict each of
// them with equal chance, and replay the same victims from the same seed.

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RandomPolicyTest {
    @Test
    void evictsOnlyTrackedPagesAndEachOnce() {
        RandomPolicy policy = new RandomPolicy(new SplittableRandom(1), 64);
        for (long pfn = 10; pfn < 20; pfn++) {
            policy.add(pfn);
        }
        policy.remove(13);
        policy.verify();
        Set<Long> victims = new HashSet<>();
        for (int i = 0; i < 9; i++) {
            long victim = policy.evict();
            assertThat(victim).isBetween(10L, 19L).isNotEqualTo(13L);
            assertThat(victims.add(victim)).as("evicted twice: %d", victim).isTrue();
            policy.verify();
        }
        assertThat(policy.size()).isZero();
        assertThat(policy.evict()).isEqualTo(-1);
    }

    @Test
    void victimsAreUniform() {
        // 4 pages, 40000 evictions re-adding the victim: each page is chosen about 10000
        // times; a chi-square over 3 degrees of freedom above 16.3 has probability 0.001.
        RandomPolicy policy = new RandomPolicy(new SplittableRandom(7), 8);
        for (long pfn = 0; pfn < 4; pfn++) {
            policy.add(pfn);
        }
        int[] counts = new int[4];
        for (int i = 0; i < 40_000; i++) {
            long victim = policy.evict();
            counts[(int) victim]++;
            policy.add(victim);
        }
        double chi = 0;
        for (int c : counts) {
            chi += (c - 10_000.0) * (c - 10_000.0) / 10_000.0;
        }
        assertThat(chi).isLessThan(16.3);
    }

    @Test
    void sameSeedSameVictims() {
        long[] first = victims(42);
        assertThat(victims(42)).containsExactly(first);
        assertThat(victims(43)).isNotEqualTo(first);
    }

    private static long[] victims(long seed) {
        RandomPolicy policy = new RandomPolicy(new SplittableRandom(seed), 128);
        for (long pfn = 0; pfn < 128; pfn++) {
            policy.add(pfn);
        }
        long[] out = new long[64];
        for (int i = 0; i < out.length; i++) {
            out[i] = policy.evict();
        }
        return out;
    }

    @Test
    void rejectsDoubleAddAndUnknownRemove() {
        RandomPolicy policy = new RandomPolicy(new SplittableRandom(1), 16);
        policy.add(3);
        assertThatThrownBy(() -> policy.add(3)).hasMessage("page 0x3: already tracked");
        assertThatThrownBy(() -> policy.remove(4)).hasMessage("page 0x4: not tracked");
        assertThatThrownBy(() -> policy.add(16)).isInstanceOf(IndexOutOfBoundsException.class).hasMessageContaining("0x10");
        assertThat(policy.size()).isEqualTo(1);
        policy.verify();
    }
}
