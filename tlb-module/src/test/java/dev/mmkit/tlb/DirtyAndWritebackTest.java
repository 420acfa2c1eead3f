package dev.mmkit.tlb;

import static dev.mmkit.tlb.TestTlbs.tlb;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.hw.Access;
import dev.mmkit.api.hw.Page;
import dev.mmkit.api.hw.Pte;
import dev.mmkit.api.tlb.TlbListener;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

// Checks the dirty-bit contract (x86: the MMU sets D) and the Nachos write-back of A and D on eviction.
class DirtyAndWritebackTest {
    /** Records evictions as "vaddr asid A D". */
    static final class Recorder implements TlbListener {
        final List<String> evicted = new ArrayList<>();

        @Override
        public void evicted(long vaddr, int asid, long pte) {
            evicted.add(Page.hex(vaddr) + " " + asid + (Pte.isAccessed(pte) ? " A" : "") + (Pte.isDirty(pte) ? " D" : ""));
        }
    }

    private static final long CLEAN = Pte.P | Pte.RW | Pte.US;

    @Test
    void aWriteHitReturnsDClearSoTheMmuCanSetItInThePageTable() {
        Recorder recorder = new Recorder();
        AbstractTlb tlb = tlb("impl = set-associative, writeback-bits = false", recorder);
        tlb.insert(0x1000, Access.READ, Pte.make(1, CLEAN | Pte.A), Page.SHIFT);
        long t = tlb.lookup(0x1000, Access.WRITE);
        assertThat(Pte.isDirty(t)).as("the TLB does not set D itself on x86").isFalse();
        // The MMU walks, sets D in the PTE and inserts the updated entry.
        tlb.insert(0x1000, Access.WRITE, Pte.make(1, CLEAN | Pte.A | Pte.D), Page.SHIFT);
        assertThat(Pte.isDirty(tlb.lookup(0x1000, Access.WRITE))).isTrue();
        assertThat(tlb.nrEntries()).isEqualTo(1);
        tlb.invalidateAll();
        assertThat(recorder.evicted).as("without write-back nothing is reported").isEmpty();
    }

    @Test
    void aHitSetsTheReferencedBit() {
        AbstractTlb tlb = tlb("impl = set-associative");
        tlb.insert(0x1000, Access.READ, Pte.make(1, CLEAN), Page.SHIFT);
        assertThat(Pte.isAccessed(tlb.lookup(0x1000, Access.READ))).isTrue();
    }

    @Test
    void nachosWritesReferencedAndDirtyBackOnEviction() {
        // 2 entries, LRU. Page 1 read, page 2 written; page 3 evicts page 1 (A), page 4 evicts page 2 (A D).
        Recorder recorder = new Recorder();
        AbstractTlb tlb = tlb("impl = fully-associative, entries = 2, replacement = lru, writeback-bits = true", recorder);
        tlb.switchTo(5);
        tlb.insert(0x1000, Access.READ, Pte.make(1, CLEAN), Page.SHIFT);
        tlb.insert(0x2000, Access.WRITE, Pte.make(2, CLEAN), Page.SHIFT);
        tlb.lookup(0x1000, Access.READ);
        long t = tlb.lookup(0x2000, Access.WRITE);
        assertThat(Pte.isDirty(t)).as("with write-back the TLB sets D itself").isTrue();
        tlb.insert(0x3000, Access.READ, Pte.make(3, CLEAN), Page.SHIFT);
        tlb.insert(0x4000, Access.READ, Pte.make(4, CLEAN), Page.SHIFT);
        assertThat(recorder.evicted).containsExactly("0x1000 5 A", "0x2000 5 A D");
        // A flush reports what is left: pages 3 and 4, never referenced since their fill.
        tlb.switchTo(6);
        tlb.invalidateAll();
        assertThat(recorder.evicted).hasSize(4).endsWith("0x4000 5");
    }

    @Test
    void withoutAsidsTheSwitchFlushReportsTheOldAddressSpace() {
        Recorder recorder = new Recorder();
        AbstractTlb tlb = tlb("impl = set-associative, asid = false, writeback-bits = true", recorder);
        tlb.switchTo(3);
        tlb.insert(0x1000, Access.WRITE, Pte.make(1, CLEAN), Page.SHIFT);
        tlb.lookup(0x1000, Access.WRITE);
        tlb.switchTo(4);
        assertThat(recorder.evicted).containsExactly("0x1000 3 A D");
    }

    @Test
    void inAHierarchyUpperCopiesHandTheirBitsDown() {
        // L1 (2 entries) above L2 (8): the write hit dirties the L1 copy; when it is evicted
        // from L1 the bits go to the L2 copy, and are reported only when L2 lets it go.
        Recorder recorder = new Recorder();
        AbstractTlb tlb = tlb("impl = hierarchy, writeback-bits = true, levels = ["
            + "{ name = L1, organisation = fully-associative, entries = 2, next-level = L2 },"
            + "{ name = L2, organisation = fully-associative, entries = 8 } ]", recorder);
        tlb.insert(0x1000, Access.WRITE, Pte.make(1, CLEAN), Page.SHIFT);
        tlb.lookup(0x1000, Access.WRITE);
        tlb.insert(0x2000, Access.READ, Pte.make(2, CLEAN), Page.SHIFT);
        tlb.insert(0x3000, Access.READ, Pte.make(3, CLEAN), Page.SHIFT);
        assertThat(recorder.evicted).isEmpty();
        tlb.invalidatePage(0x1000, 0);
        assertThat(recorder.evicted).containsExactly("0x1000 0 A D");
    }
}
