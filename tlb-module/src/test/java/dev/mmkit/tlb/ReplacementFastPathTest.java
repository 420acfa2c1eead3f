package dev.mmkit.tlb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mmkit.api.hw.Page;
import dev.mmkit.api.hw.Pte;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

// The packed forms of the replacement rules (4-way LRU and FIFO orders, tree-PLRU bits in one
// word) against the forms that keep a timestamp per way or a byte per tree node: the same
// events must give the same victim every time, alone and inside a set-associative level.
class ReplacementFastPathTest {
    @Test
    void wayOrderMovesToFrontAsWorkedOutByHand() {
        // Fresh: ranks 0..3 hold ways 3 2 1 0, so way 0 is the oldest (the lowest way on a tie).
        byte order = WayOrder.INITIAL;
        assertThat(WayOrder.oldest(order)).isZero();
        order = WayOrder.toFront(order, 1); // 1 3 2 0
        assertThat(ranks(order)).containsExactly(1, 3, 2, 0);
        order = WayOrder.toFront(order, 0); // 0 1 3 2
        assertThat(ranks(order)).containsExactly(0, 1, 3, 2);
        assertThat(WayOrder.oldest(order)).isEqualTo(2);
        order = WayOrder.toFront(order, 0); // already first: unchanged
        assertThat(ranks(order)).containsExactly(0, 1, 3, 2);
        order = WayOrder.toFront(order, 2); // 2 0 1 3
        assertThat(ranks(order)).containsExactly(2, 0, 1, 3);
        assertThat(WayOrder.oldest(order)).isEqualTo(3);
    }

    @Test
    void theNewestWayIsRankZeroAndMovingItChangesNothing() {
        // LRU's touch skips the table when the way is the newest: that must be exactly the case
        // in which the table would give the order back unchanged. Every order of four ways (the
        // 24 permutations reachable from INITIAL), every way.
        Set<Byte> reachable = new HashSet<>(List.of(WayOrder.INITIAL));
        ArrayDeque<Byte> todo = new ArrayDeque<>(reachable);
        while (!todo.isEmpty()) {
            byte order = todo.pop();
            for (int way = 0; way < WayOrder.WAYS; way++) {
                byte next = WayOrder.toFront(order, way);
                if (reachable.add(next)) {
                    todo.push(next);
                }
                assertThat(WayOrder.newest(next)).isEqualTo(way);
                assertThat(next == order).as("order %s way %d", ranks(order), way).isEqualTo(WayOrder.newest(order) == way);
            }
            assertThat(WayOrder.newest(order)).isEqualTo(WayOrder.wayAt(order, 0));
        }
        assertThat(reachable).hasSize(24); // 4! orders
    }

    private static List<Integer> ranks(byte order) {
        List<Integer> ways = new ArrayList<>();
        for (int rank = 0; rank < WayOrder.WAYS; rank++) {
            ways.add(WayOrder.wayAt(order, rank));
        }
        return ways;
    }

    @Test
    void packedLruPicksTheVictimsOfTimestamps() {
        sameVictims(() -> new LruReplacement(8, 4, false), () -> new LruReplacement(8, 4, true), 8, 4, 1);
    }

    @Test
    void packedFifoPicksTheVictimsOfTimestamps() {
        sameVictims(() -> new FifoReplacement(8, 4, false), () -> new FifoReplacement(8, 4, true), 8, 4, 2);
    }

    @Test
    void packedTreePlruPicksTheVictimsOfOneBytePerNode() {
        for (int ways = 2; ways <= TreePlruReplacement.MAX_PACKED_WAYS; ways *= 2) {
            int w = ways;
            sameVictims(() -> new TreePlruReplacement(4, w, false), () -> new TreePlruReplacement(4, w, true), 4, ways, 3 + ways);
        }
    }

    @Test
    void theFormsAreChosenByWays() {
        assertThatThrownBy(() -> new LruReplacement(2, 8, true)).hasMessageContaining("ways: 8 (expected: 4 for the packed form)");
        assertThatThrownBy(() -> new TreePlruReplacement(1, 64, true)).hasMessageContaining("ways: 64 (expected: at most 32");
        // 64 ways (a fully associative R3000 with plru) still works, one byte per node.
        TreePlruReplacement wide = new TreePlruReplacement(1, 64);
        for (int way = 0; way < 64; way++) {
            wide.fill(0, way);
        }
        assertThat(wide.victim(0)).isZero();
    }

