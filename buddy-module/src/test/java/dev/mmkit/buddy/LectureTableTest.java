package dev.mmkit.buddy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.page.Gfp;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import org.junit.jupiter.api.Test;

// The golden test of issue 3: the lecture's buddy table, row by row, drawn from the allocator's own state.
class LectureTableTest {
    /**
     * The lecture's 1024K region in 64K units: one unit is one frame, so the region is a
     * 16-frame zone and orders 0-4 (64K-1024K). A 34K and C 35K take one unit (order 0),
     * B 66K and D 67K two units (order 1).
     */
    @Test
    void reproducesEveryRowOfTheLectureTable() {
        BuddyAllocator buddy = TestMachines.buddy(TestMachines.plain(16, 5));
        Map<Long, String> names = new HashMap<>();
        StringBuilder rows = new StringBuilder();
        rows.append(row(0, buddy, names));
        long a = alloc(buddy, names, "A", 0);
        rows.append(row(1, buddy, names));
        long b = alloc(buddy, names, "B", 1);
        rows.append(row(2, buddy, names));
        long c = alloc(buddy, names, "C", 0);
        rows.append(row(3, buddy, names));
        long d = alloc(buddy, names, "D", 1);
        rows.append(row(4, buddy, names));
        free(buddy, names, c, 0);
        rows.append(row(5, buddy, names));
        free(buddy, names, a, 0);
        rows.append(row(6, buddy, names));
        free(buddy, names, b, 1);
        rows.append(row(7, buddy, names));
        free(buddy, names, d, 1);
        rows.append(row(8, buddy, names));

        assertThat(rows.toString()).isEqualTo(""
            + "t=0  1024K\n"
            + "t=1  A-64K 64K 128K 256K 512K\n"
            + "t=2  A-64K 64K B-128K 256K 512K\n"
            + "t=3  A-64K C-64K B-128K 256K 512K\n"
            + "t=4  A-64K C-64K B-128K D-128K 128K 512K\n"
            + "t=5  A-64K 64K B-128K D-128K 128K 512K\n"
            + "t=6  128K B-128K D-128K 128K 512K\n"
            + "t=7  256K D-128K 128K 512K\n"
            + "t=8  1024K\n");
    }

    private static long alloc(BuddyAllocator buddy, Map<Long, String> names, String name, int order) {
        long pfn = buddy.allocPages(Gfp.GFP_KERNEL, order);
        assertThat(pfn).isNotNegative();
        names.put(pfn, name);
        buddy.verify();
        return pfn;
    }

    private static void free(BuddyAllocator buddy, Map<Long, String> names, long pfn, int order) {
        buddy.freePages(pfn, order);
        names.remove(pfn);
        buddy.verify();
    }

    /** One row: each block in address order, "64K" when free, "A-64K" when allocated. */
    private static String row(int t, BuddyAllocator buddy, Map<Long, String> names) {
        List<long[]> blocks = buddy.layout(1);
        StringJoiner row = new StringJoiner(" ", "t=" + t + "  ", "\n");
        for (long[] block : blocks) {
            String size = (64 << block[1]) + "K";
            row.add(block[2] == 0 ? size : names.get(block[0]) + "-" + size);
        }
        return row.toString();
    }
}
