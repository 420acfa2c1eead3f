package dev.mmkit.api.pagetable;

import dev.mmkit.api.machine.ImplementationProvider;
import dev.mmkit.api.machine.Machine;
import dev.mmkit.api.machine.Settings;
import org.osgi.annotation.versioning.ConsumerType;

/** Creates the page-table format named by {@code mmkit.machine.page-table.impl}. */
@ConsumerType
public interface PageTableProvider extends ImplementationProvider {
    /** @param settings the {@code mmkit.machine.page-table} block */
    PageTable create(Settings settings, Machine machine);
}
