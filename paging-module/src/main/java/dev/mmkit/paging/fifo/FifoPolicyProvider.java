package dev.mmkit.paging.fifo;

import dev.mmkit.api.machine.ImplementationProvider;
import dev.mmkit.api.machine.Machine;
import dev.mmkit.api.machine.Settings;
import dev.mmkit.api.replacement.PageReferences;
import dev.mmkit.api.replacement.ReplacementPolicy;
import dev.mmkit.api.replacement.ReplacementPolicyProvider;
import org.osgi.service.component.annotations.Component;

/** Provides the {@code fifo} replacement policy ({@code mmkit.machine.replacement.impl = fifo}). */
@Component(service = ReplacementPolicyProvider.class, property = ImplementationProvider.NAME + "=fifo")
public final class FifoPolicyProvider implements ReplacementPolicyProvider {
    @Override
    public ReplacementPolicy create(Settings settings, Machine machine, PageReferences references) {
        return new FifoPolicy(machine.memMap().nrFrames());
    }

    @Override
    public String description() {
        return "first in, first out: evicts the page resident longest";
    }
}
