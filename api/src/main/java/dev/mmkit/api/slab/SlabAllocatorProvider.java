package dev.mmkit.api.slab;

import dev.mmkit.api.machine.ImplementationProvider;
import dev.mmkit.api.machine.Machine;
import dev.mmkit.api.machine.Settings;
import org.osgi.annotation.versioning.ConsumerType;

/** Creates the slab flavour named by {@code mmkit.machine.slab.impl}. */
@ConsumerType
public interface SlabAllocatorProvider extends ImplementationProvider {
    /** @param settings the {@code mmkit.machine.slab} block */
    SlabAllocator create(Settings settings, Machine machine);
}
