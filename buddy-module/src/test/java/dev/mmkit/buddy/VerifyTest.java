package dev.mmkit.buddy;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mmkit.api.page.Gfp;
import java.lang.reflect.Field;
import org.junit.jupiter.api.Test;

// Why: verify() is what every other test leans on, so each invariant it checks must be shown to fire.
class VerifyTest {
    private static Object field(Object target, Class<?> owner, String name) throws ReflectiveOperationException {
        Field f = owner.getDeclaredField(name);
        f.setAccessible(true);
        return f.get(target);
    }

    /** Overwrites the state word of frame {@code pfn}'s node record (next, prev, state). */
    private static void setState(BuddyAllocator buddy, int pfn, int state) throws ReflectiveOperationException {
        ((int[]) field(buddy, BuddyAllocator.class, "node"))[3 * pfn + 2] = state;
    }

    private static BuddyAllocator fresh() {
        BuddyAllocator buddy = TestMachines.buddy(TestMachines.plain(16, 5));
        buddy.verify();
        return buddy;
    }

    @Test
    void nrFreeThatDisagreesWithTheListIsCaught() throws Exception {
        BuddyAllocator buddy = fresh();
        ((long[]) field(buddy, BuddyAllocator.class, "nrFree"))[5 + 4]++;
        assertThatThrownBy(buddy::verify).hasMessage("zone Normal: nr_free[4] = 2 but the list holds 1");
    }

    @Test
    void freePagesThatDisagreeAreCaught() throws Exception {
        BuddyAllocator buddy = fresh();
        ((long[]) field(buddy, ZonedPageAllocator.class, "freePages"))[1]--;
        assertThatThrownBy(buddy::verify).hasMessage("zone Normal: free pages 15 but the free areas hold 16");
    }

    @Test
    void unmergedBuddiesAreCaught() throws Exception {
        // free two buddies lazily (parked unmerged), then look at the result as an eager allocator
        BuddyAllocator buddy = TestMachines.buddy("mmkit.machine { memory.size = 64KiB, zones = [{ name = Normal }],"
            + " page-allocator { max-order = 5, min-free-kbytes = 0, pcp.high = 0, merge = lazy } }");
        long a = buddy.allocPages(Gfp.GFP_KERNEL, 0);
        long b = buddy.allocPages(Gfp.GFP_KERNEL, 0);
        buddy.freePages(a, 0);
        buddy.freePages(b, 0);
        buddy.verify();
        Field lazy = BuddyAllocator.class.getDeclaredField("lazy");
        lazy.setAccessible(true);
        lazy.setBoolean(buddy, false);
        assertThatThrownBy(buddy::verify).hasMessage("zone Normal: free buddies 0x0 and 0x1 of order 0 not merged");
    }

    @Test
    void aLeakedPageIsCaught() throws Exception {
        BuddyAllocator buddy = fresh();
        long a = buddy.allocPages(Gfp.GFP_KERNEL, 0);
        setState(buddy, (int) a, 0);
        assertThatThrownBy(buddy::verify)
            .hasMessage("zone Normal: free 15 + allocated 0 + per-CPU 0 = 15 (expected: the zone's 16 pages)");
    }

    @Test
    void aMisalignedFreeBlockIsCaught() throws Exception {
        BuddyAllocator buddy = fresh();
        buddy.allocPages(Gfp.GFP_KERNEL, 3);
        // the free order-3 block at 8 claims order 2 and the wrong alignment
        setState(buddy, 8, 0x20 | 4);
        assertThatThrownBy(buddy::verify).hasMessageContaining("zone Normal: page 0x8 on free area 3 has state 0x24");
    }
}
