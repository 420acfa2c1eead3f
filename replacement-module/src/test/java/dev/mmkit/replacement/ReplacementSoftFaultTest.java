package dev.mmkit.replacement;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.hw.Access;
import dev.mmkit.api.machine.VmItem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/*
 * The policies that map resident pages invalid (the VAX/VMS second-chance list, the free-list
 * clock) through the whole machine: the memory manager's invalid PTEs and soft faults. Hand
 * traces on Silberschatz's string (7 0 1 2 0 3 0 4 2 3 0 3 2 1 2 0 1 7 0 1), 3 frames; a soft
 * fault is a reference to an invalid page: the page is rescued, nothing is read in.
 */
class ReplacementSoftFaultTest {
    private static final int[] SILBERSCHATZ = ReplacementGoldenTest.SILBERSCHATZ;

    // VMS with a second-chance list of 1 page. A = active FIFO (oldest first), SC = second chance.
    // The page being referenced stays active (it is never invalidated under its own reference).
    //   7 F: A[7]; 0 F: A[7 0] -> 7 across SC[7]; 1 F: A[0 1]; 2 F: out 7, A[0 1 2] -> 0 across: A[1 2] SC[0];
    //   0 soft: A[1 2 0], 1 across SC[1]; 3 F: out 1, A[2 0 3], 2 across; 0 hit (active);
    //   4 F: out 2, A[0 3 4], 0 across; 2 F: out 0, A[3 4 2], 3 across; 3 soft: A[4 2 3], 4 across;
    //   0 F: out 4, A[2 3 0], 2 across; 3 hit; 2 soft: A[3 0 2], 3 across; 1 F: out 3, A[0 2 1],
    //   0 across; 2 hit; 0 soft: A[2 1 0], 2 across; 1 hit; 7 F: out 2, A[1 0 7], 1 across;
    //   0 hit; 1 soft: A[0 7 1], 0 across.
    //   10 pages in (7 0 1 2 3 4 2 0 1 7), 5 soft faults (0 3 2 0 1), victims 7 1 2 0 4 3 2:
    //   fewer pages in than LRU (12) on this string.
    @Test
    void vmsWithOneSecondChancePage() {
        PolicyMachine m = new PolicyMachine(3, new VmsPolicyProvider(), "mmkit.machine.replacement.vms.second-chance = 1")
            .read(SILBERSCHATZ).verify();
        assertThat(m.pageIns()).isEqualTo(10);
        assertThat(m.victims()).containsExactly(7L, 1L, 2L, 0L, 4L, 3L, 2L);
        assertThat(m.faults()).isEqualTo(10 + 5);
    }

    // Free-list clock, target 1, period 1 ns: the daemon runs at the end of every reference that
    // woke it. [ring from the hand] F[free list]; * = use bit (set on arrival and on rescue).
    //   7 F [7*], daemon: 7 cleared, 7 to F; 0 1 F [0* 1*] (no eviction: 7 still counts);
    //   2 F: out 7 (F), [0* 1* 2*], daemon: turn, 0 to F; 0 soft: [1 2 0*], daemon: 1 to F;
    //   3 F: out 1, [2 0* 3*], daemon: 2 to F; 0 hit; 4 F: out 2, [0* 3* 4*], daemon: turn, 0 to F;
    //   2 F: out 0, [3 4 2*], 3 to F; 3 soft: [4 2* 3*], 4 to F; 0 F: out 4, [2* 3* 0*], turn,
    //   2 to F; 3 hit; 2 soft: [3* 0 2*], 3 cleared, 0 to F; 1 F: out 0, [2* 3 1*], 2 cleared,
    //   3 to F; 2 hit; 0 F: out 3, [1* 2* 0*], turn, 1 to F; 1 soft: [2 0 1*], 2 to F;
    //   7 F: out 2, [0 1* 7*], 0 to F; 0 soft: [1* 7* 0*], turn, 1 to F; 1 soft: [7 0 1*], 7 to F.
    //   11 pages in, 6 soft faults, victims 7 1 2 0 4 0 3 2.
    @Test
    void freeListClockWithADaemonAfterEveryReference() {
        PolicyMachine m = new PolicyMachine(3, new FreelistClockPolicyProvider(),
            "mmkit.machine.replacement.freelist-clock { target = 1, period = 1ns }").read(SILBERSCHATZ).verify();
        assertThat(m.pageIns()).isEqualTo(11);
        assertThat(m.victims()).containsExactly(7L, 1L, 2L, 0L, 4L, 0L, 3L, 2L);
        assertThat(m.faults()).isEqualTo(11 + 6);
        FreelistClockPolicy policy = m.policy();
        assertThat(policy.rescues()).isEqualTo(6);
        assertThat(policy.freeListSize()).isEqualTo(1);
    }

