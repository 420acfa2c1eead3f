package dev.mmkit.api.backing;

import dev.mmkit.api.machine.ImplementationProvider;
import dev.mmkit.api.machine.Machine;
import dev.mmkit.api.machine.Settings;
import java.io.IOException;
import java.nio.file.Path;
import org.osgi.annotation.versioning.ConsumerType;

/** Opens backing stores of the kind named by {@code mmkit.machine.backing.impl}. */
@ConsumerType
public interface BackingStoreProvider extends ImplementationProvider {
    /**
     * Opens (creating if absent) the store at {@code path}.
     *
     * @param settings the {@code mmkit.machine.backing} block (fault injection lives here)
     */
    BackingStore open(Settings settings, Machine machine, Path path) throws IOException;
}
