package dev.mmkit.paging.pagetable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mmkit.api.hw.Page;
import dev.mmkit.api.hw.Pte;
import dev.mmkit.api.machine.VmItem;
import dev.mmkit.machine.StandaloneMachine;
import dev.mmkit.paging.TestMachine;
import org.junit.jupiter.api.Test;

class LargePageOverTableTest {
    private static final long USER_RW = Pte.P | Pte.RW | Pte.US;

    private final StandaloneMachine machine = TestMachine.build("mmkit.machine.memory.size = 64MiB");

    // Bug 2: setPte of a large page where the directory entry points to a leaf table overwrites
    // the table pointer: the 4 KiB entries vanish, the "previous entry" returned is the internal
    // table pointer, and the leaf table is leaked (still counted in nr_page_table_pages, no longer
    // reachable, never freed, not even by destroyRoot). The other direction (a 4 KiB entry under
    // a large page) is refused with IllegalStateException and changes nothing.
    @Test
    void aLargePageOverALeafTableIsRefusedAndChangesNothing() {
        for (RadixPageTable.Format f : new RadixPageTable.Format[] {RadixPageTable.Format.X86_32,
            RadixPageTable.Format.X86_PAE, RadixPageTable.Format.X86_64, RadixPageTable.Format.X86_64_LA57}) {
            RadixPageTable pt = new RadixPageTable(f, machine);
            long before = machine.vmstat().get(VmItem.NR_PAGE_TABLE_PAGES);
            long root = pt.createRoot(1);
            long large = 1L << f.largeShift();
            long small = Pte.make(3, USER_RW);
            pt.setPte(root, large + Page.SIZE, small, Page.SHIFT);
            long tables = pt.tablePages();
            long largePte = Pte.make(large >>> Page.SHIFT, USER_RW);
            assertThatThrownBy(() -> pt.setPte(root, large, largePte, f.largeShift())).as(f.name())
                .isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> pt.setPte(root, large, 0, f.largeShift())).as(f.name())
                .isInstanceOf(IllegalStateException.class);
            assertThat(pt.getPte(root, large + Page.SIZE)).as(f.name()).isEqualTo(small);
            assertThat(pt.tablePages()).as(f.name()).isEqualTo(tables);
            pt.verify();
            pt.destroyRoot(root);
            assertThat(pt.tablePages()).as(f.name()).isZero();
            assertThat(machine.vmstat().get(VmItem.NR_PAGE_TABLE_PAGES)).as(f.name()).isEqualTo(before);
        }
    }
}
