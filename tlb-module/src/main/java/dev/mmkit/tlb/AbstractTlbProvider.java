package dev.mmkit.tlb;

import dev.mmkit.api.machine.Machine;
import dev.mmkit.api.machine.Settings;
import dev.mmkit.api.tlb.Tlb;
import dev.mmkit.api.tlb.TlbListener;
import dev.mmkit.api.tlb.TlbProvider;

/**
 * What the providers of this module share: they read and check the
 * {@code mmkit.machine.tlb} block through {@link TlbConfig} under their own name, and
 * build one TLB per CPU. Random replacement draws from the machine's generator.
 */
abstract class AbstractTlbProvider implements TlbProvider {
    /** The implementation name, as {@code mmkit.machine.tlb.impl} spells it. */
    abstract String impl();

    @Override
    public void validate(Settings settings) {
        TlbConfig.read(settings, impl()).report();
    }

    /** @param listener may be null: evictions are then dropped and a software TLB has no refill handler */
    @Override
    public Tlb create(Settings settings, Machine machine, int cpu, TlbListener listener) {
        return TlbConfig.read(settings, impl()).build(machine.random(), listener);
    }
}
