package dev.mmkit.tlb;

import static dev.mmkit.tlb.TestTlbs.pte;
import static dev.mmkit.tlb.TestTlbs.tlb;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.hw.Access;
import dev.mmkit.api.hw.Page;
import dev.mmkit.api.hw.Pte;
import org.junit.jupiter.api.Test;

// Checks address-space tagging: the MIPS R3000 scenario, flush counts with ASIDs on and off, rollover, global entries.
class AsidGoldenTest {
    /** Every process maps the same virtual page, to a frame of its own. */
    private static final long VADDR = 0x400000;

    private static final String R3000 = "impl = fully-associative, entries = 64, replacement = random, asid-bits = 6, asid = ";

    /** Three round-robin rounds over 64 processes, each touching its page once per turn. */
    private static void threeRounds(AbstractTlb tlb) {
        for (int round = 0; round < 3; round++) {
            for (int pid = 0; pid < 64; pid++) {
                tlb.switchTo(pid);
                long t = tlb.lookup(VADDR, Access.READ);
                if (t == 0) {
                    tlb.insert(VADDR, Access.READ, pte(0x1000 + pid), Page.SHIFT);
                } else {
                    assertThat(Pte.pfn(t)).as("pid %d", pid).isEqualTo(0x1000 + pid);
                }
                tlb.verify();
            }
        }
    }

    @Test
    void r3000SixtyFourProcessesSwitchWithoutFlushing() {
        // 64 entries, 6-bit ASIDs: each process's entry is tagged with its own ASID and
        // survives the other 63 processes' turns. Round 1: 64 misses; rounds 2 and 3: 128 hits.
        AbstractTlb tlb = tlb(R3000 + "true");
        threeRounds(tlb);
        assertThat(tlb.misses()).isEqualTo(64);
        assertThat(tlb.hits()).isEqualTo(128);
        assertThat(tlb.counters()).containsEntry("tlb.flushes", 0L).containsEntry("tlb.evictions", 0L)
            .containsEntry("asid.rollovers", 0L);
        assertThat(tlb.nrEntries()).isEqualTo(64);
    }

    @Test
    void withoutAsidsEverySwitchFlushes() {
        // The TLB starts in address space 0, so the first switchTo(0) is no switch:
        // 63 switches in round 1, 64 in rounds 2 and 3 = 191 flushes, and all 192 references miss.
        AbstractTlb tlb = tlb(R3000 + "false");
        threeRounds(tlb);
        assertThat(tlb.counters()).containsEntry("tlb.flushes", 191L);
        assertThat(tlb.misses()).isEqualTo(192);
        assertThat(tlb.hits()).isZero();
        assertThat(tlb.nrEntries()).isEqualTo(1);
    }

    @Test
    void theSixtyFifthAddressSpaceRollsOverWithAFullFlush() {
        AbstractTlb tlb = tlb(R3000 + "true");
        threeRounds(tlb);
        tlb.insert(0xc0000000L, Access.READ, Pte.make(0x77, Pte.P | Pte.G), Page.SHIFT);
        assertThat(tlb.nrEntries()).isEqualTo(64); // the global entry evicted one
        tlb.switchTo(64);
        assertThat(tlb.counters()).containsEntry("asid.rollovers", 1L).containsEntry("tlb.flushes", 1L);
        assertThat(tlb.nrEntries()).as("a rollover flushes everything, global entries too").isZero();
        assertThat(tlb.asids.generation()).isEqualTo(2);
        assertThat(tlb.currentHw).isZero();
        // Process 0 had hardware ASID 0 in generation 1; now it gets a new one and misses.
        tlb.switchTo(0);
        assertThat(tlb.currentHw).isEqualTo(1);
        assertThat(tlb.lookup(VADDR, Access.READ)).isZero();
        tlb.verify();
    }

    @Test
    void sixtyFourNewAddressSpacesBesidesTheFirstRollOverOnce() {
        AbstractTlb tlb = tlb(R3000 + "true");
        for (int i = 0; i < 10; i++) {
            for (int pid = 100; pid < 164; pid++) {
                tlb.switchTo(pid);
            }
        }
        // 64 distinct asids, but the TLB started in asid 0, which holds hardware ASID 0: the
        // 64th new one (asid 163) is the 65th address space and rolls over once; after that
        // the 64 fit.
        assertThat(tlb.asids.rollovers()).isEqualTo(1);
        tlb.verify();
    }

    @Test
    void entriesAreTaggedWithTheirAddressSpace() {
        AbstractTlb tlb = tlb("impl = set-associative, asid = true");
        tlb.switchTo(1);
        tlb.insert(VADDR, Access.READ, pte(0xa), Page.SHIFT);
        tlb.switchTo(2);
        assertThat(tlb.lookup(VADDR, Access.READ)).isZero();
        tlb.insert(VADDR, Access.READ, pte(0xb), Page.SHIFT);
        tlb.switchTo(1);
        assertThat(Pte.pfn(tlb.lookup(VADDR, Access.READ))).isEqualTo(0xa);
        tlb.switchTo(2);
        assertThat(Pte.pfn(tlb.lookup(VADDR, Access.READ))).isEqualTo(0xb);
        assertThat(tlb.counters()).containsEntry("tlb.flushes", 0L);
    }

    @Test
    void globalEntriesSurviveSwitchesWithoutAsids() {
        AbstractTlb tlb = tlb("impl = set-associative, asid = false");
        long kernel = 0xffff_8880_0000_0000L;
        tlb.insert(kernel, Access.READ | Access.KERNEL, Pte.make(0x42, Pte.P | Pte.RW | Pte.G), Page.SHIFT);
        tlb.insert(VADDR, Access.READ, pte(0xa), Page.SHIFT);
        tlb.switchTo(7);
        assertThat(tlb.lookup(VADDR, Access.READ)).isZero();
        assertThat(Pte.pfn(tlb.lookup(kernel, Access.READ | Access.KERNEL))).isEqualTo(0x42);
        tlb.invalidateAll();
        assertThat(tlb.lookup(kernel, Access.READ | Access.KERNEL)).isZero();
        tlb.verify();
    }

    @Test
    void globalEntriesMatchInEveryAddressSpaceWithAsids() {
        AbstractTlb tlb = tlb("impl = set-associative, asid = true");
        tlb.insert(0xc0001000L, Access.READ, Pte.make(0x42, Pte.P | Pte.G), Page.SHIFT);
        for (int pid = 1; pid < 5; pid++) {
            tlb.switchTo(pid);
            assertThat(Pte.pfn(tlb.lookup(0xc0001000L, Access.READ))).isEqualTo(0x42);
        }
        tlb.invalidateAsid(4);
        assertThat(tlb.lookup(0xc0001000L, Access.READ)).as("invalidateAsid keeps global entries").isNotZero();
    }

    @Test
    void invalidateAsidDropsOnlyThatAddressSpace() {
        AbstractTlb tlb = tlb("impl = fully-associative, entries = 8, asid = true");
        tlb.switchTo(1);
        tlb.insert(VADDR, Access.READ, pte(1), Page.SHIFT);
        tlb.switchTo(2);
        tlb.insert(VADDR, Access.READ, pte(2), Page.SHIFT);
        tlb.invalidateAsid(1);
        assertThat(tlb.lookup(VADDR, Access.READ)).isNotZero();
        tlb.switchTo(1);
        assertThat(tlb.lookup(VADDR, Access.READ)).isZero();
        tlb.invalidateAsid(99); // never seen: nothing to do
        assertThat(tlb.nrEntries()).isEqualTo(1);
    }
}