    @Test
    void freeListPagesAreWrittenBackAndReadBackIntact() {
        PolicyMachine m = new PolicyMachine(4, new FreelistClockPolicyProvider(),
            "mmkit.machine.replacement.freelist-clock { target = 2, period = 1ns }");
        for (int p = 0; p < 4; p++) {
            assertThat(m.mm.store(m.pid, p * 4096L + 8, 8, 1000 + p)).isTrue();
        }
        FreelistClockPolicy policy = m.policy();
        // the daemon put two dirty pages on the free list, writing them back as they went
        assertThat(policy.freeListSize()).isEqualTo(2);
        assertThat(policy.writebacks()).isEqualTo(2);
        assertThat(m.machine.vmstat().get(VmItem.PSWPOUT)).isEqualTo(2);
        for (int p = 0; p < 4; p++) {
            assertThat(m.mm.load(m.pid, p * 4096L + 8, 8)).isEqualTo(1000 + p);
        }
        m.verify();
    }

    // With every page on the second-chance list, every reference after a page's arrival is a
    // soft fault that moves it to the most recently used end: exactly LRU's order.
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 42, 1234})
    void vmsWithEveryPageOnTheSecondChanceListIsLru(long seed) {
        ReplacementPropertyTest.Trace t = ReplacementPropertyTest.Trace.random(seed);
        PolicyMachine lru = t.run(new LruPolicyProvider(), "");
        PolicyMachine all = t.run(new VmsPolicyProvider(), "mmkit.machine.replacement.vms.second-chance = 100%");
        PolicyMachine pages = t.run(new VmsPolicyProvider(), "mmkit.machine.replacement.vms.second-chance = " + t.frames());
        assertThat(all.pageIns()).isEqualTo(lru.pageIns());
        assertThat(all.victims()).isEqualTo(lru.victims());
        assertThat(pages.victims()).isEqualTo(lru.victims());
    }

    // With software-emulated referenced bits (the BSD/VAX trick: a page is mapped invalid when
    // its bit is cleared and the fault of its next reference sets PG_referenced) the policies
    // that test referenced bits see the same bits as with the hardware's and make the same
    // choices; only the extra soft faults differ.
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 42})
    void softwareReferencedBitsGiveTheHardwaresChoices(long seed) {
        ReplacementPropertyTest.Trace t = ReplacementPropertyTest.Trace.random(seed);
        String software = "mmkit.machine.paging.referenced-bits = software\n";
        for (var provider : new dev.mmkit.api.replacement.ReplacementPolicyProvider[] {
            new ClockPolicyProvider(), new NthChancePolicyProvider(), new TwoListPolicyProvider()}) {
            PolicyMachine hardware = t.run(provider, "");
            PolicyMachine emulated = t.run(provider, software);
            assertThat(emulated.victims()).as(provider.description()).isEqualTo(hardware.victims());
            assertThat(emulated.pageIns()).isEqualTo(hardware.pageIns());
            assertThat(emulated.faults()).isGreaterThan(hardware.faults());
        }
    }

    @Test
    void aWriteToAPageOnTheSecondChanceListIsRescuedAndKept() {
        PolicyMachine m = new PolicyMachine(3, new VmsPolicyProvider(), "mmkit.machine.replacement.vms.second-chance = 2");
        m.read(1, 2, 3);
        VmsPolicy vms = m.policy();
        assertThat(vms.secondChanceSize()).isEqualTo(2);
        m.access(1, Access.WRITE, -1);
        assertThat(m.mm.store(m.pid, 1 * 4096L + 8, 8, 77)).isTrue();
        m.read(4, 5);
        assertThat(m.mm.load(m.pid, 1 * 4096L + 8, 8)).isEqualTo(77);
        m.verify();
    }
}
