package dev.mmkit.tlb;

import static dev.mmkit.tlb.TestTlbs.pte;
import static dev.mmkit.tlb.TestTlbs.tlb;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mmkit.api.hw.Access;
import dev.mmkit.api.hw.Page;
import dev.mmkit.api.hw.Pte;
import dev.mmkit.api.tlb.SoftwareTlb;
import dev.mmkit.api.tlb.TlbListener;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

// Checks the MIPS-style TLB: misses trap to the machine's refill handler, which uses probe/writeIndexed/writeRandom.
class SoftwareRefillTest {
    /** A refill handler over a page table kept in a map, recording the misses it served. */
    static final class Handler implements TlbListener {
        final Map<Long, Long> pageTable = new HashMap<>();
        final List<Long> refills = new ArrayList<>();

        @Override
        public void evicted(long vaddr, int asid, long pte) {
        }

        @Override
        public boolean refill(SoftwareTlb tlb, long vaddr, int access) {
            refills.add(vaddr);
            Long pte = pageTable.get(Page.vpn(vaddr));
            if (pte == null) {
                return false;
            }
            assertThat(tlb.probe(vaddr)).isEqualTo(-1);
            tlb.writeRandom(vaddr, pte, Page.SHIFT);
            return true;
        }
    }

    @Test
    void aMissRunsTheRefillHandlerAndTheReferenceIsRetried() {
        Handler handler = new Handler();
        handler.pageTable.put(0x10L, pte(0x99));
        AbstractTlb tlb = tlb("impl = software, entries = 64, asid-bits = 6", handler);
        assertThat(tlb).isInstanceOf(SoftwareTlb.class);
        assertThat(Pte.pfn(tlb.lookup(0x10_123L, Access.READ))).isEqualTo(0x99);
        assertThat(handler.refills).containsExactly(0x10_123L);
        assertThat(tlb.misses()).isEqualTo(1);
        assertThat(tlb.hits()).as("the retried reference is not a hit").isZero();
        assertThat(Pte.pfn(tlb.lookup(0x10_456L, Access.READ))).isEqualTo(0x99);
        assertThat(tlb.hits()).isEqualTo(1);
        assertThat(handler.refills).hasSize(1);
        tlb.verify();
    }

    @Test
    void anUnmappedAddressFaults() {
        Handler handler = new Handler();
        AbstractTlb tlb = tlb("impl = software", handler);
        assertThat(tlb.lookup(0x5000, Access.WRITE)).isZero();
        assertThat(handler.refills).containsExactly(0x5000L);
        assertThat(tlb.misses()).isEqualTo(1);
    }

    @Test
    void aHandlerThatWritesAnotherPageStillFaults() {
        TlbListener wrong = new TlbListener() {
            @Override
            public void evicted(long vaddr, int asid, long pte) {
            }

            @Override
            public boolean refill(SoftwareTlb tlb, long vaddr, int access) {
                tlb.writeRandom(vaddr + Page.SIZE, pte(1), Page.SHIFT);
                return true;
            }
        };
        AbstractTlb tlb = tlb("impl = software", wrong);
        assertThat(tlb.lookup(0x5000, Access.READ)).isZero();
        assertThat(tlb.nrEntries()).isEqualTo(1);
    }

    @Test
    void probeAndWriteIndexed() {
        SoftwareTlb tlb = (SoftwareTlb) tlb("impl = software, entries = 8");
        assertThat(tlb.size()).isEqualTo(8);
        assertThat(tlb.probe(0x7000)).isEqualTo(-1);
        tlb.writeIndexed(5, 0x7000, pte(0x70), Page.SHIFT);
        assertThat(tlb.probe(0x7fff)).isEqualTo(5);
        tlb.writeIndexed(5, 0x8000, pte(0x80), Page.SHIFT); // overwrites index 5
        assertThat(tlb.probe(0x7000)).isEqualTo(-1);
        assertThat(Pte.pfn(tlb.lookup(0x8000, Access.READ))).isEqualTo(0x80);
        assertThatThrownBy(() -> tlb.writeIndexed(6, 0x8000, pte(0x81), Page.SHIFT))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageStartingWith("tlbwi: vaddr 0x8000: already cached at index 5");
        assertThatThrownBy(() -> tlb.writeIndexed(8, 0x9000, pte(1), Page.SHIFT))
            .hasMessage("index: 8 (expected: 0-7)");
        ((AbstractTlb) tlb).verify();
    }

    @Test
    void writeIndexedIntoTheWrongSetIsRefused() {
        SoftwareTlb tlb = (SoftwareTlb) tlb("impl = software, organisation = set-associative, entries = 8, ways = 2");
        // vpn 1 belongs in set 1 = indexes 2 and 3.
        tlb.writeIndexed(3, 0x1000, pte(1), Page.SHIFT);
        assertThat(tlb.probe(0x1000)).isEqualTo(3);
        assertThatThrownBy(() -> tlb.writeIndexed(0, 0x3000, pte(1), Page.SHIFT))
            .hasMessage("tlb: index 0 is in set 0, vaddr 0x3000 belongs in set 3");
    }

    @Test
    void refillSoftwareOnASingleLevelOrganisation() {
        Handler handler = new Handler();
        handler.pageTable.put(3L, pte(0x33));
        AbstractTlb tlb = tlb("impl = direct-mapped, entries = 4, refill = software", handler);
        assertThat(tlb).isInstanceOf(SoftwareTlb.class);
        assertThat(Pte.pfn(tlb.lookup(0x3000, Access.READ))).isEqualTo(0x33);
    }

    @Test
    void hardwareRefillNeverCallsTheHandler() {
        Handler handler = new Handler();
        AbstractTlb tlb = tlb("impl = set-associative", handler);
        assertThat(tlb.lookup(0x3000, Access.READ)).isZero();
        assertThat(handler.refills).isEmpty();
    }
}
