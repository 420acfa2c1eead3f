package dev.mmkit.replacement;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.machine.VmItem;
import org.junit.jupiter.api.Test;

/*
 * The textbook reference strings through the whole machine, one replay process with a resident
 * limit of N frames; figures from the literature (Belady 1969; Silberschatz, Operating System
 * Concepts, ch. 10) or worked by hand below, never taken from the code.
 *
 * Conventions of the clock family, as this machine's hardware behaves: a page comes in with
 * its use bit set (the reference that faulted is retried and its walk sets A); a new page goes
 * in just behind the hand; a hit sets A again. Traces: [ring from the hand], * = use bit,
 * /c = Nth chance's count.
 */
class ReplacementGoldenTest {
    static final int[] BELADY = {1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5};
    static final int[] SILBERSCHATZ = {7, 0, 1, 2, 0, 3, 0, 4, 2, 3, 0, 3, 2, 1, 2, 0, 1, 7, 0, 1};

    // OPT, Belady's string, 3 frames: 1 2 3 F; 4 F (next uses 1@4 2@5 3@9: out 3); 1 2 hit;
    // 5 F (1@7 2@8 4@10: out 4); 1 2 hit; 3 F (1, 2 never: out 1); 4 F (2 never: out 2);
    // 5 hit. 7 faults. 4 frames: 1-4 F; 1 2 hit; 5 F (4@10 furthest: out 4); 1 2 3 hit;
    // 4 F (1 never: out 1); 5 hit. 6 faults.
    // OPT, Silberschatz, 3 frames: 7 0 1 F; 2 F (7@17: out 7); 0 hit; 3 F (1@13: out 1); 0 hit;
    // 4 F (0@10 2@8 3@9: out 0); 2 3 hit; 0 F (4 never: out 4); 3 2 hit; 1 F (3 never: out 3);
    // 2 0 1 hit; 7 F (2 never: out 2); 0 1 hit. 9 faults.
    @Test
    void optOnTheTextbookStrings() {
        assertThat(PolicyMachine.of(3, new OptPolicyProvider()).replayWithFuture(BELADY).verify().faults()).isEqualTo(7);
        assertThat(PolicyMachine.of(4, new OptPolicyProvider()).replayWithFuture(BELADY).verify().faults()).isEqualTo(6);
        assertThat(PolicyMachine.of(3, new OptPolicyProvider()).replayWithFuture(SILBERSCHATZ).verify().faults()).isEqualTo(9);
    }

    // LRU, Belady's string, 3 frames (LRU first): 1 2 3 F; 4 F (out 1) [2 3 4]; 1 F (out 2);
    // 2 F (out 3); 5 F (out 4) [1 2 5]; 1 2 hit [5 1 2]; 3 F (out 5); 4 F (out 1); 5 F (out 2).
    // 10 faults. 4 frames: 1-4 F; 1 2 hit [3 4 1 2]; 5 F (out 3); 1 2 hit [4 5 1 2]; 3 F (out 4);
    // 4 F (out 5); 5 F (out 1). 8 faults: no anomaly, LRU is a stack algorithm.
    // LRU, Silberschatz, 3 frames: 7 0 1 F; 2 F (out 7); 0 hit; 3 F (out 1); 0 hit; 4 F (out 2);
    // 2 F (out 3); 3 F (out 0); 0 F (out 4); 3 2 hit; 1 F (out 0); 2 hit; 0 F (out 3); 1 hit;
    // 7 F (out 2); 0 1 hit. 12 faults.
    @Test
    void lruOnTheTextbookStrings() {
        assertThat(PolicyMachine.of(3, new LruPolicyProvider()).read(BELADY).verify().faults()).isEqualTo(10);
        assertThat(PolicyMachine.of(4, new LruPolicyProvider()).read(BELADY).verify().faults()).isEqualTo(8);
        assertThat(PolicyMachine.of(3, new LruPolicyProvider()).read(SILBERSCHATZ).verify().faults()).isEqualTo(12);
    }

    @Test
    void silberschatzSideBySideFifoLruOpt() {
        assertThat(PolicyMachine.fifo(3).read(SILBERSCHATZ).faults()).isEqualTo(15);
        assertThat(PolicyMachine.of(3, new LruPolicyProvider()).read(SILBERSCHATZ).faults()).isEqualTo(12);
        assertThat(PolicyMachine.of(3, new OptPolicyProvider()).replayWithFuture(SILBERSCHATZ).faults()).isEqualTo(9);
    }

