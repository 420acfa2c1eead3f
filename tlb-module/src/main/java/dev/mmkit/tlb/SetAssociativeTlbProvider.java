package dev.mmkit.tlb;

import dev.mmkit.api.machine.ImplementationProvider;
import dev.mmkit.api.tlb.TlbProvider;
import org.osgi.service.component.annotations.Component;

/** Provides the {@code set-associative} TLB: one set-associative level ({@link SetAssociativeLevel}). */
@Component(service = TlbProvider.class, property = ImplementationProvider.NAME + "=set-associative")
public final class SetAssociativeTlbProvider extends AbstractTlbProvider {
    @Override
    String impl() {
        return "set-associative";
    }

    @Override
    public String description() {
        return "one set-associative level (sets x ways, set = low VPN bits), hardware or software refill";
    }
}
