package dev.mmkit.slab;

// Exists so every test builds its machine the same way: a real StandaloneMachine with the test page allocator.

import dev.mmkit.api.slab.SlabAllocatorProvider;
import dev.mmkit.machine.StandaloneMachine;

/** Builds test machines: 64 MiB (16384 frames) with a 16 MiB DMA zone unless told otherwise. */
final class Machines {
    static final int DMA_FRAMES = 4096;

    private Machines() {
    }

    static SlabAllocatorProvider provider(String flavour) {
        switch (flavour) {
            case "slab":
                return new SlabProvider();
            case "slub":
                return new SlubProvider();
            case "slob":
                return new SlobProvider();
            default:
                throw new IllegalArgumentException("Unknown flavour [" + flavour + "], known options [slab, slub, slob]");
        }
    }

    /** A machine whose slab allocator is {@code flavour}, with extra HOCON for {@code mmkit.machine}. */
    static StandaloneMachine machine(String flavour, String hocon) {
        SlabAllocatorProvider provider = provider(flavour);
        StandaloneMachine[] self = new StandaloneMachine[1];
        self[0] = StandaloneMachine.builder(StandaloneMachine.config(
                "mmkit.machine { memory.size = 64MiB, slab.impl = " + flavour + "\n" + hocon + "\n}"))
            .pageAllocator(m -> new BitmapPageAllocator(m, DMA_FRAMES))
            .slab(m -> provider.create(self[0].settingsAt("mmkit.machine.slab"), m))
            .build();
        return self[0];
    }

    static StandaloneMachine machine(String flavour) {
        return machine(flavour, "");
    }
}
