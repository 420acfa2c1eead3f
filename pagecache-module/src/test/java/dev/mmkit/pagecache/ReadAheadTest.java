package dev.mmkit.pagecache;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

// mm/readahead.c's on-demand windows: 4, 8, 16, 32... pages for a sequential reader with 128KiB max, none for random ones.
class ReadAheadTest {
    /** The windows requested, as {start, size, marker}. */
    private final List<long[]> requests = new ArrayList<>();

    private long reader(long start, long size, long marker) {
        requests.add(new long[] {start, size, marker});
        return size;
    }

    @Test
    void initialAndNextSizesAreLinuxs() {
        // get_init_ra_size with max 32: 1 → 4 (≤ max/32: ×4), 3 → 4 → 8 (≤ max/4: ×2), 16 → 32 (> max/4: max)
        assertThat(ReadAhead.initSize(1, 32)).isEqualTo(4);
        assertThat(ReadAhead.initSize(3, 32)).isEqualTo(8);
        assertThat(ReadAhead.initSize(16, 32)).isEqualTo(32);
        // get_next_ra_size with max 32: 1 → 4 (< max/16), 4 → 8 (≤ max/2), 16 → 32, 20 → 32 (max)
        assertThat(ReadAhead.nextSize(1, 32)).isEqualTo(4);
        assertThat(ReadAhead.nextSize(4, 32)).isEqualTo(8);
        assertThat(ReadAhead.nextSize(16, 32)).isEqualTo(32);
        assertThat(ReadAhead.nextSize(20, 32)).isEqualTo(32);
    }

    @Test
    void aSequentialReaderGetsGrowingWindowsAheadOfIt() {
        ReadAhead ra = new ReadAhead(32);
        // a one-page reader walks the file; the cache calls onDemand on a miss or on the marker
        long cachedEnd = 0;
        long marker = -1;
        for (long index = 0; index < 100; index++) {
            if (index >= cachedEnd || index == marker) {
                ra.onDemand(index, 1, index == marker, this::reader);
                long[] w = requests.get(requests.size() - 1);
                cachedEnd = w[0] + w[1];
                marker = w[2];
            }
            ra.accessed(index);
        }
        // [0,4) marker 1; then at each marker (1, 4, 12, 28, 60, 92) the next window: 8, 16, 32, 32... pages
        assertThat(requests).extracting(w -> w[0] + "+" + w[1] + "@" + w[2])
            .containsExactly("0+4@1", "4+8@4", "12+16@12", "28+32@28", "60+32@60", "92+32@92", "124+32@124");
        assertThat(ra.asyncHits).isEqualTo(6);
        assertThat(ra.randomReads).isZero();
        assertThat(ra.pagesReadAhead).isEqualTo(3 + 8 + 16 + 32 + 32 + 32 + 32);
    }

    @Test
    void randomAccessCollapsesTheWindow() {
        ReadAhead ra = new ReadAhead(32);
        ra.onDemand(0, 1, false, this::reader);
        ra.onDemand(1, 1, true, this::reader);
        assertThat(ra.size).isEqualTo(8);
        ra.onDemand(500, 1, false, this::reader);
        assertThat(requests.get(2)).containsExactly(500, 1, -1);
        assertThat(ra.size).isZero();
        assertThat(ra.randomReads).isEqualTo(1);
        // the page after a random read starts a new stream: an initial window there
        ra.onDemand(501, 1, false, this::reader);
        assertThat(requests.get(3)[0]).isEqualTo(501);
        assertThat(requests.get(3)[1]).isEqualTo(4);
    }

    @Test
    void theMaximumIsConfigurable() {
        ReadAhead ra = new ReadAhead(8);
        long marker = -1;
        long end = 0;
        for (long index = 0; index < 64; index++) {
            if (index >= end || index == marker) {
                ra.onDemand(index, 1, index == marker, this::reader);
                long[] w = requests.get(requests.size() - 1);
                end = w[0] + w[1];
                marker = w[2];
            }
            ra.accessed(index);
        }
        // init 1 → 2 (≤ 8/4: ×2); next sizes 2 → 4 (≤ max/2), 4 → 8, then 8 (max)
        assertThat(requests).extracting(w -> w[1]).startsWith(2L, 4L, 8L, 8L);
        assertThat(requests).allMatch(w -> w[1] <= 8);
        // no read-ahead at all
        requests.clear();
        ReadAhead none = new ReadAhead(0);
        none.onDemand(0, 3, false, this::reader);
        assertThat(requests.get(0)).containsExactly(0, 3, -1);
    }
}
