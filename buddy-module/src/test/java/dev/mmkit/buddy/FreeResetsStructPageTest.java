package dev.mmkit.buddy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.machine.MemMap;
import dev.mmkit.api.machine.PageFlags;
import dev.mmkit.api.page.Gfp;
import dev.mmkit.api.page.PageAllocator;
import dev.mmkit.machine.StandaloneMachine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

// Why: PageAllocator's contract says freePages resets the freed frames' struct page, as
// Linux's free_pages_prepare does; the memory manager frees evicted pages without clearing
// their mapping, index, private, counts and flags first, and relies on it.
class FreeResetsStructPageTest {
    private static final String MACHINE = "mmkit.machine { memory.size = 256KiB, zones = [{ name = Normal }],"
        + " page-allocator { max-order = 5, min-free-kbytes = 0 } }";
    /** Every flag a user page can carry into its free. */
    private static final int USER_FLAGS = PageFlags.PG_ANON | PageFlags.PG_SWAPBACKED | PageFlags.PG_UPTODATE
        | PageFlags.PG_SWAPCACHE | PageFlags.PG_DIRTY | PageFlags.PG_REFERENCED | PageFlags.PG_ACTIVE;

    private static void dirty(MemMap memMap, long pfn) {
        memMap.setFlag(pfn, USER_FLAGS);
        memMap.setRefcount(pfn, 3);
        memMap.setMapcount(pfn, 2);
        memMap.setMapping(pfn, 7);
        memMap.setIndex(pfn, 0x1234);
        memMap.setPrivateData(pfn, 99);
    }

    /** The frame's fields, its flags other than the allocator's own PG_buddy. */
    private static String fields(MemMap memMap, long pfn) {
        return "flags " + (memMap.flags(pfn) & ~PageFlags.PG_BUDDY) + " refcount " + memMap.refcount(pfn)
            + " mapcount " + memMap.mapcount(pfn) + " mapping " + memMap.mapping(pfn) + " index " + memMap.index(pfn)
            + " private " + memMap.privateData(pfn);
    }

    @ParameterizedTest
    @ValueSource(strings = {"buddy", "first-fit", "best-fit", "worst-fit"})
    void freeingResetsEveryFrameOfTheBlock(String impl) {
        StandaloneMachine machine = TestMachines.machine(impl, MACHINE, null);
        PageAllocator allocator = machine.pageAllocator();
        MemMap memMap = machine.memMap();
        long pfn = allocator.allocPages(Gfp.GFP_KERNEL, 2);
        for (long p = pfn; p < pfn + 4; p++) {
            dirty(memMap, p);
        }
        allocator.freePages(pfn, 2);
        for (long p = pfn; p < pfn + 4; p++) {
            assertThat(fields(memMap, p)).as("frame %d after its free", p - pfn)
                .isEqualTo("flags 0 refcount 0 mapcount 0 mapping 0 index 0 private 0");
        }
        allocator.verify();
        // allocated again: refcount 1 on the first frame, nothing else anywhere, PG_buddy included
        long again = allocator.allocPages(Gfp.GFP_KERNEL, 2);
        for (long p = again; p < again + 4; p++) {
            assertThat(memMap.flags(p)).as("frame %d's flags allocated again", p - again).isZero();
            assertThat(fields(memMap, p)).as("frame %d allocated again", p - again)
                .isEqualTo("flags 0 refcount " + (p == again ? 1 : 0) + " mapcount 0 mapping 0 index 0 private 0");
        }
    }

    @Test
    void anOrderZeroPageComesBackCleanThroughThePerCpuList() {
        StandaloneMachine machine = TestMachines.machine("buddy", MACHINE, null);
        PageAllocator allocator = machine.pageAllocator();
        MemMap memMap = machine.memMap();
        long pfn = allocator.allocPages(Gfp.GFP_HIGHUSER_MOVABLE, 0);
        dirty(memMap, pfn);
        allocator.freePages(pfn, 0);
        // the per-CPU list hands the page just freed out again (hot first)
        assertThat(allocator.allocPages(Gfp.GFP_HIGHUSER_MOVABLE, 0)).isEqualTo(pfn);
        assertThat(fields(memMap, pfn)).isEqualTo("flags 0 refcount 1 mapcount 0 mapping 0 index 0 private 0");
        allocator.verify();
    }
}
