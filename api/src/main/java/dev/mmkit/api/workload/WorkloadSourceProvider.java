package dev.mmkit.api.workload;

import dev.mmkit.api.machine.ImplementationProvider;
import dev.mmkit.api.machine.Machine;
import dev.mmkit.api.machine.Settings;
import org.osgi.annotation.versioning.ConsumerType;

/** Creates the workload named by {@code mmkit.workload.impl}. */
@ConsumerType
public interface WorkloadSourceProvider extends ImplementationProvider {
    /** @param settings the {@code mmkit.workload} block */
    WorkloadSource create(Settings settings, Machine machine);
}