    /**
     * A long random sequence of hits and fills on {@code sets} sets, as a level produces them:
     * a full set asks for a victim and fills it. Both rules see the same events; their victims
     * must agree at every step.
     */
    private static void sameVictims(Supplier<Replacement> reference, Supplier<Replacement> packed, int sets, int ways, long seed) {
        Replacement a = reference.get();
        Replacement b = packed.get();
        SplittableRandom random = new SplittableRandom(seed);
        int[] filled = new int[sets];
        for (int step = 0; step < 200_000; step++) {
            int set = random.nextInt(sets);
            int base = set * ways;
            if (filled[set] < ways) { // fill the lowest invalid way, as the level does
                int slot = base + filled[set]++;
                a.fill(set, slot);
                b.fill(set, slot);
            } else if (random.nextInt(3) == 0) { // a miss in a full set: evict and refill
                int victim = a.victim(set);
                assertThat(b.victim(set)).as("step %d set %d", step, set).isEqualTo(victim);
                a.fill(set, base + victim);
                b.fill(set, base + victim);
            } else if (random.nextInt(50) == 0) { // an invalidation leaves a hole, refilled at once
                int slot = base + random.nextInt(ways);
                a.fill(set, slot);
                b.fill(set, slot);
            } else {
                int slot = base + random.nextInt(ways);
                a.touch(set, slot);
                b.touch(set, slot);
            }
        }
        for (int set = 0; set < sets; set++) {
            if (filled[set] == ways) {
                assertThat(b.victim(set)).isEqualTo(a.victim(set));
            }
        }
    }

    @Test
    void aFourWayLevelWithPackedRulesBehavesAsWithTimestamps() {
        // Two 64-entry 4-way levels, one per form, under the same long random mix of lookups,
        // fills (4 KiB and 2 MiB, some global), invlpg and flushes: every lookup must agree.
        for (String rule : List.of("lru", "fifo", "plru")) {
            SetAssociativeLevel reference = new SetAssociativeLevel("ref", 16, 4, generic(rule));
            SetAssociativeLevel packed = new SetAssociativeLevel("fast", 16, 4, Replacement.of(rule, 16, 4, null));
            SplittableRandom random = new SplittableRandom(rule.hashCode());
            for (int op = 0; op < 50_000; op++) {
                long vaddr = Page.address(random.nextInt(200)) + random.nextInt(Page.SIZE);
                int asid = random.nextInt(3);
                int kind = random.nextInt(100);
                if (kind < 70) {
                    long a = reference.lookup(vaddr, asid, false);
                    long b = packed.lookup(vaddr, asid, false);
                    assertThat(b).as("%s op %d lookup %s", rule, op, Page.hex(vaddr)).isEqualTo(a);
                    if (a == 0) {
                        boolean large = random.nextInt(10) == 0;
                        long flags = Pte.P | Pte.RW | (random.nextInt(10) == 0 ? Pte.G : 0);
                        int size = large ? TlbEntry.SIZE_2M : TlbEntry.SIZE_4K;
                        long pte = Pte.make(Page.vpn(vaddr) & (large ? ~511L : ~0L), flags);
                        assertThat(packed.insert(vaddr, asid, pte, size)).isEqualTo(reference.insert(vaddr, asid, pte, size));
                    }
                } else if (kind < 95) {
                    long pte = Pte.make(Page.vpn(vaddr), Pte.P | Pte.RW);
                    assertThat(packed.insert(vaddr, asid, pte, TlbEntry.SIZE_4K)).isEqualTo(reference.insert(vaddr, asid, pte, TlbEntry.SIZE_4K));
                } else if (kind < 99) {
                    reference.invalidatePage(vaddr, asid);
                    packed.invalidatePage(vaddr, asid);
                } else {
                    reference.flush(false);
                    packed.flush(false);
                }
                assertThat(packed.tag).as("%s op %d", rule, op).isEqualTo(reference.tag);
            }
            packed.verify(1 << TlbEntry.ASID_BITS);
            assertThat(packed.evictions).isEqualTo(reference.evictions).isPositive();
            assertThat(packed.hits).isEqualTo(reference.hits).isPositive();
        }
    }

    private static Replacement generic(String rule) {
        return switch (rule) {
            case "lru" -> new LruReplacement(16, 4, false);
            case "fifo" -> new FifoReplacement(16, 4, false);
            default -> new TreePlruReplacement(16, 4, false);
        };
    }
}
