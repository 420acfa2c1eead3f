package dev.mmkit.replacement;

import dev.mmkit.api.machine.ImplementationProvider;
import dev.mmkit.api.machine.Machine;
import dev.mmkit.api.machine.Settings;
import dev.mmkit.api.replacement.PageReferences;
import dev.mmkit.api.replacement.ReplacementPolicy;
import dev.mmkit.api.replacement.ReplacementPolicyProvider;
import org.osgi.service.component.annotations.Component;

/** Provides {@code clock} ({@code mmkit.machine.replacement.impl = clock}). */
@Component(service = ReplacementPolicyProvider.class, property = ImplementationProvider.NAME + "=clock")
public final class ClockPolicyProvider implements ReplacementPolicyProvider {
    @Override
    public ReplacementPolicy create(Settings settings, Machine machine, PageReferences references) {
        return new ClockPolicy(machine.memMap().nrFrames(), references);
    }

    @Override
    public String description() {
        return "clock (second chance): one hand over the resident pages, the referenced bit as use bit";
    }
}
