package dev.mmkit.slab;

import dev.mmkit.api.machine.ImplementationProvider;
import dev.mmkit.api.machine.Machine;
import dev.mmkit.api.machine.Settings;
import dev.mmkit.api.slab.SlabAllocator;
import dev.mmkit.api.slab.SlabAllocatorProvider;
import org.osgi.service.component.annotations.Component;

/** Provides {@code slab.impl = slab}: SLAB, Bonwick's object-caching allocator as Linux 2.6 had it. */
@Component(service = SlabAllocatorProvider.class, property = ImplementationProvider.NAME + "=slab")
public final class SlabProvider implements SlabAllocatorProvider {
    @Override
    public void validate(Settings settings) {
        SlabConfig.validate(settings);
    }

    @Override
    public String description() {
        return "SLAB (Bonwick): full/partial/free slab lists, colouring, bufctl arrays on or off the slab, per-CPU array caches";
    }

    @Override
    public SlabAllocator create(Settings settings, Machine machine) {
        return new BonwickSlabAllocator(machine, SlabConfig.read(settings));
    }
}
