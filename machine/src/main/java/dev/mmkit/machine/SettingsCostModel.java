package dev.mmkit.machine;

import dev.mmkit.api.machine.ConfigurationException;
import dev.mmkit.api.machine.CostModel;
import dev.mmkit.api.machine.Settings;

/** The cost model read from {@code mmkit.machine.cost}. */
public record SettingsCostModel(long tlbHit, long memory, long pageFault, long minorFault, long pageIo)
    implements CostModel {

    /** Reads the block, reporting negative durations as problems; throws every bad value at once. */
    public static SettingsCostModel from(Settings cost) {
        String[] keys = {"tlb-hit", "memory", "page-fault", "minor-fault", "page-io"};
        long[] values = new long[keys.length];
        ConfigurationException failure = null;
        for (int i = 0; i < keys.length; i++) {
            try {
                values[i] = cost.getNanos(keys[i]);
            } catch (ConfigurationException e) {
                failure = failure == null ? e : new ConfigurationException(concat(failure, e));
                continue;
            }
            if (values[i] < 0) {
                cost.reportProblem(keys[i], "must not be negative, got " + values[i] + " ns");
            }
        }
        if (failure != null) {
            throw failure;
        }
        return new SettingsCostModel(values[0], values[1], values[2], values[3], values[4]);
    }

    private static java.util.List<String> concat(ConfigurationException a, ConfigurationException b) {
        java.util.List<String> all = new java.util.ArrayList<>(a.problems());
        all.addAll(b.problems());
        return all;
    }
}
