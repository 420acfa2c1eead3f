package dev.mmkit.replacement;

import dev.mmkit.api.machine.ImplementationProvider;
import dev.mmkit.api.machine.Machine;
import dev.mmkit.api.machine.Settings;
import dev.mmkit.api.replacement.PageReferences;
import dev.mmkit.api.replacement.ReplacementPolicy;
import dev.mmkit.api.replacement.ReplacementPolicyProvider;
import org.osgi.service.component.annotations.Component;

/**
 * Provides {@code freelist-clock} ({@code mmkit.machine.replacement.impl = freelist-clock}),
 * set by {@code mmkit.machine.replacement.freelist-clock}: {@code target} (pages) and
 * {@code period} (a duration of virtual time).
 */
@Component(service = ReplacementPolicyProvider.class, property = ImplementationProvider.NAME + "=freelist-clock")
public final class FreelistClockPolicyProvider implements ReplacementPolicyProvider {
    static final long MAX_TARGET = 1 << 20;

    @Override
    public void validate(Settings settings) {
        Settings block = settings.getBlock("freelist-clock");
        long target = block.getLong("target");
        if (target < 1 || target > MAX_TARGET) {
            settings.reportProblem("freelist-clock.target", target + " (expected: 1-" + MAX_TARGET + " pages)");
        }
        long period = block.getNanos("period");
        if (period < 1) {
            settings.reportProblem("freelist-clock.period", period + "ns (expected: at least 1ns)");
        }
    }

    @Override
    public ReplacementPolicy create(Settings settings, Machine machine, PageReferences references) {
        Settings block = settings.getBlock("freelist-clock");
        return new FreelistClockPolicy(machine.memMap().nrFrames(), references, machine.clock(), block.getLong("target"),
            block.getNanos("period"));
    }

    @Override
    public String description() {
        return "clock run in the background to keep a free list of invalid pages filled, dirty ones written back";
    }
}
