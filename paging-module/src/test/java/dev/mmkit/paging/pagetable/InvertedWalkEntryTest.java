package dev.mmkit.paging.pagetable;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.hw.Page;
import dev.mmkit.api.hw.Pte;
import dev.mmkit.api.pagetable.Walk;
import dev.mmkit.machine.StandaloneMachine;
import dev.mmkit.paging.TestMachine;
import org.junit.jupiter.api.Test;

class InvertedWalkEntryTest {
    private static final long USER_RW = Pte.P | Pte.RW | Pte.US;

    private final StandaloneMachine machine = TestMachine.build("mmkit.machine.memory.size = 64MiB");

    // Bug 3: on a successful walk the inverted table fills Walk.entry with the leaf as it was
    // before the walk set A (and D), while Walk.pte (and every radix format's Walk.entry) hold
    // it as stored after: Walk.entry is "the leaf on success".
    @Test
    void invertedWalkEntryIsTheLeafAsStored() {
        InvertedPageTable inv = new InvertedPageTable(machine);
        long root = inv.createRoot(1);
        inv.setPte(root, 0x4000, Pte.make(42, USER_RW), Page.SHIFT);
        Walk w = new Walk();
        long pte = inv.walk(root, 0x4000, true, w);
        assertThat(pte & (Pte.A | Pte.D)).isEqualTo(Pte.A | Pte.D);
        assertThat(w.entry).isEqualTo(w.pte).isEqualTo(inv.getPte(root, 0x4000));

        RadixPageTable radix = new RadixPageTable(RadixPageTable.Format.X86_64, machine);
        long r = radix.createRoot(1);
        radix.setPte(r, 0x4000, Pte.make(42, USER_RW), Page.SHIFT);
        radix.walk(r, 0x4000, true, w);
        assertThat(w.entry).isEqualTo(w.pte);
    }
}
