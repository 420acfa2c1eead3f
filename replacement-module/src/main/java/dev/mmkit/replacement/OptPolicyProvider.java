package dev.mmkit.replacement;

import dev.mmkit.api.machine.ImplementationProvider;
import dev.mmkit.api.machine.Machine;
import dev.mmkit.api.machine.Settings;
import dev.mmkit.api.replacement.PageReferences;
import dev.mmkit.api.replacement.ReplacementPolicy;
import dev.mmkit.api.replacement.ReplacementPolicyProvider;
import org.osgi.service.component.annotations.Component;

/** Provides {@code opt} ({@code mmkit.machine.replacement.impl = opt}). */
@Component(service = ReplacementPolicyProvider.class, property = ImplementationProvider.NAME + "=opt")
public final class OptPolicyProvider implements ReplacementPolicyProvider {
    @Override
    public ReplacementPolicy create(Settings settings, Machine machine, PageReferences references) {
        return new OptPolicy(machine.memMap().nrFrames());
    }

    @Override
    public String description() {
        return "Belady's OPT (MIN): evicts the page used furthest in the future (needs a trace with next accesses)";
    }
}
