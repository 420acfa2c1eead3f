package dev.mmkit.api.reclaim;

import dev.mmkit.api.machine.ImplementationProvider;
import dev.mmkit.api.machine.Machine;
import dev.mmkit.api.machine.Settings;
import org.osgi.annotation.versioning.ConsumerType;

/** Creates the reclaim daemon named by {@code mmkit.machine.reclaim.kswapd.impl}. */
@ConsumerType
public interface ReclaimDaemonProvider extends ImplementationProvider {
    /** @param settings the {@code mmkit.machine.reclaim.kswapd} block */
    ReclaimDaemon create(Settings settings, Machine machine);
}
