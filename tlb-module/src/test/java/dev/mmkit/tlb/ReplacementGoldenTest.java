package dev.mmkit.tlb;

import static dev.mmkit.tlb.TestTlbs.cached;
import static dev.mmkit.tlb.TestTlbs.run;
import static dev.mmkit.tlb.TestTlbs.tlb;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

// Checks each replacement rule against a hit/miss sequence worked out by hand.
class ReplacementGoldenTest {
    /** The reference string every rule runs on a 4-entry fully associative TLB. */
    private static final long[] VPNS = {1, 2, 3, 4, 1, 5, 1, 2, 6, 1};

    private static AbstractTlb fullyAssociative(String replacement) {
        return tlb("impl = fully-associative, entries = 4, replacement = " + replacement);
    }

    @Test
    void lruEvictsTheLeastRecentlyUsed() {
        // 1 2 3 4 fill; 1 hits (order 2 3 4 1); 5 evicts 2; 1 hits; 2 evicts 3; 6 evicts 4; 1 hits.
        AbstractTlb tlb = fullyAssociative("lru");
        assertThat(run(tlb, VPNS)).isEqualTo("MMMMHMHMMH");
        assertThat(tlb.counters()).containsEntry("tlb.hits", 3L).containsEntry("tlb.misses", 7L).containsEntry("tlb.evictions", 3L);
        assertThat(TestTlbs.resident(tlb, 9)).containsExactlyInAnyOrder(1L, 2L, 5L, 6L);
    }

    @Test
    void fifoEvictsTheFirstFilledEvenIfHit() {
        // 1 2 3 4 fill; 1 hits but stays oldest; 5 evicts 1; 1 evicts 2; 2 evicts 3; 6 evicts 4; 1 hits.
        AbstractTlb tlb = fullyAssociative("fifo");
        assertThat(run(tlb, VPNS)).isEqualTo("MMMMHMMMMH");
        assertThat(tlb.counters()).containsEntry("tlb.hits", 2L).containsEntry("tlb.evictions", 4L);
        assertThat(TestTlbs.resident(tlb, 9)).containsExactlyInAnyOrder(5L, 1L, 2L, 6L);
    }

    @Test
    void treePlruFollowsTheTreeBits() {
        // Bits b1 (root), b2 (ways 0,1), b3 (ways 2,3); 0 = victim left. Fill 1→w0 (b1=1,b2=1),
        // 2→w1 (b1=1,b2=0), 3→w2 (b1=0,b3=1), 4→w3 (b1=0,b3=0); 1 hits w0 (b1=1,b2=1);
        // 5: root→right, b3=0→w2: evicts 3 (true LRU would evict 2), b1=0,b3=1; 1 hits (b1=1);
        // 2 hits w1 (b1=1,b2=0); 6: right, b3=1→w3: evicts 4; 1 hits.
        AbstractTlb tlb = fullyAssociative("plru");
        assertThat(run(tlb, VPNS)).isEqualTo("MMMMHMHHMH");
        assertThat(TestTlbs.resident(tlb, 9)).containsExactlyInAnyOrder(1L, 2L, 5L, 6L);
        assertThat(cached(tlb, 3)).isFalse();
    }

    @Test
    void treePlruOnEightWaysNeverEvictsTheMostRecent() {
        TreePlruReplacement plru = new TreePlruReplacement(1, 8);
        for (int way = 0; way < 8; way++) {
            plru.fill(0, way);
        }
        // After filling 0..7 in order the bits point at way 0, the least recently filled.
        assertThat(plru.victim(0)).isEqualTo(0);
        plru.touch(0, 0);
        // Root now points right (ways 4-7), node 3 at 4-5 (last set by fill of 6/7 pointing left), node 6 at way 4.
        assertThat(plru.victim(0)).isEqualTo(4);
    }

    @Test
    void randomDrawsFromTheMachineGeneratorSoRunsRepeat() {
        long[] vpns = {1, 2, 3, 4, 5, 6, 1, 2, 7, 3, 8, 1, 9, 2, 4, 5};
        String first = run(fullyAssociative("random"), vpns);
        String second = run(fullyAssociative("random"), vpns);
        assertThat(first).isEqualTo(second).startsWith("MMMMMM");
        // Five distinct pages after four resident ones: at least one eviction, so some later reference misses.
        assertThat(first.substring(6)).contains("M");
    }

    @Test
    void randomOnlyEvictsResidentEntries() {
        AbstractTlb tlb = fullyAssociative("random");
        run(tlb, 1, 2, 3, 4, 5);
        int resident = 0;
        for (long vpn = 1; vpn <= 5; vpn++) {
            resident += cached(tlb, vpn) ? 1 : 0;
        }
        assertThat(resident).isEqualTo(4);
        assertThat(cached(tlb, 5)).isTrue();
    }
}
