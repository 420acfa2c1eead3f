package dev.mmkit.buddy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.page.Gfp;
import dev.mmkit.api.page.PageAllocator;
import dev.mmkit.api.page.Watermark;
import dev.mmkit.api.page.Zone;
import org.junit.jupiter.api.Test;

// Bug: numbers the page-allocator block accepts overflow in the derived values.
class MinFreeKbytesOverflowTest {
    /**
     * min-free-kbytes is accepted up to Long.MAX_VALUE, but __setup_per_zone_wmarks multiplies
     * pages_min by the zone's managed pages in a long: 2^57 KiB = 2^55 pages, times 256 pages
     * = 2^63, which wraps to Long.MIN_VALUE; the zone's min watermark comes out negative and a
     * reserve larger than memory lets every allocation through. (Linux's min_free_kbytes is an
     * int, sysctl range 0..INT_MAX, and the product is u64.)
     */
    @Test
    void hugeMinFreeKbytesIsRefusedOrGivesNonNegativeWatermarks() {
        String hocon = "mmkit.machine { memory.size = 1MiB, zones = [{ name = Normal }],"
            + " page-allocator { min-free-kbytes = 144115188075855872, pcp.high = 0 } }";
        PageAllocator a;
        try {
            a = TestMachines.allocator("buddy", hocon);
        } catch (RuntimeException refused) {
            assertThat(refused.getMessage()).contains("min-free-kbytes");
            return;
        }
        Zone normal = a.zones().get(1);
        assertThat(normal.watermark(Watermark.MIN)).as("min watermark").isGreaterThanOrEqualTo(0);
        // a reserve far beyond memory: the zone is below min, a plain allocation fails
        assertThat(a.allocPages(Gfp.GFP_NOWAIT, 0)).isEqualTo(PageAllocator.NO_PAGE);
    }
}
