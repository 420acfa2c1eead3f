package dev.mmkit.api.mm;

import dev.mmkit.api.machine.ImplementationProvider;
import dev.mmkit.api.machine.Machine;
import dev.mmkit.api.machine.Settings;
import org.osgi.annotation.versioning.ConsumerType;

/** Creates the memory-manager core named by {@code mmkit.machine.paging.impl}. */
@ConsumerType
public interface MemoryManagerProvider extends ImplementationProvider {
    /** @param settings the {@code mmkit.machine.paging} block */
    MemoryManager create(Settings settings, Machine machine);
}
