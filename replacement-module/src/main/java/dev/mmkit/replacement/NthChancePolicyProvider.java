package dev.mmkit.replacement;

import dev.mmkit.api.machine.ImplementationProvider;
import dev.mmkit.api.machine.Machine;
import dev.mmkit.api.machine.Settings;
import dev.mmkit.api.replacement.PageReferences;
import dev.mmkit.api.replacement.ReplacementPolicy;
import dev.mmkit.api.replacement.ReplacementPolicyProvider;
import org.osgi.service.component.annotations.Component;

/**
 * Provides {@code nth-chance} ({@code mmkit.machine.replacement.impl = nth-chance}), set by
 * the {@code mmkit.machine.replacement.nth-chance} block: {@code n} and {@code dirty-writeback}.
 */
@Component(service = ReplacementPolicyProvider.class, property = ImplementationProvider.NAME + "=nth-chance")
public final class NthChancePolicyProvider implements ReplacementPolicyProvider {
    static final int MAX_N = 100;

    @Override
    public void validate(Settings settings) {
        Settings block = settings.getBlock("nth-chance");
        int n = block.getInt("n");
        if (n < 1 || n > MAX_N) {
            settings.reportProblem("nth-chance.n", n + " (expected: 1-" + MAX_N + " sweeps)");
        }
        block.getBoolean("dirty-writeback");
    }

    @Override
    public ReplacementPolicy create(Settings settings, Machine machine, PageReferences references) {
        Settings block = settings.getBlock("nth-chance");
        return new NthChancePolicy(machine.memMap().nrFrames(), references, block.getInt("n"),
            block.getBoolean("dirty-writeback"));
    }

    @Override
    public String description() {
        return "Nth chance: clock with a sweep count, evicts a page unreferenced for N sweeps";
    }
}
