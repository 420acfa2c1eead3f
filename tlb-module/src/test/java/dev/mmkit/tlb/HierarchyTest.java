package dev.mmkit.tlb;

import static dev.mmkit.tlb.TestTlbs.pte;
import static dev.mmkit.tlb.TestTlbs.tlb;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.hw.Access;
import dev.mmkit.api.hw.Page;
import dev.mmkit.api.hw.Pte;
import org.junit.jupiter.api.Test;

// Checks the default hierarchy (L1i, slice → L1d, L2): routing, per-level counters and fills between levels.
class HierarchyTest {
    private static final long CODE = 0x400000;
    private static final long DATA = 0x600000;

    @Test
    void defaultLevelsAreBuiltInReportOrder() {
        AbstractTlb tlb = tlb("impl = hierarchy");
        assertThat(tlb).isInstanceOf(HierarchicalTlb.class);
        assertThat(tlb.levels).extracting(l -> l.name).containsExactly("L1i", "slice", "L1d", "L2");
        assertThat(tlb.levels[1].organisation()).isEqualTo("direct-mapped");
        assertThat(tlb.levels[3].sets).isEqualTo(128);
        assertThat(tlb.counters().keySet()).startsWith("L1i.hits", "L1i.misses", "L1i.evictions", "L1i.flushes", "L1i.shootdowns", "slice.hits")
            .contains("total.hits", "total.misses", "asid.rollovers");
    }

    @Test
    void aMissGoesThroughEveryLevelOfItsPathThenTheWalkFillsThemAll() {
        AbstractTlb tlb = tlb("impl = hierarchy");
        assertThat(tlb.lookup(DATA, Access.READ)).isZero();
        assertThat(tlb.counters()).containsEntry("slice.misses", 1L).containsEntry("L1d.misses", 1L)
            .containsEntry("L2.misses", 1L).containsEntry("L1i.misses", 0L).containsEntry("total.misses", 1L);
        tlb.insert(DATA, Access.READ, pte(0x33), Page.SHIFT);
        assertThat(tlb.levels).allMatch(l -> l.name.equals("L1i") ? l.nrEntries() == 0 : l.nrEntries() == 1);
        assertThat(Pte.pfn(tlb.lookup(DATA, Access.WRITE))).isEqualTo(0x33);
        assertThat(tlb.counters()).containsEntry("slice.hits", 1L).containsEntry("L1d.hits", 0L);
        tlb.verify();
    }

    @Test
    void l1MissL2HitFillsTheLevelsAbove() {
        // The code page is walked by a fetch: it lands in L1i and L2. A data read of the same
        // page then misses the slice and L1d and hits L2, which fills L1d and the slice.
        AbstractTlb tlb = tlb("impl = hierarchy");
        assertThat(tlb.lookup(CODE, Access.EXECUTE)).isZero();
        tlb.insert(CODE, Access.EXECUTE, pte(0x44), Page.SHIFT);
        assertThat(Pte.pfn(tlb.lookup(CODE + 8, Access.READ))).isEqualTo(0x44);
        assertThat(tlb.counters())
            .containsEntry("L1i.misses", 1L)
            .containsEntry("slice.misses", 1L)
            .containsEntry("L1d.misses", 1L)
            .containsEntry("L2.misses", 1L)
            .containsEntry("L2.hits", 1L)
            .containsEntry("total.hits", 1L)
            .containsEntry("total.misses", 1L);
        assertThat(Pte.pfn(tlb.lookup(CODE + 16, Access.READ))).isEqualTo(0x44);
        assertThat(tlb.counters()).containsEntry("slice.hits", 1L).containsEntry("L2.hits", 1L);
        assertThat(tlb.hits()).isEqualTo(2);
        assertThat(tlb.misses()).isEqualTo(1);
        tlb.verify();
    }

    @Test
    void theSliceLosesConflictingPagesThatL1dKeeps() {
        // The 4-entry direct-mapped slice indexes by vpn & 3; vpns 0x600 and 0x604 share index 0.
        // L1d (16 sets × 4 ways) keeps both. Alternating between them: slice misses, L1d hits.
        AbstractTlb tlb = tlb("impl = hierarchy");
        long a = Page.address(0x600);
        long b = Page.address(0x604);
        tlb.insert(a, Access.READ, pte(1), Page.SHIFT);
        tlb.insert(b, Access.READ, pte(2), Page.SHIFT);
        for (int i = 0; i < 3; i++) {
            assertThat(Pte.pfn(tlb.lookup(a, Access.READ))).isEqualTo(1);
            assertThat(Pte.pfn(tlb.lookup(b, Access.READ))).isEqualTo(2);
        }
        assertThat(tlb.counters()).containsEntry("slice.misses", 6L).containsEntry("L1d.hits", 6L)
            .containsEntry("slice.evictions", 7L).containsEntry("L2.hits", 0L);
        tlb.verify();
    }

    @Test
    void invalidationReachesEveryLevel() {
        AbstractTlb tlb = tlb("impl = hierarchy");
        tlb.insert(DATA, Access.READ, pte(1), Page.SHIFT);
        tlb.insert(CODE, Access.EXECUTE, pte(2), Page.SHIFT);
        tlb.invalidatePage(DATA, 0);
        assertThat(tlb.nrEntries()).isEqualTo(2); // the code page in L1i and L2
        tlb.invalidateAll();
        assertThat(tlb.nrEntries()).isZero();
        assertThat(tlb.counters()).containsEntry("L1i.flushes", 1L).containsEntry("L2.flushes", 1L);
    }

    @Test
    void customLevelsLinkedByNextLevel() {
        AbstractTlb tlb = tlb("impl = hierarchy, levels = ["
            + "{ name = L1, split = unified, organisation = fully-associative, entries = 2, replacement = lru, next-level = L2 },"
            + "{ name = L2, organisation = set-associative, entries = 8, ways = 2, next-level = \"\" } ]");
        // L1 holds 2 pages, L2 8: after 1 2 3 the first page is gone from L1 but not from L2.
        for (long vpn = 1; vpn <= 3; vpn++) {
            tlb.insert(Page.address(vpn), Access.READ, pte(vpn), Page.SHIFT);
        }
        assertThat(Pte.pfn(tlb.lookup(Page.address(1), Access.EXECUTE))).isEqualTo(1);
        assertThat(tlb.counters()).containsEntry("L1.misses", 1L).containsEntry("L2.hits", 1L).containsEntry("L1.evictions", 2L);
    }
}
