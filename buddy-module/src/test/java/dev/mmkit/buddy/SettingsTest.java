package dev.mmkit.buddy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mmkit.api.machine.ConfigurationException;
import dev.mmkit.machine.StandaloneMachine;
import org.junit.jupiter.api.Test;

// Why: bad page-allocator blocks and zone lists must be refused with every problem named at once.
class SettingsTest {
    @Test
    void referenceDefaultsAreValid() {
        StandaloneMachine machine = TestMachines.machine("", null);
        new BuddyProvider().validate(machine.settingsAt("mmkit.machine.page-allocator"));
        assertThat(machine.problems().list()).isEmpty();
        assertThat(machine.config().getString("mmkit.machine.page-allocator.impl")).isEqualTo("buddy");
    }

    @Test
    void everyBadKeyIsReported() {
        StandaloneMachine machine = TestMachines.machine("mmkit.machine.page-allocator { max-order = 40, merge = sometimes,"
            + " min-free-kbytes = lots, pcp { batch = 8, high = 4 }, reclaim-retries = 0,"
            + " watermarks { Normal { min = 10, low = 5, high = 20 } } }", null);
        new BuddyProvider().validate(machine.settingsAt("mmkit.machine.page-allocator"));
        assertThat(machine.problems().list()).hasSize(6);
        assertThat(String.join("\n", machine.problems().list()))
            .contains("mmkit.machine.page-allocator.max-order: 40 (expected: 1-24)")
            .contains("mmkit.machine.page-allocator.merge: Unknown merge policy [sometimes], known options [eager, lazy]")
            .contains("mmkit.machine.page-allocator.min-free-kbytes: lots (expected: auto or a whole number)")
            .contains("mmkit.machine.page-allocator.pcp.high: 4 (expected: 0, auto, or at least batch = 8)")
            .contains("mmkit.machine.page-allocator.reclaim-retries: 0 (expected: 1-1000)")
            .contains("min 10, low 5, high 20 (expected: 0 <= min <= low <= high, in pages)")
            .contains("test configuration: 1: ");
        assertThatThrownBy(() -> machine.pageAllocator()).isInstanceOf(ConfigurationException.class)
            .satisfies(e -> assertThat(((ConfigurationException) e).problems()).hasSize(6));
    }

    @Test
    void badZonesAreReported() {
        StandaloneMachine machine = TestMachines.machine("mmkit.machine.zones = [{ name = Normal }, { name = DMA, size = 5000 },"
            + " { name = Foo, size = 1MiB }, { name = HighMem }]", null);
        assertThatThrownBy(machine::pageAllocator).isInstanceOf(ConfigurationException.class)
            .satisfies(e -> assertThat(((ConfigurationException) e).problems()).satisfiesExactly(
                p -> assertThat(p).endsWith("mmkit.machine.zones[1].name: zone DMA listed after a higher zone (expected: lowest first: DMA, Normal, HighMem)"),
                p -> assertThat(p).endsWith("mmkit.machine.zones[1].size: 5000 bytes (expected: a whole number of 4KiB pages, 0 or more)"),
                p -> assertThat(p).endsWith("mmkit.machine.zones[2].name: Unknown zone [Foo], known options [DMA, Normal, HighMem]"),
                p -> assertThat(p).endsWith("mmkit.machine.zones[3].name: zone HighMem has no size, nor has Normal (expected: at most one zone without size)")));
    }

    @Test
    void zonesMustFitMemory() {
        assertThatThrownBy(() -> TestMachines.machine("mmkit.machine.zones = [{ name = DMA, size = 128MiB }, { name = Normal }]", null).pageAllocator())
            .hasMessageContaining("mmkit.machine.zones: the zones' sizes add up to 134217728 bytes, more than memory.size = 67108864 bytes");
        assertThatThrownBy(() -> TestMachines.machine("mmkit.machine.zones = [{ name = DMA, size = 16MiB }, { name = Normal, size = 16MiB }]", null).pageAllocator())
            .hasMessageContaining("add up to 33554432 bytes but memory.size is 67108864 bytes (let one zone omit its size to take the rest)");
        assertThatThrownBy(() -> TestMachines.machine("mmkit.machine.zones = [{ name = Normal }, { name = Normal, size = 0 }]", null).pageAllocator())
            .hasMessageContaining("zone Normal is listed twice");
    }

    @Test
    void zoneWithoutSizeTakesTheRestAndUnlistedZonesAreEmpty() {
        BuddyAllocator buddy = TestMachines.buddy("mmkit.machine.zones = [{ name = Normal, size = 0 }, { name = HighMem }]");
        assertThat(buddy.zones()).extracting(z -> z.presentPages()).containsExactly(0L, 0L, 16384L);
        assertThat(buddy.zones().get(2).startPfn()).isZero();
        assertThat(buddy.zoneOf(100).name()).isEqualTo("HighMem");
        buddy.verify();
    }

    @Test
    void stateIsAtMostSixteenBytesPerFrame() {
        assertThat(BuddyAllocator.bytesPerFrame()).isEqualTo(12).isLessThanOrEqualTo(16);
    }
}
