package dev.mmkit.machine;

// Why: mem_map carries page state between subsystems; its flag operations, reference
// counts and reset must behave as struct page's do, and bad pfns must be named.

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mmkit.api.machine.PageFlags;
import org.junit.jupiter.api.Test;

class ArrayMemMapTest {
    private final ArrayMemMap memMap = new ArrayMemMap(16);

    @Test
    void flagsAreIndependentBitsPerFrame() {
        memMap.setFlag(3, PageFlags.PG_LRU);
        memMap.setFlag(3, PageFlags.PG_DIRTY);
        assertThat(memMap.testFlag(3, PageFlags.PG_LRU)).isTrue();
        assertThat(memMap.testFlag(4, PageFlags.PG_LRU)).isFalse();
        assertThat(memMap.testAndClearFlag(3, PageFlags.PG_DIRTY)).isTrue();
        assertThat(memMap.testAndClearFlag(3, PageFlags.PG_DIRTY)).isFalse();
        assertThat(memMap.testAndSetFlag(3, PageFlags.PG_ACTIVE)).isFalse();
        assertThat(memMap.testAndSetFlag(3, PageFlags.PG_ACTIVE)).isTrue();
        memMap.clearFlag(3, PageFlags.PG_LRU);
        assertThat(memMap.flags(3)).isEqualTo(PageFlags.PG_ACTIVE);
        assertThat(PageFlags.describe(PageFlags.PG_UPTODATE | PageFlags.PG_LRU)).isEqualTo("0x28(uptodate|lru)");
    }

    @Test
    void getAndPutPageCountReferences() {
        assertThat(memMap.getPage(5)).isEqualTo(1);
        assertThat(memMap.getPage(5)).isEqualTo(2);
        assertThat(memMap.putPage(5)).isEqualTo(1);
        assertThat(memMap.putPage(5)).isZero();
        assertThatThrownBy(() -> memMap.putPage(5))
            .isInstanceOf(IllegalStateException.class)
            .hasMessage("page 0x5: put_page on a page with refcount 0");
    }

    @Test
    void resetClearsEveryField() {
        memMap.setFlag(7, PageFlags.PG_ANON);
        memMap.setRefcount(7, 3);
        memMap.setMapcount(7, 2);
        memMap.setMapping(7, 99);
        memMap.setIndex(7, 0x7fffL);
        memMap.setPrivateData(7, -1L);
        assertThat(memMap.mapping(7)).isEqualTo(99);
        assertThat(memMap.index(7)).isEqualTo(0x7fffL);
        assertThat(memMap.privateData(7)).isEqualTo(-1L);
        assertThat(memMap.mapcount(7)).isEqualTo(2);
        memMap.reset(7);
        assertEveryFieldZero(7);
    }

    private void assertEveryFieldZero(long pfn) {
        assertThat(memMap.flags(pfn)).isZero();
        assertThat(memMap.refcount(pfn)).isZero();
        assertThat(memMap.mapcount(pfn)).isZero();
        assertThat(memMap.mapping(pfn)).isZero();
        assertThat(memMap.index(pfn)).isZero();
        assertThat(memMap.privateData(pfn)).isZero();
    }

    @Test
    void outOfRangePfnsAreNamed() {
        assertThat(memMap.nrFrames()).isEqualTo(16);
        assertThatThrownBy(() -> memMap.flags(16))
            .isInstanceOf(IndexOutOfBoundsException.class)
            .hasMessage("pfn 0x10 outside memory (0x0-0xf)");
        assertThatThrownBy(() -> memMap.setRefcount(-1, 1)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void coldFieldsShareAWordWithoutDisturbingEachOther() {
        memMap.setMapping(9, -7);
        memMap.setMapcount(9, -1);
        assertThat(memMap.mapping(9)).isEqualTo(-7);
        assertThat(memMap.mapcount(9)).isEqualTo(-1);
        memMap.setMapcount(9, 0x7fff_ffff);
        memMap.setMapping(9, 0);
        assertThat(memMap.mapcount(9)).isEqualTo(0x7fff_ffff);
        assertThat(memMap.mapping(9)).isZero();
        assertThat(memMap.mapcount(8)).isZero();
        assertThat(memMap.mapcount(10)).isZero();
    }

    @Test
    void coldFieldsCostNothingUntilAChunkIsWritten() {
        ArrayMemMap big = new ArrayMemMap(1 << 20);
        assertThat(big.coldChunks()).isZero();
        assertThat(big.index(123_456)).isZero();
        big.reset(123_456);
        assertThat(big.coldChunks()).isZero();
        big.setIndex(123_456, 42);
        big.setPrivateData(123_457, 43);
        assertThat(big.coldChunks()).isEqualTo(1);
        assertThat(big.index(123_456)).isEqualTo(42);
        assertThat(big.privateData(123_457)).isEqualTo(43);
        assertThat(big.privateData(123_456)).isZero();
        assertThat(big.index((1 << 20) - 1)).isZero();
        big.reset(123_456);
        assertThat(big.index(123_456)).isZero();
        assertThat(big.privateData(123_457)).isEqualTo(43);
    }

    @Test
    void setPageReplacesEveryFieldAndResetUndoesIt() {
        memMap.setFlag(6, PageFlags.PG_DIRTY | PageFlags.PG_LRU);
        memMap.setMapcount(6, 5);
        memMap.setFlag(5, PageFlags.PG_LRU);
        memMap.setIndex(7, 77);
        memMap.setPage(6, PageFlags.PG_ANON | PageFlags.PG_SWAPCACHE, 2, 1, -9, 0x1234_5678_9aL, -3L);
        // flags are replaced, not ORed into the old ones
        assertThat(memMap.flags(6)).isEqualTo(PageFlags.PG_ANON | PageFlags.PG_SWAPCACHE);
        assertThat(memMap.refcount(6)).isEqualTo(2);
        assertThat(memMap.mapcount(6)).isEqualTo(1);
        assertThat(memMap.mapping(6)).isEqualTo(-9);
        assertThat(memMap.index(6)).isEqualTo(0x1234_5678_9aL);
        assertThat(memMap.privateData(6)).isEqualTo(-3L);
        // the neighbours' fields, in the same words' runs, are untouched
        assertThat(memMap.flags(5)).isEqualTo(PageFlags.PG_LRU);
        assertThat(memMap.index(7)).isEqualTo(77);
        assertThat(memMap.mapcount(7)).isZero();
        memMap.reset(6);
        assertEveryFieldZero(6);
        assertThatThrownBy(() -> memMap.setPage(16, 0, 1, 0, 0, 0, 0))
            .isInstanceOf(IndexOutOfBoundsException.class)
            .hasMessage("pfn 0x10 outside memory (0x0-0xf)");
    }
}
