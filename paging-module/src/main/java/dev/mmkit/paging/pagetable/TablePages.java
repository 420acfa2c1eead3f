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
 * <p>A table's count lives in its own {@code struct page}, in the private field (Linux, too,
 * keeps page-table state in the table page's {@code struct page}, its {@code ptdesc}), so a
 * machine pays nothing per frame for it; the field is cleared again before the frame is freed.
 */
final class TablePages {
    private static final int GFP_PGTABLE = Gfp.GFP_KERNEL | Gfp.__GFP_ZERO;

    private final Machine machine;
    private final MemMap memMap;
    private long nrTables;
    private PageAllocator allocator;

    TablePages(Machine machine) {
        this.machine = machine;
        this.memMap = machine.memMap();
    }

    /** A zeroed table page, or −1 when none can be had. */
    long alloc() {
        if (allocator == null) {
            allocator = machine.pageAllocator();
        }
        long pfn = allocator.allocPages(GFP_PGTABLE, 0);
        if (pfn == PageAllocator.NO_PAGE) {
            return -1;
        }
        machine.memory().clearFrame(pfn);
        memMap.setFlag(pfn, PageFlags.PG_TABLE);
        memMap.setPrivateData(pfn, 0);
        machine.vmstat().inc(VmItem.NR_PAGE_TABLE_PAGES);
        nrTables++;
        return pfn;
    }

    void free(long pfn) {
        if (!memMap.testFlag(pfn, PageFlags.PG_TABLE)) {
            throw new IllegalStateException("page " + Page.hex(pfn) + ": not a page table");
        }
        memMap.clearFlag(pfn, PageFlags.PG_TABLE);
        memMap.setPrivateData(pfn, 0);
        machine.memory().clearFrame(pfn);
        allocator.freePages(pfn, 0);
        machine.vmstat().add(VmItem.NR_PAGE_TABLE_PAGES, -1);
        nrTables--;
    }

    boolean isTable(long pfn) {
        return memMap.testFlag(pfn, PageFlags.PG_TABLE);
    }

    int used(long pfn) {
        return (int) memMap.privateData(pfn);
    }

    /** Adds {@code delta} to a table's entry count, returning the new count. */
    int addUsed(long pfn, int delta) {
        int used = (int) memMap.privateData(pfn) + delta;
        memMap.setPrivateData(pfn, used);
        return used;
    }

    long nrTables() {
        return nrTables;
    }
}
