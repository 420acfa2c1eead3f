package dev.mmkit.testplugin;

import dev.mmkit.api.machine.ImplementationProvider;
import dev.mmkit.api.machine.Machine;
import dev.mmkit.api.machine.Settings;
import dev.mmkit.api.replacement.PageReferences;
import dev.mmkit.api.replacement.ReplacementPolicy;
import dev.mmkit.api.replacement.ReplacementPolicyProvider;
import org.osgi.service.component.annotations.Component;

/**
 * {@code mmkit.machine.replacement.impl = broken-on-create}: a provider whose create always
 * throws, with the message of {@code mmkit.machine.replacement.broken-on-create.message}.
 * It exists so that the assembly's tests can check that a plugin's failure names the
 * plugin's bundle and stops the boot.
 */
@Component(service = ReplacementPolicyProvider.class, property = ImplementationProvider.NAME + "=broken-on-create")
public final class BrokenOnCreateProvider implements ReplacementPolicyProvider {
    @Override
    public String description() {
        return "always fails to create (for testing how the assembly reports a broken plugin)";
    }

    @Override
    public void validate(Settings settings) {
        if (settings.getBlock("broken-on-create").getString("message").isBlank()) {
            settings.reportProblem("broken-on-create.message", "must not be empty");
        }
    }

    @Override
    public ReplacementPolicy create(Settings settings, Machine machine, PageReferences references) {
        throw new IllegalStateException(settings.getBlock("broken-on-create").getString("message"));
    }
}
