package dev.mmkit.api.machine;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The machine's counters ({@code /proc/vmstat}). Every module counts what it does here,
 * under Linux's names; the reports read them. Counting is a field increment, cheap enough
 * for every hot path.
 */
@ProviderType
public abstract class VmStat {
    /** For the machine's implementation (a class, not an interface: see the package). */
    protected VmStat() {
    }

    /** {@code count_vm_event}: adds one. */
    public abstract void inc(VmItem item);

    /** {@code count_vm_events} / {@code mod_node_page_state}: adds {@code delta}, which may be negative for states. */
    public abstract void add(VmItem item, long delta);

    public abstract long get(VmItem item);
}
