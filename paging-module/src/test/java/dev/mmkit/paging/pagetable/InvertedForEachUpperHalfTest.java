package dev.mmkit.paging.pagetable;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.hw.Page;
import dev.mmkit.api.hw.Pte;
import dev.mmkit.api.pagetable.PageTable;
import dev.mmkit.machine.StandaloneMachine;
import dev.mmkit.paging.TestMachine;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class InvertedForEachUpperHalfTest {
    private static final long USER_RW = Pte.P | Pte.RW | Pte.US;

    private final StandaloneMachine machine = TestMachine.build("mmkit.machine.memory.size = 64MiB");

    private static List<Long> visited(PageTable pt, long root, long start, long end) {
        List<Long> seen = new ArrayList<>();
        pt.forEach(root, start, end, (va, pte) -> {
            seen.add(va);
            return pte;
        });
        return seen;
    }

    // Bug 1: the inverted table's forEach rebuilds the address from the 40-bit vpn of the tag
    // without sign extension, so an entry in the upper (kernel) half of the canonical space,
    // which setPte/getPte/walk accept, is never visited by a range that holds it (and would be
    // reported at a non-canonical address); the radix formats visit it.
    @Test
    void invertedForEachVisitsUpperHalfEntriesAtTheirAddress() {
        long va = 0xFFFF_8000_0001_0000L;
        long start = 0xFFFF_8000_0000_0000L;
        long end = 0xFFFF_8000_0010_0000L;
        RadixPageTable radix = new RadixPageTable(RadixPageTable.Format.X86_64, machine);
        long r = radix.createRoot(1);
        radix.setPte(r, va, Pte.make(42, USER_RW), Page.SHIFT);
        assertThat(visited(radix, r, start, end)).containsExactly(va);

        InvertedPageTable inv = new InvertedPageTable(machine);
        long root = inv.createRoot(1);
        inv.setPte(root, va, Pte.make(42, USER_RW), Page.SHIFT);
        assertThat(inv.getPte(root, va)).isEqualTo(Pte.make(42, USER_RW));
        assertThat(visited(inv, root, start, end)).containsExactly(va);
        // and a range clearing it frees the entry
        inv.forEach(root, start, end, (v, pte) -> 0);
        assertThat(inv.getPte(root, va)).isZero();
        assertThat(inv.nrUsed()).isZero();
    }
}
