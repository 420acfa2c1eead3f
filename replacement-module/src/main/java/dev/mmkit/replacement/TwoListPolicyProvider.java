package dev.mmkit.replacement;

import dev.mmkit.api.machine.ImplementationProvider;
import dev.mmkit.api.machine.Machine;
import dev.mmkit.api.machine.Settings;
import dev.mmkit.api.replacement.PageReferences;
import dev.mmkit.api.replacement.ReplacementPolicy;
import dev.mmkit.api.replacement.ReplacementPolicyProvider;
import org.osgi.service.component.annotations.Component;

/**
 * Provides {@code two-list} ({@code mmkit.machine.replacement.impl = two-list}), Linux's
 * active/inactive lists, with {@code mmkit.machine.replacement.two-list.swappiness}.
 */
@Component(service = ReplacementPolicyProvider.class, property = ImplementationProvider.NAME + "=two-list")
public final class TwoListPolicyProvider implements ReplacementPolicyProvider {
    @Override
    public void validate(Settings settings) {
        int swappiness = settings.getBlock("two-list").getInt("swappiness");
        if (swappiness < 0 || swappiness > 200) {
            settings.reportProblem("two-list.swappiness", swappiness + " (expected: 0-200)");
        }
    }

    @Override
    public ReplacementPolicy create(Settings settings, Machine machine, PageReferences references) {
        return new TwoListPolicy(machine.memMap(), machine.vmstat(), references,
            settings.getBlock("two-list").getInt("swappiness"));
    }

    @Override
    public String description() {
        return "Linux's active/inactive lists, anon and file apart: promotion on a second reference";
    }
}
