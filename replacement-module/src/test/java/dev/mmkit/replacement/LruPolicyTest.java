package dev.mmkit.replacement;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.machine.Characteristic;
import org.junit.jupiter.api.Test;

// LRU's list: a reference moves a page to the most recently used end; the victim is the least recently used.
class LruPolicyTest {
    @Test
    void evictsTheLeastRecentlyUsed() {
        LruPolicy lru = new LruPolicy(64);
        assertThat(lru.characteristics()).containsExactly(Characteristic.EVERY_REFERENCE);
        for (long p = 1; p <= 4; p++) {
            lru.add(p);
            lru.referenced(p, -1);
        }
        lru.referenced(1, -1);
        lru.referenced(3, -1);
        lru.verify();
        // order now 2, 4, 1, 3
        assertThat(lru.evict()).isEqualTo(2);
        lru.remove(1);
        assertThat(lru.evict()).isEqualTo(4);
        assertThat(lru.evict()).isEqualTo(3);
        assertThat(lru.evict()).isEqualTo(-1);
        lru.referenced(9, -1); // not tracked: ignored
        lru.verify();
    }

    @Test
    void itsCandidatesStartWithTheLeastRecentlyUsed() {
        LruPolicy lru = new LruPolicy(64);
        for (long p = 1; p <= 4; p++) {
            lru.add(p);
            lru.referenced(p, -1);
        }
        lru.referenced(1, -1);
        long[] out = new long[3];
        // order 2, 3, 4, 1; at most as many as the array holds
        assertThat(lru.candidates(out, 8)).isEqualTo(3);
        assertThat(out).containsExactly(2, 3, 4);
        assertThat(lru.evict()).isEqualTo(2);
        lru.remove(4);
        assertThat(lru.candidates(out, 8)).isEqualTo(2);
        assertThat(out).startsWith(3, 1);
        lru.verify();
    }
}
