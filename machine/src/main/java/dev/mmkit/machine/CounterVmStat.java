package dev.mmkit.machine;

import dev.mmkit.api.machine.VmItem;
import dev.mmkit.api.machine.VmStat;

/** The machine's counters: one {@code long} per {@link VmItem}, indexed by ordinal. */
public final class CounterVmStat extends VmStat {
    private final long[] counters = new long[VmItem.values().length];

    @Override
    public void inc(VmItem item) {
        counters[item.ordinal()]++;
    }

    @Override
    public void add(VmItem item, long delta) {
        counters[item.ordinal()] += delta;
    }

    @Override
    public long get(VmItem item) {
        return counters[item.ordinal()];
    }
}
