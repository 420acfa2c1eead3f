package dev.mmkit.tlb;

import dev.mmkit.api.machine.ImplementationProvider;
import dev.mmkit.api.tlb.TlbProvider;
import org.osgi.service.component.annotations.Component;

/** Provides the {@code fully-associative} TLB: one fully associative level ({@link FullyAssociativeLevel}). */
@Component(service = TlbProvider.class, property = ImplementationProvider.NAME + "=fully-associative")
public final class FullyAssociativeTlbProvider extends AbstractTlbProvider {
    @Override
    String impl() {
        return "fully-associative";
    }

    @Override
    public String description() {
        return "one fully associative level (any entry holds any page), hardware or software refill";
    }
}
