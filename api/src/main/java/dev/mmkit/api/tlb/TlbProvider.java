package dev.mmkit.api.tlb;

import dev.mmkit.api.machine.ImplementationProvider;
import dev.mmkit.api.machine.Machine;
import dev.mmkit.api.machine.Settings;
import org.osgi.annotation.versioning.ConsumerType;

/** Creates the TLB named by {@code mmkit.machine.tlb.impl}, one per simulated CPU. */
@ConsumerType
public interface TlbProvider extends ImplementationProvider {
    /**
     * @param settings the {@code mmkit.machine.tlb} block
     * @param cpu the CPU this TLB belongs to
     * @param listener where evictions (and, when software-managed, misses) go
     */
    Tlb create(Settings settings, Machine machine, int cpu, TlbListener listener);
}
