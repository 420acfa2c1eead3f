package dev.mmkit.tlb;

import dev.mmkit.api.machine.ImplementationProvider;
import dev.mmkit.api.tlb.TlbProvider;
import org.osgi.service.component.annotations.Component;

/** Provides the {@code direct-mapped} TLB: one direct-mapped level ({@link DirectMappedLevel}). */
@Component(service = TlbProvider.class, property = ImplementationProvider.NAME + "=direct-mapped")
public final class DirectMappedTlbProvider extends AbstractTlbProvider {
    @Override
    String impl() {
        return "direct-mapped";
    }

    @Override
    public String description() {
        return "one direct-mapped level (one entry per index), hardware or software refill";
    }
}
