package dev.mmkit.paging.pagetable;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.hw.Page;
import dev.mmkit.api.hw.Pte;
import dev.mmkit.api.machine.VmItem;
import dev.mmkit.api.page.PageAllocator;
import dev.mmkit.buddy.BuddyProvider;
import dev.mmkit.machine.StandaloneMachine;
import dev.mmkit.paging.TestMachine;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import org.junit.jupiter.api.Test;

// Bug 4: a table allocation may reclaim, and reclaim may OOM-kill the process whose tables are
// being populated; when that process is not the current one (a sibling in Faults.mapInSiblings)
// its mm is released at once and destroyRoot frees its root. descendFull then restarts "from the
// root" (RadixPageTable's own Javadoc), i.e. from a freed frame: it links new tables into that
// frame, counts an entry in the free frame's struct page, and leaks every table it allocates.
class RootDestroyedDuringAllocationTest {
    private Runnable onAlloc;

    private StandaloneMachine machine() {
        return TestMachine.build("mmkit.machine.memory.size = 64MiB", (b, at) -> b.pageAllocator(m -> {
            PageAllocator buddy = new BuddyProvider().create(at.apply("mmkit.machine.page-allocator"), m);
            return (PageAllocator) Proxy.newProxyInstance(PageAllocator.class.getClassLoader(),
                new Class<?>[] {PageAllocator.class}, (proxy, method, args) -> {
                    if (method.getName().equals("allocPages") && onAlloc != null) {
                        Runnable r = onAlloc;
                        onAlloc = null;
                        r.run(); // what direct reclaim's OOM kill of another process does
                    }
                    try {
                        return method.invoke(buddy, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        }));
    }

    @Test
    void populateOfARootDestroyedByReclaimLeavesNothingBehind() {
        StandaloneMachine machine = machine();
        for (RadixPageTable.Format f : new RadixPageTable.Format[] {RadixPageTable.Format.X86_32,
            RadixPageTable.Format.X86_PAE, RadixPageTable.Format.X86_64, RadixPageTable.Format.X86_64_LA57}) {
            RadixPageTable pt = new RadixPageTable(f, machine);
            long before = machine.vmstat().get(VmItem.NR_PAGE_TABLE_PAGES);
            long root = pt.createRoot(1);
            long keep = pt.createRoot(2);
            pt.setPte(keep, 0x1000, Pte.make(3, Pte.P | Pte.RW | Pte.US), Page.SHIFT);
            onAlloc = () -> pt.destroyRoot(root);
            pt.populate(root, 0x40_0000, Page.SHIFT);
            assertThat(onAlloc).isNull();
            pt.verify();
            assertThat(pt.getPte(keep, 0x1000)).as(f.name()).isEqualTo(Pte.make(3, Pte.P | Pte.RW | Pte.US));
            pt.destroyRoot(keep);
            assertThat(pt.tablePages()).as(f.name() + " tables left").isZero();
            assertThat(machine.vmstat().get(VmItem.NR_PAGE_TABLE_PAGES)).as(f.name()).isEqualTo(before);
        }
    }
}
