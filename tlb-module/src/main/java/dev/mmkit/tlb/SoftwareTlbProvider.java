package dev.mmkit.tlb;

import dev.mmkit.api.machine.ImplementationProvider;
import dev.mmkit.api.tlb.TlbProvider;
import org.osgi.service.component.annotations.Component;

/** Provides the {@code software} TLB: a MIPS-style software-managed TLB ({@link SoftwareManagedTlb}). */
@Component(service = TlbProvider.class, property = ImplementationProvider.NAME + "=software")
public final class SoftwareTlbProvider extends AbstractTlbProvider {
    @Override
    String impl() {
        return "software";
    }

    @Override
    public String description() {
        return "MIPS-style software-managed TLB: misses call the machine's refill handler (tlbp, tlbwi, tlbwr)";
    }
}
