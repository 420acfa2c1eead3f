package dev.mmkit.replacement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mmkit.api.machine.Characteristic;
import org.junit.jupiter.api.Test;

// OPT's heap: furthest next use first, never before all, ties by pfn, unknown after never, a victim added back keeps its key.
class OptPolicyTest {
    private static OptPolicy withKeys(long... pfnAndNext) {
        OptPolicy opt = new OptPolicy(1 << 16);
        for (int i = 0; i < pfnAndNext.length; i += 2) {
            opt.add(pfnAndNext[i]);
            opt.referenced(pfnAndNext[i], pfnAndNext[i + 1]);
        }
        opt.verify();
        return opt;
    }

    @Test
    void declaresItNeedsTheFuture() {
        assertThat(new OptPolicy(4).characteristics()).containsExactly(Characteristic.FUTURE);
    }

    @Test
    void evictsInOrderOfNextUseFurthestFirst() {
        OptPolicy opt = withKeys(10, 50, 11, 7, 12, Long.MAX_VALUE, 13, 900, 14, 8, 15, Long.MAX_VALUE);
        // never (12 and 15: lower pfn first), then 900, 50, 8, 7
        assertThat(opt.evict()).isEqualTo(12);
        assertThat(opt.evict()).isEqualTo(15);
        assertThat(opt.evict()).isEqualTo(13);
        assertThat(opt.evict()).isEqualTo(10);
        assertThat(opt.evict()).isEqualTo(14);
        assertThat(opt.evict()).isEqualTo(11);
        assertThat(opt.evict()).isEqualTo(-1);
        opt.verify();
    }

    @Test
    void aReferenceMovesThePageBothWays() {
        OptPolicy opt = withKeys(1, 100, 2, 200, 3, 300);
        opt.referenced(3, 50);
        opt.referenced(1, 1000);
        opt.verify();
        assertThat(opt.evict()).isEqualTo(1);
        assertThat(opt.evict()).isEqualTo(2);
        assertThat(opt.evict()).isEqualTo(3);
    }

    @Test
    void unknownNextUseRanksAfterNeverAndBeforeKnown() {
        OptPolicy opt = withKeys(1, 5, 2, Long.MAX_VALUE, 3, -1, 4, 1_000_000);
        assertThat(opt.nextAccessOf(3)).isEqualTo(OptPolicy.UNKNOWN);
        assertThat(opt.evict()).isEqualTo(2);
        assertThat(opt.evict()).isEqualTo(3);
        assertThat(opt.evict()).isEqualTo(4);
    }

    @Test
    void aVictimAddedBackKeepsItsNextUse() {
        OptPolicy opt = withKeys(1, 5, 2, 70, 3, 9);
        assertThat(opt.evict()).isEqualTo(2);
        opt.add(2); // the machine could not evict it (under writeback)
        assertThat(opt.nextAccessOf(2)).isEqualTo(70);
        opt.add(4); // a new page, no reference yet
        assertThat(opt.nextAccessOf(4)).isEqualTo(OptPolicy.UNKNOWN);
        opt.verify();
    }

    @Test
    void removesFromTheMiddleAndRefusesWhatItDoesNotHold() {
        OptPolicy opt = withKeys(1, 10, 2, 20, 3, 30, 4, 40, 5, 50);
        opt.remove(4);
        opt.remove(1);
        opt.verify();
        assertThat(opt.size()).isEqualTo(3);
        assertThat(opt.evict()).isEqualTo(5);
        assertThat(opt.evict()).isEqualTo(3);
        assertThatThrownBy(() -> opt.remove(4)).hasMessage("page 0x4: not tracked by OPT (remove)");
        assertThatThrownBy(() -> opt.add(2)).hasMessage("page 0x2: already tracked by OPT");
    }
}
