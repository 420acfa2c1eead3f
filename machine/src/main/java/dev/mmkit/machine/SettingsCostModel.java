package dev.mmkit.machine;

import dev.mmkit.api.machine.CostModel;
import dev.mmkit.api.machine.Settings;

/** The cost model read from {@code mmkit.machine.cost}. */
public record SettingsCostModel(long tlbHit, long memory, long pageFault, long minorFault, long pageIo)
    implements CostModel {

    /** Reads the block, reporting negative durations as problems. */
    public static SettingsCostModel from(Settings cost) {
        String[] keys = {"tlb-hit", "memory", "page-fault", "minor-fault", "page-io"};
        long[] values = new long[keys.length];
        for (int i = 0; i < keys.length; i++) {
            values[i] = cost.getNanos(keys[i]);
            if (values[i] < 0) {
                cost.reportProblem(keys[i], "must not be negative, got " + values[i] + " ns");
            }
        }
        return new SettingsCostModel(values[0], values[1], values[2], values[3], values[4]);
    }
}
