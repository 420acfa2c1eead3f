package dev.mmkit.replacement;

import dev.mmkit.api.machine.ImplementationProvider;
import dev.mmkit.api.machine.Machine;
import dev.mmkit.api.machine.Settings;
import dev.mmkit.api.replacement.PageReferences;
import dev.mmkit.api.replacement.ReplacementPolicy;
import dev.mmkit.api.replacement.ReplacementPolicyProvider;
import org.osgi.service.component.annotations.Component;

/** Provides {@code lru} ({@code mmkit.machine.replacement.impl = lru}). */
@Component(service = ReplacementPolicyProvider.class, property = ImplementationProvider.NAME + "=lru")
public final class LruPolicyProvider implements ReplacementPolicyProvider {
    @Override
    public ReplacementPolicy create(Settings settings, Machine machine, PageReferences references) {
        return new LruPolicy(machine.memMap().nrFrames());
    }

    @Override
    public String description() {
        return "perfect LRU: evicts the least recently used page (needs every reference)";
    }
}
