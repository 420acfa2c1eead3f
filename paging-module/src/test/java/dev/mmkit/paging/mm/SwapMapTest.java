package dev.mmkit.paging.mm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

// The swap slot allocator: slot 0 reserved, a cursor that hands out consecutive slots and wraps, full is -1.
class SwapMapTest {
    @Test
    void slotsComeInOrderFromTheCursorAndWrap() {
        SwapMap map = new SwapMap(200);
        assertThat(map.totalPages()).isEqualTo(199);
        assertThat(map.allocSlot()).isEqualTo(1);
        assertThat(map.allocSlot()).isEqualTo(2);
        assertThat(map.allocSlot()).isEqualTo(3);
        assertThat(map.freeIfUnused(1)).isTrue();
        // the cursor goes on: 4, not the freed 1
        assertThat(map.allocSlot()).isEqualTo(4);
        for (int i = 5; i < 200; i++) {
            assertThat(map.allocSlot()).isEqualTo(i);
        }
        assertThat(map.allocSlot()).isEqualTo(1);
        assertThat(map.allocSlot()).isEqualTo(-1);
        assertThat(map.freePages()).isZero();
        map.verify();
    }

    @Test
    void aSlotWithReferencesOrACachedPageStays() {
        SwapMap map = new SwapMap(8);
        long s = map.allocSlot();
        map.addCount(s, 2);
        map.setCachePfn(s, 17);
        assertThat(map.freeIfUnused(s)).isFalse();
        map.addCount(s, -2);
        assertThat(map.freeIfUnused(s)).isFalse();
        assertThat(map.cachePfn(s)).isEqualTo(17);
        map.setCachePfn(s, -1);
        assertThat(map.freeIfUnused(s)).isTrue();
        assertThatThrownBy(() -> map.addCount(s, 1)).hasMessage("swap slot 1: not in use");
        map.verify();
    }

    // Counts well past what one byte holds (Linux's swap_map keeps up to SWAP_MAP_MAX = 62 in
    // its byte and continues the rest elsewhere) come back exactly, with the cached pfn untouched.
    @Test
    void aCountPastOneBytesRangeComesBackExactly() {
        SwapMap map = new SwapMap(8);
        long s = map.allocSlot();
        assertThat(map.addCount(s, 62)).isEqualTo(62);
        assertThat(map.addCount(s, 1)).isEqualTo(63);
        assertThat(map.addCount(s, 1000)).isEqualTo(1063);
        assertThat(map.count(s)).isEqualTo(1063);
        map.setCachePfn(s, 5);
        assertThat(map.count(s)).isEqualTo(1063);
        map.verify();
        assertThat(map.addCount(s, -1001)).isEqualTo(62);
        assertThat(map.cachePfn(s)).isEqualTo(5);
        map.verify();
        assertThat(map.addCount(s, -62)).isZero();
        map.setCachePfn(s, -1);
        assertThat(map.freeIfUnused(s)).isTrue();
        assertThatThrownBy(() -> map.addCount(s, -1)).hasMessage("swap slot 1: not in use");
        map.verify();
    }

    // The cached pfn is as wide as a frame number: the largest machine's last frame comes back.
    @Test
    void theCachedPfnOfTheLastFrameOfTheLargestMachineComesBack() {
        SwapMap map = new SwapMap(4);
        long s = map.allocSlot();
        map.setCachePfn(s, Integer.MAX_VALUE - 9);
        assertThat(map.cachePfn(s)).isEqualTo(Integer.MAX_VALUE - 9);
        map.setCachePfn(s, 0);
        assertThat(map.cachePfn(s)).isZero();
        map.setCachePfn(s, -1);
        assertThat(map.cachePfn(s)).isEqualTo(-1);
    }
}
