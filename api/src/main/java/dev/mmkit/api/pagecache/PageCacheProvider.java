package dev.mmkit.api.pagecache;

import dev.mmkit.api.machine.ImplementationProvider;
import dev.mmkit.api.machine.Machine;
import dev.mmkit.api.machine.Settings;
import org.osgi.annotation.versioning.ConsumerType;

/** Creates the page cache named by {@code mmkit.machine.page-cache.impl}. */
@ConsumerType
public interface PageCacheProvider extends ImplementationProvider {
    /** @param settings the {@code mmkit.machine.page-cache} block */
    PageCache create(Settings settings, Machine machine);
}
