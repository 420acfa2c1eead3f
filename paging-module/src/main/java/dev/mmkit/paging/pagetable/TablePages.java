package dev.mmkit.paging.pagetable;

import dev.mmkit.api.hw.Page;
import dev.mmkit.api.machine.Machine;
import dev.mmkit.api.machine.MemMap;
import dev.mmkit.api.machine.PageFlags;
import dev.mmkit.api.machine.VmItem;
import dev.mmkit.api.page.Gfp;
import dev.mmkit.api.page.PageAllocator;

/**
 * The frames that hold page tables: allocated zeroed from the page allocator
 * ({@code GFP_KERNEL | __GFP_ZERO}, as Linux's {@code pte_alloc_one}), marked
 * {@code PG_table}, counted in {@code nr_page_table_pages}, and given a count of the entries
 * in use so that a table is freed the moment its last entry is cleared.
 *
 * <p>The counts live in one {@code int} per frame, indexed by pfn and created on first use.
 */
final class TablePages {
    private static final int GFP_PGTABLE = Gfp.GFP_KERNEL | Gfp.__GFP_ZERO;

    private final Machine machine;
    private int[] used;
    private long nrTables;
    private PageAllocator allocator;

    TablePages(Machine machine) {
        this.machine = machine;
    }

    /** A zeroed table page, or −1 when none can be had. */
    long alloc() {
        if (allocator == null) {
            allocator = machine.pageAllocator();
            used = new int[(int) machine.memMap().nrFrames()];
        }
        long pfn = allocator.allocPages(GFP_PGTABLE, 0);
        if (pfn == PageAllocator.NO_PAGE) {
            return -1;
        }
        machine.memory().clearFrame(pfn);
        machine.memMap().setFlag(pfn, PageFlags.PG_TABLE);
        machine.vmstat().inc(VmItem.NR_PAGE_TABLE_PAGES);
        used[(int) pfn] = 0;
        nrTables++;
        return pfn;
    }

    void free(long pfn) {
        MemMap memMap = machine.memMap();
        if (!memMap.testFlag(pfn, PageFlags.PG_TABLE)) {
            throw new IllegalStateException("page " + Page.hex(pfn) + ": not a page table");
        }
        memMap.clearFlag(pfn, PageFlags.PG_TABLE);
        used[(int) pfn] = 0;
        machine.memory().clearFrame(pfn);
        allocator.freePages(pfn, 0);
        machine.vmstat().add(VmItem.NR_PAGE_TABLE_PAGES, -1);
        nrTables--;
    }

    boolean isTable(long pfn) {
        return machine.memMap().testFlag(pfn, PageFlags.PG_TABLE);
    }

    int used(long pfn) {
        return used[(int) pfn];
    }

    /** Adds {@code delta} to a table's entry count, returning the new count. */
    int addUsed(long pfn, int delta) {
        return used[(int) pfn] += delta;
    }

    long nrTables() {
        return nrTables;
    }
}
