package dev.mmkit.paging.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mmkit.api.machine.VmItem;
import dev.mmkit.api.workload.Mman;
import dev.mmkit.machine.StandaloneMachine;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

// Regression: a first touch of a shared anonymous page maps it in the sibling VMAs too
// (mapInSiblings), populating the sibling's tables first; when that allocation OOM-kills the
// faulting process (whose page then goes), mapInSiblings returned and left the sibling's
// freshly allocated tables empty: pt.verify() "is empty but was not freed", nr_page_table_pages high.
class SiblingTableLeakTest {
    private static final int RW = Mman.PROT_READ | Mman.PROT_WRITE;
    private static final long PRIVATE = 0x1000_0000L;
    private static final long SHARED = 0x4000_0000_00L; // its own 512 GiB region: the sibling needs three tables

    @ParameterizedTest
    @ValueSource(strings = {"x86-64", "x86-32", "x86-pae", "x86-64-la57"})
    void siblingKeepsNoEmptyTableWhenTheFaultingProcessIsKilled(String format) {
        long shared = format.startsWith("x86-64") ? SHARED : 0x8000_0000L;
        int hits = 0;
        // fill memory with the parent's private pages by n, then touch the shared page: for some n
        // the sibling's table allocation is the one that finds memory exhausted
        for (int n = 0; n < 256; n++) {
            StandaloneMachine machine = Machines.small("1MiB", "0", "mmkit.machine.page-table.impl = " + format);
            LinuxMemoryManager k = Machines.mm(machine);
            int parent = k.spawn("parent");
            assertEquals(PRIVATE, k.mmap(parent, PRIVATE, 256 * 4096L, RW, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS | Mman.MAP_FIXED, -1, 0));
            assertEquals(shared, k.mmap(parent, shared, 4096, RW, Mman.MAP_SHARED | Mman.MAP_ANONYMOUS | Mman.MAP_FIXED, -1, 0));
            int child = k.fork(parent);
            assertTrue(child > 0);
            for (int i = 0; i < n && k.alive(parent); i++) {
                k.store(parent, PRIVATE + i * 4096L, 8, i);
            }
            if (!k.alive(parent)) {
                break;
            }
            k.store(parent, shared, 8, 42);
            String ctx = format + " n " + n + " parent alive " + k.alive(parent) + " child alive " + k.alive(child);
            if (!k.alive(parent) && k.alive(child)) {
                hits++;
                // the child maps nothing (the page went with the parent): it has no table but its root
                assertEquals(1, machine.vmstat().get(VmItem.NR_PAGE_TABLE_PAGES), ctx + ": nr_page_table_pages");
            }
            try {
                k.verify();
            } catch (IllegalStateException e) {
                throw new AssertionError(ctx + ": " + e.getMessage(), e);
            }
        }
        assertTrue(hits > 0, format + ": the parent was never killed by the shared fault");
    }
}
