package dev.mmkit.buddy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.page.PageAllocator;
import org.junit.jupiter.api.Test;

// Bug: numbers the page-allocator block accepts overflow in the derived values.
class PcpBatchOverflowTest {
    /**
     * pcp.batch is accepted up to Integer.MAX_VALUE and pcp.high = auto is 6 * batch in an
     * int: batch = 400000000 gives high = -1894967296, printed as is in /proc/zoneinfo.
     */
    @Test
    void hugePcpBatchIsRefusedOrGivesPositiveHigh() {
        String hocon = "mmkit.machine { memory.size = 1MiB, zones = [{ name = Normal }],"
            + " page-allocator { pcp { batch = 400000000 } } }";
        PageAllocator a;
        try {
            a = TestMachines.allocator("buddy", hocon);
        } catch (RuntimeException refused) {
            assertThat(refused.getMessage()).contains("batch");
            return;
        }
        assertThat(a.zones().get(1).perCpuHigh()).as("pcp high").isGreaterThanOrEqualTo(a.zones().get(1).perCpuBatch());
    }
}
