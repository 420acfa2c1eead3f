package dev.mmkit.api.reclaim;

import dev.mmkit.api.machine.ImplementationProvider;
import dev.mmkit.api.machine.Machine;
import dev.mmkit.api.machine.Settings;
import org.osgi.annotation.versioning.ConsumerType;

/** Creates the writeback daemon named by {@code mmkit.machine.reclaim.writeback.impl}. */
@ConsumerType
public interface WritebackDaemonProvider extends ImplementationProvider {
    /** @param settings the {@code mmkit.machine.reclaim.writeback} block */
    WritebackDaemon create(Settings settings, Machine machine);
}
