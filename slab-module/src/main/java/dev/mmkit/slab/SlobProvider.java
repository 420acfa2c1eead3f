package dev.mmkit.slab;

import dev.mmkit.api.machine.ImplementationProvider;
import dev.mmkit.api.machine.Machine;
import dev.mmkit.api.machine.Settings;
import dev.mmkit.api.slab.SlabAllocator;
import dev.mmkit.api.slab.SlabAllocatorProvider;
import org.osgi.service.component.annotations.Component;

/** Provides {@code slab.impl = slob}: SLOB, the simple list-of-blocks allocator for small machines. */
@Component(service = SlabAllocatorProvider.class, property = ImplementationProvider.NAME + "=slob")
public final class SlobProvider implements SlabAllocatorProvider {
    @Override
    public void validate(Settings settings) {
        SlabConfig.validate(settings);
    }

    @Override
    public String description() {
        return "SLOB: first fit inside shared pages on small/medium/large lists, for small machines";
    }

    @Override
    public SlabAllocator create(Settings settings, Machine machine) {
        return new SlobAllocator(machine, SlabConfig.read(settings));
    }
}