    // Clock, Silberschatz, 3 frames:
    //   7 0 1 F [7* 0* 1*]; 2 F: full turn clears all, out 7 [0 1 2*]; 0 hit [0* 1 2*];
    //   3 F: 0 cleared, out 1 [2* 0 3*]; 0 hit [2* 0* 3*]; 4 F: turn, out 2 [0 3 4*];
    //   2 F: out 0 [3 4* 2*]; 3 hit [3* 4* 2*]; 0 F: turn, out 3 [4 2 0*]; 3 F: out 4 [2 0* 3*];
    //   2 hit [2* 0* 3*]; 1 F: turn, out 2 [0 3 1*]; 2 F: out 0 [3 1* 2*]; 0 F: out 3 [1* 2* 0*];
    //   1 hit; 7 F: turn, out 1 [2 0 7*]; 0 hit [2 0* 7*]; 1 F: out 2 [0* 7* 1*].
    //   14 faults, victims 7 1 2 0 3 4 2 0 3 1 2: between LRU (12) and FIFO (15).
    // Clock, Belady's string: every page is referenced again only while its bit is still set,
    // so clock replaces as FIFO: 9 faults with 3 frames, 10 with 4 (the anomaly remains).
    //   4 frames: 1-4 F [1* 2* 3* 4*]; 1 2 hit; 5 F: turn, out 1 [2 3 4 5*]; 1 F: out 2;
    //   2 F: out 3; 3 F: out 4 [5* 1* 2* 3*]; 4 F: turn, out 5; 5 F: out 1. 10 faults.
    @Test
    void clockOnTheTextbookStrings() {
        PolicyMachine s = PolicyMachine.of(3, new ClockPolicyProvider()).read(SILBERSCHATZ).verify();
        assertThat(s.faults()).isEqualTo(14);
        assertThat(s.victims()).containsExactly(7L, 1L, 2L, 0L, 3L, 4L, 2L, 0L, 3L, 1L, 2L);
        assertThat(PolicyMachine.of(3, new ClockPolicyProvider()).read(BELADY).faults()).isEqualTo(9);
        assertThat(PolicyMachine.of(4, new ClockPolicyProvider()).read(BELADY).faults()).isEqualTo(10);
    }

    // 4 1 2 5 1 4 2 5 3 4 2 1 3, 3 frames.
    // Clock: 4 1 2 F [4* 1* 2*]; 5 F: turn, out 4 [1 2 5*]; 1 hit [1* 2 5*]; 4 F: 1 cleared,
    //   out 2 [5* 1 4*]; 2 F: 5 cleared, out 1 [4* 5 2*]; 5 hit [4* 5* 2*]; 3 F: turn, out 4
    //   [5 2 3*]; 4 F: out 5 [2 3* 4*]; 2 hit [2* 3* 4*]; 1 F: turn, out 2 [3 4 1*]; 3 hit.
    //   9 faults, victims 4 2 1 4 5 2.
    // Nth chance, N = 2: 4 1 2 F [4*/0 1*/0 2*/0]; 5 F: all cleared, then 4/1 1/1 2/1, 4/2 out
    //   [1/1 2/1 5*/0]; 1 hit; 4 F: 1 cleared (/0), 2/2 out [5*/0 1/0 4*/0]; 2 F: 5 cleared, 1/1,
    //   4 cleared, 5/1, 1/2 out [4/0 5/1 2*/0]; 5 hit [4/0 5*/1 2*/0]; 3 F: 4/1, 5 cleared (/0),
    //   2 cleared, 4/2 out [5/0 2/0 3*/0]; 4 F: 5/1, 2/1, 3 cleared, 5/2 out [2/1 3/0 4*/0];
    //   2 hit [2*/1 3/0 4*/0]; 1 F: 2 cleared (/0), 3/1, 4 cleared, 2/1, 3/2 out [4/0 2/1 1*/0];
    //   3 F: 4/1, 2/2 out [1*/0 4/1 3*/0].
    //   10 faults, victims 4 2 1 4 5 3 2: the extra sweep kept 3, which was not used again in time.
    @Test
    void nthChanceAgainstClockOnAShortString() {
        int[] s = {4, 1, 2, 5, 1, 4, 2, 5, 3, 4, 2, 1, 3};
        PolicyMachine clock = PolicyMachine.of(3, new ClockPolicyProvider()).read(s).verify();
        assertThat(clock.faults()).isEqualTo(9);
        assertThat(clock.victims()).containsExactly(4L, 2L, 1L, 4L, 5L, 2L);
        PolicyMachine nth = new PolicyMachine(3, new NthChancePolicyProvider(), "mmkit.machine.replacement.nth-chance.n = 2")
            .read(s).verify();
        assertThat(nth.faults()).isEqualTo(10);
        assertThat(nth.victims()).containsExactly(4L, 2L, 1L, 4L, 5L, 3L, 2L);
    }

