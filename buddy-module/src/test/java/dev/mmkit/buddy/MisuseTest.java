package dev.mmkit.buddy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.mmkit.api.page.BadPageStateException;
import dev.mmkit.api.page.Gfp;
import dev.mmkit.api.page.PageAllocator;
import dev.mmkit.api.page.Zone;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

// Why: bad frees must name pfn, order and reason and leave every allocator exactly as it was (issue 3).
class MisuseTest {
    private static final String MACHINE = "mmkit.machine { memory.size = 256KiB, zones = [{ name = DMA, size = 128KiB }, { name = Normal }],"
        + " page-allocator { max-order = 5, min-free-kbytes = 0 } }";

    private PageAllocator allocator;

    /** nr_free per order and zone, free pages and per-CPU pages: what must not change. */
    private List<Long> snapshot() {
        List<Long> s = new ArrayList<>();
        for (Zone zone : allocator.zones()) {
            s.add(zone.freePages());
            s.add(zone.perCpuPages());
            for (int order = 0; order < allocator.maxOrder(); order++) {
                s.add(zone.nrFree(order));
            }
        }
        return s;
    }

    private BadPageStateException badFree(long pfn, int order) {
        List<Long> before = snapshot();
        BadPageStateException e = catchThrowableOfType(() -> allocator.freePages(pfn, order), BadPageStateException.class);
        assertThat(e).as("freeing pfn %d order %d", pfn, order).isNotNull();
        assertThat(e.pfn()).isEqualTo(pfn);
        assertThat(e.order()).isEqualTo(order);
        assertThat(snapshot()).isEqualTo(before);
        allocator.verify();
        return e;
    }

    @ParameterizedTest
    @ValueSource(strings = {"buddy", "first-fit", "best-fit", "worst-fit"})
    void doubleFreeIsRefused(String impl) {
        allocator = TestMachines.allocator(impl, MACHINE);
        long a = allocator.allocPages(Gfp.GFP_KERNEL, 2);
        long b = allocator.allocPages(Gfp.GFP_KERNEL, 2);
        allocator.freePages(a, 2);
        allocator.verify();
        assertThat(badFree(a, 2).reason()).startsWith("already free");
        assertThat(badFree(a, 2).getMessage()).isEqualTo("BUG: Bad page state: pfn 0x" + Long.toHexString(a) + " order 2: "
            + badFree(a, 2).reason());
        allocator.freePages(b, 2);
        allocator.verify();
        // after merging, the freed head may lie inside a larger free block: still "already free"
        assertThat(badFree(b, 2).reason()).startsWith("already free");
        assertThat(badFree(a, 2).reason()).startsWith("already free");
    }

    @ParameterizedTest
    @ValueSource(strings = {"buddy", "first-fit", "best-fit", "worst-fit"})
    void wrongOrderIsRefused(String impl) {
        allocator = TestMachines.allocator(impl, MACHINE);
        long a = allocator.allocPages(Gfp.GFP_KERNEL, 3);
        assertThat(badFree(a, 2).reason()).isEqualTo("allocated with order 3");
        assertThat(badFree(a, 4).reason()).isEqualTo("allocated with order 3");
        allocator.freePages(a, 3);
        allocator.verify();
    }

    @ParameterizedTest
    @ValueSource(strings = {"buddy", "first-fit", "best-fit", "worst-fit"})
    void freeingWhatWasNeverAllocatedIsRefused(String impl) {
        allocator = TestMachines.allocator(impl, MACHINE);
        long a = allocator.allocPages(Gfp.GFP_KERNEL, 3);
        // a tail page of an allocated block
        assertThat(badFree(a + 1, 0).reason()).isEqualTo("not allocated");
        assertThat(badFree(a + 2, 1).reason()).isEqualTo("not allocated");
        assertThat(badFree(a + 1, 1).reason()).isEqualTo("not allocated (not aligned to the order)");
        // a page that is free (never allocated)
        assertThat(badFree(a + 8, 0).reason()).startsWith("already free");
        // outside memory, bad order
        assertThat(badFree(64, 0).reason()).isEqualTo("outside memory (0x0-0x3f)");
        assertThat(badFree(-1, 0).reason()).isEqualTo("outside memory (0x0-0x3f)");
        assertThat(badFree(a, 5).reason()).isEqualTo("order out of range (expected: 0-4)");
        allocator.freePages(a, 3);
        allocator.verify();
        assertThat(allocator.zoneOf(a).freePages()).isEqualTo(32);
    }

    @ParameterizedTest
    @ValueSource(strings = {"buddy"})
    void doubleFreeOfAPageOnAPerCpuListIsRefused(String impl) {
        allocator = TestMachines.allocator(impl, "mmkit.machine { memory.size = 256KiB, zones = [{ name = Normal }],"
            + " page-allocator { max-order = 5, min-free-kbytes = 0, pcp { batch = 2, high = 8 } } }");
        long a = allocator.allocPages(Gfp.GFP_KERNEL, 0);
        allocator.freePages(a, 0);
        assertThat(allocator.zoneOf(a).perCpuPages()).isEqualTo(2);
        assertThat(badFree(a, 0).reason()).isEqualTo("already free (on a per-CPU list)");
        // the other page the refill put on the list was never handed out
        assertThat(badFree(a ^ 1, 0).reason()).isEqualTo("already free (on a per-CPU list)");
    }
}
