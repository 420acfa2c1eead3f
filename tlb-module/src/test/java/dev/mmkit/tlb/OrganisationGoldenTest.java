package dev.mmkit.tlb;

import static dev.mmkit.tlb.TestTlbs.cached;
import static dev.mmkit.tlb.TestTlbs.run;
import static dev.mmkit.tlb.TestTlbs.tlb;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

// Checks where each organisation lets a page live, on sequences with conflict misses worked out by hand.
class OrganisationGoldenTest {
    @Test
    void twoSetsOfTwoWaysWithLru() {
        // set = vpn & 1. 0 M s0[0]; 1 M s1[1]; 2 M s0[0,2]; 0 H; 4 M evicts 2 (LRU of s0);
        // 0 H; 2 M evicts 4; 3 M s1[1,3]; 1 H.
        AbstractTlb tlb = tlb("impl = set-associative, entries = 4, ways = 2, replacement = lru");
        assertThat(run(tlb, 0, 1, 2, 0, 4, 0, 2, 3, 1)).isEqualTo("MMMHMHMMH");
        assertThat(tlb.counters()).containsEntry("tlb.hits", 3L).containsEntry("tlb.misses", 6L).containsEntry("tlb.evictions", 2L);
        assertThat(tlb.levels[0].sets).isEqualTo(2);
    }

    @Test
    void twoSetsOfTwoWaysWithFifo() {
        // 0 M; 1 M; 2 M; 0 H (stays oldest); 4 M evicts 0; 0 M evicts 2; 2 M evicts 4; 3 M; 1 H.
        AbstractTlb tlb = tlb("impl = set-associative, entries = 4, ways = 2, replacement = fifo");
        assertThat(run(tlb, 0, 1, 2, 0, 4, 0, 2, 3, 1)).isEqualTo("MMMHMMMMH");
        assertThat(tlb.counters()).containsEntry("tlb.evictions", 3L);
    }

    @Test
    void setAssociativeHasConflictMissesAFullyAssociativeDoesNot() {
        // Even pages only: they all compete for set 0's two ways while set 1 stays empty.
        // Set-associative: 0 M, 2 M, 4 M (evicts 0), 0 M (evicts 2), 2 M (evicts 4), 4 M: all miss.
        // Fully associative with 4 entries: 0 2 4 fill, then 0 2 4 hit.
        long[] evens = {0, 2, 4, 0, 2, 4};
        assertThat(run(tlb("impl = set-associative, entries = 4, ways = 2"), evens)).isEqualTo("MMMMMM");
        assertThat(run(tlb("impl = fully-associative, entries = 4"), evens)).isEqualTo("MMMHHH");
    }

    @Test
    void directMappedPagesWithTheSameIndexEvictEachOther() {
        // 4 entries: index = vpn & 3. 0 and 4 share index 0: M M M M (3 evictions);
        // then 1 2 3 fill their own slots and 1 hits; 0 is gone, 4 is still there.
        AbstractTlb tlb = tlb("impl = direct-mapped, entries = 4");
        assertThat(run(tlb, 0, 4, 0, 4, 1, 2, 3, 1)).isEqualTo("MMMMMMMH");
        assertThat(tlb.counters()).containsEntry("tlb.evictions", 3L).containsEntry("tlb.hits", 1L);
        assertThat(cached(tlb, 4)).isTrue();
        assertThat(cached(tlb, 0)).isFalse();
    }

    @Test
    void setIndexIsTheLowVpnBits() {
        AbstractTlb tlb = tlb("impl = set-associative, entries = 64, ways = 4");
        run(tlb, 0x12345);
        TlbLevel level = tlb.levels[0];
        int slot = level.probe(TestTlbs.vaddr(0x12345), tlb.currentHw);
        assertThat(slot / level.ways).isEqualTo(0x12345 & 15);
    }

    @Test
    void reinsertingAPageOverwritesItsEntry() {
        AbstractTlb tlb = tlb("impl = fully-associative, entries = 4");
        run(tlb, 7);
        tlb.insert(TestTlbs.vaddr(7), 1, TestTlbs.pte(0x999), 12);
        assertThat(tlb.nrEntries()).isEqualTo(1);
        assertThat(dev.mmkit.api.hw.Pte.pfn(tlb.lookup(TestTlbs.vaddr(7), 1))).isEqualTo(0x999);
        tlb.verify();
    }
}
