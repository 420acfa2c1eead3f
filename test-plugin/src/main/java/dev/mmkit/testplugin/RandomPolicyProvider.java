package dev.mmkit.testplugin;

import dev.mmkit.api.machine.ImplementationProvider;
import dev.mmkit.api.machine.Machine;
import dev.mmkit.api.machine.Settings;
import dev.mmkit.api.replacement.PageReferences;
import dev.mmkit.api.replacement.ReplacementPolicy;
import dev.mmkit.api.replacement.ReplacementPolicyProvider;
import org.osgi.service.component.annotations.Component;

/** {@code mmkit.machine.replacement.impl = random}: evicts a uniformly random resident page. */
@Component(service = ReplacementPolicyProvider.class, property = ImplementationProvider.NAME + "=random")
public final class RandomPolicyProvider implements ReplacementPolicyProvider {
    @Override
    public String description() {
        return "evicts a uniformly random resident page (a third-party plugin written against the SPI alone)";
    }

    @Override
    public ReplacementPolicy create(Settings settings, Machine machine, PageReferences references) {
        return new RandomPolicy(machine.random(), machine.memMap().nrFrames());
    }
}
