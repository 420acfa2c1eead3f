package dev.mmkit.assembly;

import com.google.inject.AbstractModule;
import com.google.inject.TypeLiteral;
import com.google.inject.multibindings.OptionalBinder;
import com.typesafe.config.Config;
import dev.mmkit.api.machine.ImplementationProvider;
import java.nio.file.Path;
import java.util.Map;

/**
 * The Guice bindings of one machine: each slot's provider type is bound to the provider
 * the configuration chose (optional slots through an {@link OptionalBinder}, absent when
 * configured {@code none}), next to the configuration, the run directory and the record of
 * which implementation fills which slot. {@link MachineFactory} is built from them.
 */
final class MachineModule extends AbstractModule {
    private final Config config;
    private final Path runDirectory;
    private final Map<Slot, Implementation> chosen;
    private final Map<Slot, ImplementationProvider> providers;

    MachineModule(Config config, Path runDirectory, Map<Slot, Implementation> chosen,
                  Map<Slot, ImplementationProvider> providers) {
        this.config = config;
        this.runDirectory = runDirectory;
        this.chosen = Map.copyOf(chosen);
        this.providers = Map.copyOf(providers);
    }

    @Override
    protected void configure() {
        bind(Config.class).toInstance(config);
        bind(Path.class).toInstance(runDirectory);
        bind(new TypeLiteral<Map<Slot, Implementation>>() { }).toInstance(chosen);
        for (Slot slot : Slot.values()) {
            bindSlot(slot, slot.providerType());
        }
    }

    private <T extends ImplementationProvider> void bindSlot(Slot slot, Class<T> type) {
        T provider = type.cast(providers.get(slot));
        if (slot.optional()) {
            OptionalBinder<T> binder = OptionalBinder.newOptionalBinder(binder(), type);
            if (provider != null) {
                binder.setBinding().toInstance(provider);
            }
        } else {
            bind(type).toInstance(provider);
        }
    }
}
