package dev.mmkit.slab;

import dev.mmkit.api.machine.ImplementationProvider;
import dev.mmkit.api.machine.Machine;
import dev.mmkit.api.machine.Settings;
import dev.mmkit.api.slab.SlabAllocator;
import dev.mmkit.api.slab.SlabAllocatorProvider;
import org.osgi.service.component.annotations.Component;

/** Provides {@code slab.impl = slub}: SLUB, Linux's default object allocator. */
@Component(service = SlabAllocatorProvider.class, property = ImplementationProvider.NAME + "=slub")
public final class SlubProvider implements SlabAllocatorProvider {
    @Override
    public void validate(Settings settings) {
        SlabConfig.validate(settings);
    }

    @Override
    public String description() {
        return "SLUB: slab metadata in struct page, per-CPU slabs with lockless freelists, per-node partial lists, cache merging";
    }

    @Override
    public SlabAllocator create(Settings settings, Machine machine) {
        return new SlubAllocator(machine, SlabConfig.read(settings));
    }
}
