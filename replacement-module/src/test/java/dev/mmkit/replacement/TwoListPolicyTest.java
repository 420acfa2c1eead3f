package dev.mmkit.replacement;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.machine.PageFlags;
import dev.mmkit.api.machine.VmItem;
import dev.mmkit.machine.ArrayMemMap;
import dev.mmkit.machine.CounterVmStat;
import org.junit.jupiter.api.Test;

// Linux's lists with a real mem_map: look twice, promote on the second reference, deactivate when the inactive list is low, anon:file by swappiness.
// Convention: every page arrives with A set (the fault's retried walk); touch() models that and later references.
class TwoListPolicyTest {
    private final ArrayMemMap memMap = new ArrayMemMap(256);
    private final CounterVmStat vmstat = new CounterVmStat();
    private final FakeReferences refs = new FakeReferences(memMap);
    private final TwoListPolicy policy = new TwoListPolicy(memMap, vmstat, refs, 60);

    private void addAnon(long... pfns) {
        for (long p : pfns) {
            memMap.setFlag(p, PageFlags.PG_ANON);
            policy.add(p);
            refs.touch(p);
        }
    }

    @Test
    void looksTwiceThenPromotesOnASecondReference() {
        addAnon(1, 2, 3, 4);
        // every page has A from its fault: each is marked PG_referenced and rotated; then 1,
        // unreferenced since, goes (page_check_references: "look twice")
        assertThat(policy.evict()).isEqualTo(1);
        assertThat(policy.marked(2)).isTrue();
        refs.touch(2);
        // 2: marked and A again -> active; 3: marked only -> goes
        assertThat(policy.evict()).isEqualTo(3);
        assertThat(policy.listOf(2)).isEqualTo(TwoListPolicy.ACTIVE_ANON);
        assertThat(memMap.testFlag(2, PageFlags.PG_ACTIVE)).isTrue();
        assertThat(vmstat.get(VmItem.PGACTIVATE)).isEqualTo(1);
        assertThat(vmstat.get(VmItem.NR_ACTIVE_ANON)).isEqualTo(1);
        assertThat(vmstat.get(VmItem.NR_INACTIVE_ANON)).isEqualTo(-1); // the machine's +1 for add is not modelled here
        policy.verify();
    }

    @Test
    void deactivatesFromTheActiveListWhenTheInactiveListIsLow() {
        addAnon(1, 2, 3, 4, 5);
        assertThat(policy.evict()).isEqualTo(1); // all marked, 1 goes
        refs.touch(2, 3, 4, 5);
        // inactive [2 3 4 5], all marked and referenced (ratio 1 below 1 GiB: low when
        // inactive < active): 2 3 activated; 4 activated -> [5] against [2 3 4]: 2 deactivated
        // (its bits cleared, its mark kept); 5 activated -> [2] against [3 4 5]: 3 deactivated;
        // 2, marked but not referenced since, goes
        assertThat(policy.evict()).isEqualTo(2);
        assertThat(vmstat.get(VmItem.PGACTIVATE)).isEqualTo(4);
        assertThat(vmstat.get(VmItem.PGDEACTIVATE)).isEqualTo(2);
        assertThat(vmstat.get(VmItem.PGREFILL)).isEqualTo(2);
        assertThat(policy.listOf(3)).isEqualTo(TwoListPolicy.INACTIVE_ANON);
        assertThat(memMap.testFlag(3, PageFlags.PG_ACTIVE)).isFalse();
        assertThat(policy.listSize(TwoListPolicy.ACTIVE_ANON)).isEqualTo(2);
        assertThat(vmstat.get(VmItem.NR_ACTIVE_ANON)).isEqualTo(2);
        policy.verify();
    }

    @Test
    void theMachinesReferencedFlagCountsAsAReference() {
        addAnon(1, 2);
        assertThat(policy.evict()).isEqualTo(1);
        // a read through the page cache or a soft fault sets PG_referenced, not A
        memMap.setFlag(2, PageFlags.PG_REFERENCED);
        addAnon(3);
        // 2: marked and referenced -> active; 3: A from its fault -> marked; 3 goes on the next look
        assertThat(policy.evict()).isEqualTo(3);
        assertThat(policy.listOf(2)).isEqualTo(TwoListPolicy.ACTIVE_ANON);
        assertThat(memMap.testFlag(2, PageFlags.PG_REFERENCED)).isFalse();
    }

    @Test
    void aPageReferencedThroughTwoMappingsIsPromotedAtTheFirstLook() {
        // page_check_references: "if (referenced_page || referenced_ptes > 1) return
        // PAGEREF_ACTIVATE" -- a page two processes referenced needs no second trip
        addAnon(1, 2, 3);
        refs.touchShared(2, 2);
        // 1: one A bit, no mark -> marked, rotated; 2: two A bits, no mark -> active at once;
        // 3: one A bit -> marked, rotated; 1: marked, not referenced since -> goes
        assertThat(policy.evict()).isEqualTo(1);
        assertThat(policy.listOf(2)).isEqualTo(TwoListPolicy.ACTIVE_ANON);
        assertThat(policy.listOf(3)).isEqualTo(TwoListPolicy.INACTIVE_ANON);
        assertThat(vmstat.get(VmItem.PGACTIVATE)).isEqualTo(1);
        policy.verify();
    }

    @Test
    void aPageReferencedThroughOneMappingAndItsFlagIsPromoted() {
        // one A bit plus PG_referenced (a read through the page cache) is two references
        addAnon(1, 2);
        memMap.setFlag(2, PageFlags.PG_REFERENCED);
        assertThat(policy.evict()).isEqualTo(1);
        assertThat(policy.listOf(2)).isEqualTo(TwoListPolicy.ACTIVE_ANON);
    }

    @Test
    void keepsAnonAndFileApartAndScansThemBySwappiness() {
        for (long p = 1; p <= 10; p++) {
            memMap.setFlag(p, PageFlags.PG_ANON);
            policy.add(p);
        }
        for (long p = 11; p <= 20; p++) {
            policy.add(p);
        }
        assertThat(policy.listSize(TwoListPolicy.INACTIVE_FILE)).isEqualTo(10);
        int anon = 0;
        for (int i = 0; i < 10; i++) {
            long victim = policy.evict();
            if (memMap.testFlag(victim, PageFlags.PG_ANON)) {
                anon++;
            }
        }
        // swappiness 60: anon 60 parts to file's 140, so 3 of 10 victims are anonymous
        assertThat(anon).isEqualTo(3);
        policy.verify();
    }

    @Test
    void verifyNamesAPageWhoseActiveFlagDisagreesWithItsList() {
        addAnon(5);
        memMap.setFlag(5, PageFlags.PG_ACTIVE);
        org.assertj.core.api.Assertions.assertThatThrownBy(policy::verify)
            .hasMessageContaining("two-list: page 0x5 on inactive_anon has flags");
    }
}
