package dev.mmkit.paging.pagetable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

// The inverted table's entry pool grows by a frame when setPte finds it exhausted: that
// allocation may fail (no memory) or reclaim (and so change the table, even destroy the very
// context being installed into, as an OOM kill of another process does). Bug: after an
// allocation that destroyed the context, setPte installed the entry anyway, into a dead context
// that the next createRoot hands out again, with the stale mapping in it.
class InvertedPoolGrowthTest {
    private static final long USER_RW = Pte.P | Pte.RW | Pte.US;
    private Runnable onAlloc;
    private boolean noMemory;

    private StandaloneMachine machine() {
        return TestMachine.build("mmkit.machine.memory.size = 1MiB\nmmkit.machine.zones = [ { name = Normal } ]", (b, at) -> b.pageAllocator(m -> {
            PageAllocator buddy = new BuddyProvider().create(at.apply("mmkit.machine.page-allocator"), m);
            return (PageAllocator) Proxy.newProxyInstance(PageAllocator.class.getClassLoader(),
                new Class<?>[] {PageAllocator.class}, (proxy, method, args) -> {
                    if (method.getName().equals("allocPages")) {
                        if (onAlloc != null) {
                            Runnable r = onAlloc;
                            onAlloc = null;
                            r.run(); // what direct reclaim does: unmap pages, OOM-kill a process
                        }
                        if (noMemory) {
                            return PageAllocator.NO_PAGE;
                        }
                    }
                    try {
                        return method.invoke(buddy, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        }));
    }

    /** Fills the pool of {@code pt} with entries of {@code root}; returns how many. */
    private static int fill(InvertedPageTable pt, long root) {
        int n = 0;
        while (pt.nrUsed() < pt.poolSize()) {
            pt.setPte(root, (0x100L + n) << Page.SHIFT, Pte.make(1 + n, USER_RW), Page.SHIFT);
            n++;
        }
        return n;
    }

    @Test
    void noFrameForTheGrowthIsTheDocumentedErrorAndChangesNothing() {
        StandaloneMachine machine = machine();
        InvertedPageTable pt = new InvertedPageTable(machine);
        long root = pt.createRoot(1);
        int n = fill(pt, root);
        long tables = pt.tablePages();
        noMemory = true;
        assertThatThrownBy(() -> pt.setPte(root, 0x7000_0000L, Pte.make(5, USER_RW), Page.SHIFT))
            .isInstanceOf(IllegalStateException.class).hasMessageContaining("inverted page table");
        assertThat(pt.populate(root, 0x7000_0000L, Page.SHIFT)).isFalse();
        pt.verify();
        assertThat(pt.getPte(root, 0x7000_0000L)).isZero();
        assertThat(pt.tablePages()).isEqualTo(tables);
        assertThat(machine.vmstat().get(VmItem.NR_PAGE_TABLE_PAGES)).isEqualTo(tables);
        for (int i = 0; i < n; i++) {
            assertThat(Pte.pfn(pt.getPte(root, (0x100L + i) << Page.SHIFT))).isEqualTo(1 + i);
        }
        noMemory = false;
        pt.setPte(root, 0x7000_0000L, Pte.make(5, USER_RW), Page.SHIFT);
        pt.verify();
        assertThat(pt.poolSize()).isEqualTo(n + InvertedPageTable.ENTRIES_PER_FRAME);
    }

    @Test
    void reclaimDuringTheGrowthKeepsOtherMappings() {
        StandaloneMachine machine = machine();
        InvertedPageTable pt = new InvertedPageTable(machine);
        long root = pt.createRoot(1);
        long other = pt.createRoot(2);
        pt.setPte(other, 0x5000, Pte.make(9, USER_RW), Page.SHIFT);
        int n = fill(pt, root);
        // reclaim unmaps two pages of this context and kills the other process meanwhile
        onAlloc = () -> {
            pt.setPte(root, 0x100L << Page.SHIFT, 0, Page.SHIFT);
            pt.setPte(root, 0x101L << Page.SHIFT, Pte.swapEntry(0, 3), Page.SHIFT);
            pt.destroyRoot(other);
        };
        pt.setPte(root, 0x7000_0000L, Pte.make(5, USER_RW), Page.SHIFT);
        assertThat(onAlloc).isNull();
        pt.verify();
        assertThat(Pte.pfn(pt.getPte(root, 0x7000_0000L))).isEqualTo(5);
        assertThat(pt.getPte(root, 0x100L << Page.SHIFT)).isZero();
        assertThat(pt.getPte(root, 0x101L << Page.SHIFT)).isEqualTo(Pte.swapEntry(0, 3));
        for (int i = 2; i < n; i++) {
            assertThat(Pte.pfn(pt.getPte(root, (0x100L + i) << Page.SHIFT))).isEqualTo(1 + i);
        }
    }

    @Test
    void aContextDestroyedWhileThePoolGrewGetsNoEntry() {
        StandaloneMachine machine = machine();
        InvertedPageTable pt = new InvertedPageTable(machine);
        long keep = pt.createRoot(1);
        long root = pt.createRoot(2);
        fill(pt, keep);
        long used = pt.nrUsed();
        onAlloc = () -> pt.destroyRoot(root); // reclaim OOM-killed the process (not the current one)
        assertThatThrownBy(() -> pt.setPte(root, 0x4000, Pte.make(7, USER_RW), Page.SHIFT))
            .isInstanceOf(IllegalStateException.class).hasMessageContaining("destroyed");
        assertThat(onAlloc).isNull();
        pt.verify();
        assertThat(pt.nrUsed()).isEqualTo(used);
        // the context is handed out again: the new address space must start empty
        long reused = pt.createRoot(3);
        assertThat(reused).isEqualTo(root);
        assertThat(pt.getPte(reused, 0x4000)).isZero();
        pt.verify();
    }
}
