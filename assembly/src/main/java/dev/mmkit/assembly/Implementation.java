package dev.mmkit.assembly;

import dev.mmkit.api.machine.ImplementationProvider;
import org.osgi.framework.ServiceReference;

/**
 * One provider found in the service registry: the implementation name it offers for a
 * slot, and the bundle that registered it (what error messages and {@code mmkit plugins}
 * name).
 *
 * @param slot the extension point
 * @param name the {@code mmkit.name} service property
 * @param bundle the symbolic name of the providing bundle
 * @param version the bundle's version
 * @param location where the bundle was installed from (an embedded jar or a plugin file)
 * @param reference the service
 */
public record Implementation(Slot slot, String name, String bundle, String version, String location,
                             ServiceReference<?> reference) {

    /** {@code page-allocator [buddy] of bundle dev.mmkit.buddy 1.0.0}: how failures name it. */
    public String describe() {
        return slot.displayName() + " [" + name + "] of bundle " + bundle + " " + version;
    }

    /** The provider object, as the given type. */
    <T extends ImplementationProvider> T provider(BundleHost host, Class<T> type) {
        return type.cast(host.service(this));
    }
}
