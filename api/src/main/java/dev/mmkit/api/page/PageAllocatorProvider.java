package dev.mmkit.api.page;

import dev.mmkit.api.machine.ImplementationProvider;
import dev.mmkit.api.machine.Machine;
import dev.mmkit.api.machine.Settings;
import org.osgi.annotation.versioning.ConsumerType;

/** Creates the page allocator named by {@code mmkit.machine.page-allocator.impl}. */
@ConsumerType
public interface PageAllocatorProvider extends ImplementationProvider {
    /**
     * @param settings the {@code mmkit.machine.page-allocator} block
     * @param machine the machine; zones are described by {@code machine.settings()}
     */
    PageAllocator create(Settings settings, Machine machine);
}
