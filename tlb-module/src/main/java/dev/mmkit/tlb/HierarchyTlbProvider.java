package dev.mmkit.tlb;

import dev.mmkit.api.machine.ImplementationProvider;
import dev.mmkit.api.tlb.TlbProvider;
import org.osgi.service.component.annotations.Component;

/** Provides the {@code hierarchy} TLB: levels linked by next-level ({@link HierarchicalTlb}). */
@Component(service = TlbProvider.class, property = ImplementationProvider.NAME + "=hierarchy")
public final class HierarchyTlbProvider extends AbstractTlbProvider {
    @Override
    String impl() {
        return "hierarchy";
    }

    @Override
    public String description() {
        return "levels linked by next-level: split L1i/L1d, unified L2, an optional TLB slice";
    }
}
