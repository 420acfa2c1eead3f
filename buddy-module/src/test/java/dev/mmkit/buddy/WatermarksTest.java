package dev.mmkit.buddy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.page.PageAllocator;
import dev.mmkit.api.page.Watermark;
import dev.mmkit.api.page.Zone;
import org.junit.jupiter.api.Test;

// Why: watermarks must be the ones Linux 4.5's __setup_per_zone_wmarks derives; numbers worked by hand below.
class WatermarksTest {
    private static long[] marks(Zone zone) {
        return new long[] {zone.watermark(Watermark.MIN), zone.watermark(Watermark.LOW), zone.watermark(Watermark.HIGH)};
    }

    /**
     * Default machine: 64 MiB, DMA 16 MiB = 4096 pages, Normal 48 MiB = 12288 pages.
     * lowmem = 16384 pages = 65536 KiB; min_free_kbytes = int_sqrt(65536 * 16) = int_sqrt(1048576) = 1024.
     * pages_min = 1024 >> 2 = 256.
     * DMA:    tmp = 256 * 4096 / 16384 = 64;   min 64,  low 64 + 16 = 80,   high 64 + 32 = 96.
     * Normal: tmp = 256 * 12288 / 16384 = 192; min 192, low 192 + 48 = 240, high 192 + 96 = 288.
     */
    @Test
    void defaultMachine() {
        PageAllocator buddy = TestMachines.allocator("buddy", "");
        assertThat(marks(buddy.zones().get(0))).containsExactly(64, 80, 96);
        assertThat(marks(buddy.zones().get(1))).containsExactly(192, 240, 288);
        assertThat(marks(buddy.zones().get(2))).containsExactly(0, 0, 0);
    }

    /**
     * 1 GiB: DMA 16 MiB = 4096, Normal 880 MiB = 225280, HighMem 128 MiB = 32768 pages.
     * lowmem = 229376 pages = 917504 KiB; 917504 * 16 = 14680064; int_sqrt = 3831
     * (3831² = 14676561 ≤ 14680064 < 3832² = 14684224). pages_min = 3831 >> 2 = 957.
     * DMA:     tmp = 957 * 4096 / 229376 = 17;    min 17,  low 17 + 4 = 21,     high 17 + 8 = 25.
     * Normal:  tmp = 957 * 225280 / 229376 = 939; min 939, low 939 + 234 = 1173, high 939 + 469 = 1408.
     * HighMem: tmp = 957 * 32768 / 229376 = 136;  min = clamp(32768 / 1024, 32, 128) = 32,
     *          low 32 + 34 = 66, high 32 + 68 = 100.
     */
    @Test
    void highMemMachine() {
        PageAllocator buddy = TestMachines.allocator("buddy", "mmkit.machine { memory { size = 1GiB, backing = none },"
            + " zones = [{ name = DMA, size = 16MiB }, { name = Normal, size = 880MiB }, { name = HighMem }] }");
        assertThat(marks(buddy.zones().get(0))).containsExactly(17, 21, 25);
        assertThat(marks(buddy.zones().get(1))).containsExactly(939, 1173, 1408);
        assertThat(marks(buddy.zones().get(2))).containsExactly(32, 66, 100);
    }

    /** min_free_kbytes = 2048: pages_min 512; DMA tmp 128 → 128/160/192; Normal tmp 384 → 384/480/576. */
    @Test
    void explicitMinFreeKbytes() {
        PageAllocator buddy = TestMachines.allocator("first-fit", "mmkit.machine.page-allocator.min-free-kbytes = 2048");
        assertThat(marks(buddy.zones().get(0))).containsExactly(128, 160, 192);
        assertThat(marks(buddy.zones().get(1))).containsExactly(384, 480, 576);
    }

    @Test
    void explicitWatermarksOverrideOneZone() {
        PageAllocator buddy = TestMachines.allocator("buddy",
            "mmkit.machine.page-allocator.watermarks { Normal { min = 10, low = 20, high = 30 } }");
        assertThat(marks(buddy.zones().get(0))).containsExactly(64, 80, 96);
        assertThat(marks(buddy.zones().get(1))).containsExactly(10, 20, 30);
    }

    /** Linux clamps the default to 128 KiB at least and 65536 KiB at most. */
    @Test
    void defaultMinFreeKbytesIsClamped() {
        assertThat(Watermarks.defaultMinFreeKbytes(16)).isEqualTo(128);
        assertThat(Watermarks.defaultMinFreeKbytes(16384)).isEqualTo(1024);
        // 64 GiB of lowmem: sqrt(67108864 * 16) = 32768
        assertThat(Watermarks.defaultMinFreeKbytes(16L << 20)).isEqualTo(32768);
        // 1 TiB: sqrt(1073741824 * 16) = 131072, clamped to 65536
        assertThat(Watermarks.defaultMinFreeKbytes(256L << 20)).isEqualTo(65536);
    }
}
