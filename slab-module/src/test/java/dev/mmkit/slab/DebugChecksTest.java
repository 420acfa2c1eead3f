package dev.mmkit.slab;

// Exists to check the slab_debug reports (double free, bad pointer, red zone, poison) and that a cache stays consistent after each.

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mmkit.api.page.Gfp;
import dev.mmkit.api.slab.KmemCache;
import dev.mmkit.api.slab.SlabAllocator;
import dev.mmkit.api.slab.SlabError;
import dev.mmkit.api.slab.SlabFlags;
import dev.mmkit.api.slab.SlabInfo;
import dev.mmkit.machine.StandaloneMachine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DebugChecksTest {
    private static final int ALL = SlabFlags.SLAB_CONSISTENCY_CHECKS | SlabFlags.SLAB_RED_ZONE | SlabFlags.SLAB_POISON
        | SlabFlags.SLAB_STORE_USER;

    @ParameterizedTest
    @ValueSource(strings = {"slab", "slub"})
    void doubleFree(String flavour) {
        SlabAllocator slab = Machines.machine(flavour, "slab.debug = FZPU").slab();
        long objp = slab.kmalloc(64, Gfp.GFP_KERNEL);
        long other = slab.kmalloc(64, Gfp.GFP_KERNEL);
        slab.kfree(objp);
        assertThatThrownBy(() -> slab.kfree(objp))
            .isInstanceOf(SlabError.class)
            .hasMessageStartingWith("BUG kmalloc-64: Object already free (last allocated at ")
            .hasMessageContaining("last freed at")
            .hasMessageEndingWith("(object 0x" + Long.toHexString(objp) + ")");
        slab.verify();
        assertThat(slab.caches().get(1).activeObjects()).isEqualTo(1);
        slab.kfree(other);
        slab.verify();
    }

    @ParameterizedTest
    @ValueSource(strings = {"slab", "slub"})
    void pointerInsideAnObject(String flavour) {
        SlabAllocator slab = Machines.machine(flavour).slab();
        KmemCache cache = slab.createCache("dbg", 100, 0, SlabFlags.SLAB_CONSISTENCY_CHECKS, null);
        long objp = cache.alloc(Gfp.GFP_KERNEL);
        assertThatThrownBy(() -> cache.free(objp + 8))
            .isInstanceOf(SlabError.class)
            .hasMessageStartingWith("BUG dbg: Invalid object pointer 0x" + Long.toHexString(objp + 8));
        slab.verify();
        cache.free(objp);
        slab.verify();
    }

    @ParameterizedTest
    @ValueSource(strings = {"slab", "slub"})
    void redZoneOverwriteFoundAtFree(String flavour) {
        StandaloneMachine machine = Machines.machine(flavour);
        SlabAllocator slab = machine.slab();
        KmemCache cache = slab.createCache("rz", 100, 0, SlabFlags.SLAB_RED_ZONE, null);
        long objp = cache.alloc(Gfp.GFP_KERNEL);
        // object 100 bytes, slot word-aligned to 104: red zone 100..103, 0xcc while allocated
        machine.memory().writeByte(objp + 101, (byte) 0x11);
        assertThatThrownBy(() -> cache.free(objp))
            .isInstanceOf(SlabError.class)
            .hasMessage("BUG rz: Redzone overwritten @offset=101. First byte 0x11 instead of 0xcc; object not freed"
                + " (object 0x" + Long.toHexString(objp) + ")");
        // the bytes were restored and the object is still allocated
        slab.verify();
        assertThat(cache.activeObjects()).isEqualTo(1);
        cache.free(objp);
        slab.verify();
    }

    @ParameterizedTest
    @ValueSource(strings = {"slab", "slub"})
    void useAfterFreeBreaksThePoisonFoundByVerify(String flavour) {
        StandaloneMachine machine = Machines.machine(flavour);
        SlabAllocator slab = machine.slab();
        KmemCache cache = slab.createCache("poisoned", 64, 0, SlabFlags.SLAB_POISON, null);
        long objp = cache.alloc(Gfp.GFP_KERNEL);
        cache.free(objp);
        assertThat(machine.memory().readByte(objp)).isEqualTo(SlabFlags.POISON_FREE);
        assertThat(machine.memory().readByte(objp + 63)).isEqualTo(SlabFlags.POISON_END);
        machine.memory().writeByte(objp + 10, (byte) 0);
        assertThatThrownBy(cache::verify)
            .isInstanceOf(SlabError.class)
            .hasMessage("BUG poisoned: Poison overwritten @offset=10. First byte 0x0 instead of 0x6b (object 0x"
                + Long.toHexString(objp) + ")");
        // restored: the cache is consistent again
        cache.verify();
        slab.verify();
    }

    @ParameterizedTest
    @ValueSource(strings = {"slab", "slub"})
    void redZoneOfAFreeObjectIsInactive(String flavour) {
        StandaloneMachine machine = Machines.machine(flavour);
        KmemCache cache = machine.slab().createCache("rz", 24, 0, SlabFlags.SLAB_RED_ZONE, null);
        long objp = cache.alloc(Gfp.GFP_KERNEL);
        // 24 bytes is a whole number of words: a word of red zone is added, 24..31
        assertThat(cache.slotSize()).isGreaterThanOrEqualTo(32);
        assertThat(machine.memory().readByte(objp + 24)).isEqualTo(SlabFlags.RED_ACTIVE);
        assertThat(machine.memory().readByte(objp + 31)).isEqualTo(SlabFlags.RED_ACTIVE);
        cache.free(objp);
        assertThat(machine.memory().readByte(objp + 24)).isEqualTo(SlabFlags.RED_INACTIVE);
        machine.memory().writeByte(objp + 30, (byte) 0);
        assertThatThrownBy(cache::verify).hasMessageContaining("Redzone overwritten @offset=30. First byte 0x0 instead of 0xbb");
        cache.verify();
    }

    @Test
    void debugCachesRestrictsTheConfig() {
        SlabAllocator slab = Machines.machine("slub", "slab { debug = FZ, debug-caches = [kmalloc-64] }").slab();
        int flags64 = slab.caches().get(1).flags();
        assertThat(flags64 & ALL).isEqualTo(SlabFlags.SLAB_CONSISTENCY_CHECKS | SlabFlags.SLAB_RED_ZONE);
        assertThat(slab.caches().get(0).flags() & ALL).isZero();
        // debug caches never merge: a debugging cache keeps its own row
        KmemCache mine = slab.createCache("mine", 64, 0, SlabFlags.SLAB_POISON, null);
        assertThat(SlabInfo.render(slab.caches())).contains("\nmine ");
        mine.alloc(Gfp.GFP_KERNEL);
        slab.verify();
    }

    @Test
    void badDebugLettersAreReported() {
        StandaloneMachine machine = Machines.machine("slub", "slab.debug = FX");
        new SlubProvider().validate(machine.settingsAt("mmkit.machine.slab"));
        assertThat(String.join("\n", machine.problems().list())).contains("Unknown slab_debug option [X], known options [F, Z, P, U]");
    }
}
