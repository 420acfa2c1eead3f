package dev.mmkit.api.replacement;

import dev.mmkit.api.machine.ImplementationProvider;
import dev.mmkit.api.machine.Machine;
import dev.mmkit.api.machine.Settings;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Creates the replacement policy named by {@code mmkit.machine.replacement.impl}: one
 * instance per set of pages the machine replaces within (the whole machine, or each
 * process that has a resident limit).
 */
@ConsumerType
public interface ReplacementPolicyProvider extends ImplementationProvider {
    /**
     * @param settings the {@code mmkit.machine.replacement} block
     * @param references the referenced and dirty bits of the pages this instance manages
     */
    ReplacementPolicy create(Settings settings, Machine machine, PageReferences references);
}