    // Nth chance, clean N = 1, dirty N = 2 (dirty-writeback), 3 frames. Pages 1 2 3 written
    // (dirty: never yet on swap), each value read back at the end.
    //   4 F: turn clears 1* 2* 3*; 1 /1 dirty: writeback starts (pswpout 1); 2 /1 dirty:
    //   writeback (2); 3 /1 dirty: writeback (3); 1 /2, clean now: out with no write. [2/1 3/1 4*/0]
    //   5 F: 2 /2, clean: out, no write. pswpout 3, victims 1 2.
    // Clock on the same: 4 F: turn, 1 out, written (pswpout 1); 5 F: 2 out, written (2).
    @Test
    void nthChanceWritesDirtyPagesBackOnTheFirstPassAndEvictsThemClean() {
        PolicyMachine nth = new PolicyMachine(3, new NthChancePolicyProvider(),
            "mmkit.machine.replacement.nth-chance { n = 1, dirty-writeback = true }");
        PolicyMachine clock = PolicyMachine.of(3, new ClockPolicyProvider());
        for (PolicyMachine m : new PolicyMachine[] {nth, clock}) {
            for (int p = 1; p <= 3; p++) {
                assertThat(m.mm.store(m.pid, p * 4096L + 8, 8, 100 + p)).isTrue();
            }
            m.read(4, 5);
        }
        assertThat(nth.victims()).containsExactly(1L, 2L);
        assertThat(nth.machine.vmstat().get(VmItem.PSWPOUT)).isEqualTo(3);
        assertThat(clock.victims()).containsExactly(1L, 2L);
        assertThat(clock.machine.vmstat().get(VmItem.PSWPOUT)).isEqualTo(2);
        for (int p = 1; p <= 3; p++) {
            assertThat(nth.mm.load(nth.pid, p * 4096L + 8, 8)).isEqualTo(100 + p);
        }
        nth.verify();
    }

    // Two lists, Belady's string, 3 frames, anon only (inactive ratio 1: the inactive list is
    // low when shorter than the active one). I = inactive list, oldest first; r = PG_referenced;
    // * = A. page_check_references: A and r -> activate; A only -> set r, rotate; else out.
    //   1 2 3 F I[1* 2* 3*]; 4 F: 1 2 3 each get r and rotate (A cleared), then 1 (r only) out
    //   I[2r 3r 4*]; 1 F: 2 out; 2 F: 3 out I[4* 1* 2*]; 5 F: 4 1 2 get r, 4 out I[1r 2r 5*];
    //   1 2 hit I[1r* 2r* 5*]; 3 F: 1 activated, 2 activated (active [1 2], inactive [5]: low),
    //   1 deactivated (A cleared, r kept) I[5* 1r]; 5 gets r I[1r 5r]; 1 out; I[5r 3*] active [2];
    //   4 F: 5 out I[3* 4*]; 5 F: 3 4 get r, 3 out I[4r 5*].
    //   10 faults, victims 1 2 3 4 1 5 3; 2 activations, 1 deactivation; page 2 ends active.
    @Test
    void twoListOnBeladysString() {
        PolicyMachine m = PolicyMachine.of(3, new TwoListPolicyProvider()).read(BELADY).verify();
        assertThat(m.faults()).isEqualTo(10);
        assertThat(m.victims()).containsExactly(1L, 2L, 3L, 4L, 1L, 5L, 3L);
        assertThat(m.machine.vmstat().get(VmItem.PGACTIVATE)).isEqualTo(2);
        assertThat(m.machine.vmstat().get(VmItem.PGDEACTIVATE)).isEqualTo(1);
        assertThat(m.machine.vmstat().get(VmItem.NR_ACTIVE_ANON)).isEqualTo(1);
        // the machine counted each page inactive as it came in; the policy moved 2's count
        assertThat(m.machine.vmstat().get(VmItem.NR_INACTIVE_ANON)).isEqualTo(2);
    }
}
