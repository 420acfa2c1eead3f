package dev.mmkit.replacement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

// The VAX/VMS lists: pages invalidated as they enter the second-chance list, rescued by a soft fault, victims from its LRU end.
class VmsPolicyTest {
    @Test
    void secondChanceListIsFilledFromTheActiveListsOldEnd() {
        FakeReferences refs = new FakeReferences();
        VmsPolicy vms = new VmsPolicy(64, refs, 2, 0);
        for (long p = 1; p <= 5; p++) {
            vms.add(p);
        }
        // the first two arrivals went across as the next ones came; 3, 4, 5 are active
        assertThat(refs.invalid).containsExactlyInAnyOrder(1L, 2L);
        assertThat(vms.listOf(1)).isEqualTo(VmsPolicy.SECOND_CHANCE);
        assertThat(vms.listOf(5)).isEqualTo(VmsPolicy.ACTIVE);
        vms.verify();
        // a reference to 1 faults: back to the active list, and the active list's oldest (3) goes across
        vms.softFault(1);
        assertThat(vms.listOf(1)).isEqualTo(VmsPolicy.ACTIVE);
        assertThat(vms.listOf(3)).isEqualTo(VmsPolicy.SECOND_CHANCE);
        assertThat(refs.invalid).contains(3L);
        // second chance, LRU first: 2, then 3
        assertThat(vms.evict()).isEqualTo(2);
        assertThat(vms.evict()).isEqualTo(3);
        // empty second-chance list: the active list's head (4)
        assertThat(vms.evict()).isEqualTo(4);
        vms.add(6);
        // 5 went across to refill it
        assertThat(vms.listOf(5)).isEqualTo(VmsPolicy.SECOND_CHANCE);
        vms.verify();
        vms.softFault(6); // an active page: nothing to do
        assertThat(vms.listOf(6)).isEqualTo(VmsPolicy.ACTIVE);
    }

    @Test
    void evictionsKeepTheSecondChanceListAtItsSize() {
        // a batch of evictions (kswapd's 32) must not drain the list: each victim's place is
        // refilled from the active list's old end, so the next victim has had its second chance too
        FakeReferences refs = new FakeReferences();
        VmsPolicy vms = new VmsPolicy(64, refs, 4, 0);
        for (long p = 1; p <= 8; p++) {
            vms.add(p);
        }
        assertThat(vms.evict()).isEqualTo(1);
        assertThat(vms.evict()).isEqualTo(2);
        assertThat(vms.secondChanceSize()).isEqualTo(4);
        vms.verify();
        long next = vms.evict();
        assertThat(next).isEqualTo(3);
        assertThat(refs.invalid).contains(5L, 6L); // went across (mapped invalid) to refill it
    }

    @Test
    void sizeZeroIsFifo() {
        FakeReferences refs = new FakeReferences();
        VmsPolicy vms = new VmsPolicy(64, refs, 0, 0);
        for (long p = 1; p <= 4; p++) {
            vms.add(p);
        }
        assertThat(refs.invalid).isEmpty();
        assertThat(vms.evict()).isEqualTo(1);
        assertThat(vms.evict()).isEqualTo(2);
    }

    @Test
    void aHundredPercentKeepsEveryPageButTheLastReferencedOnTheSecondChanceListInLruOrder() {
        FakeReferences refs = new FakeReferences();
        VmsPolicy vms = new VmsPolicy(64, refs, -1, 100);
        for (long p = 1; p <= 4; p++) {
            vms.add(p);
        }
        // the page just added stays valid: its reference is in progress
        assertThat(vms.secondChanceSize()).isEqualTo(3);
        assertThat(vms.listOf(4)).isEqualTo(VmsPolicy.ACTIVE);
        vms.softFault(2);
        vms.softFault(1);
        assertThat(vms.secondChanceSize()).isEqualTo(3);
        assertThat(vms.listOf(1)).isEqualTo(VmsPolicy.ACTIVE);
        vms.verify();
        // order of last use: 3, 4, 2, 1
        assertThat(vms.evict()).isEqualTo(3);
        assertThat(vms.evict()).isEqualTo(4);
        assertThat(vms.evict()).isEqualTo(2);
    }

    @Test
    void percentageRoundsUp() {
        VmsPolicy vms = new VmsPolicy(64, new FakeReferences(), -1, 25);
        for (long p = 1; p <= 5; p++) {
            vms.add(p);
        }
        // 25% of 5 pages, rounded up: 2
        assertThat(vms.secondChanceSize()).isEqualTo(2);
    }

    @Test
    void settingsAreParsedAndCheckedWithClearMessages() {
        assertThat(VmsPolicyProvider.Size.parse("25%")).isEqualTo(new VmsPolicyProvider.Size(-1, 25));
        assertThat(VmsPolicyProvider.Size.parse(" 12 ")).isEqualTo(new VmsPolicyProvider.Size(12, 0));
        assertThat(VmsPolicyProvider.Size.parse("0")).isEqualTo(new VmsPolicyProvider.Size(0, 0));
        assertThat(VmsPolicyProvider.Size.parse("100%")).isEqualTo(new VmsPolicyProvider.Size(-1, 100));
        assertThatThrownBy(() -> VmsPolicyProvider.Size.parse("101%"))
            .hasMessage("101% (expected: a number of pages, 0 or more, or a percentage 0%-100%)");
        assertThatThrownBy(() -> VmsPolicyProvider.Size.parse("-3")).hasMessageStartingWith("-3 (expected:");
        assertThatThrownBy(() -> VmsPolicyProvider.Size.parse("half")).hasMessageStartingWith("half (expected:");
        assertThatThrownBy(() -> new VmsPolicy(64, new FakeReferences(), -1, 150)).hasMessageContaining("150%");
    }

    @Test
    void itsCandidatesAreTheSecondChanceListThenTheActiveList() {
        FakeReferences refs = new FakeReferences();
        VmsPolicy vms = new VmsPolicy(64, refs, 2, 0);
        for (long p = 1; p <= 5; p++) {
            vms.add(p);
        }
        long[] out = new long[8];
        // second chance 1, 2 (the next victims); active 3, 4, 5
        assertThat(vms.candidates(out, 8)).isEqualTo(2);
        assertThat(out).startsWith(1, 2);
        VmsPolicy fifo = new VmsPolicy(64, refs, 0, 0);
        for (long p = 7; p <= 9; p++) {
            fifo.add(p);
        }
        // no second-chance list: the active list in arrival order, as evict takes it
        assertThat(fifo.candidates(out, 8)).isEqualTo(3);
        assertThat(out).startsWith(7, 8, 9);
        assertThat(fifo.evict()).isEqualTo(7);
        vms.verify();
    }
}
