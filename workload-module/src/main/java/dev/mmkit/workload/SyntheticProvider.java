package dev.mmkit.workload;

import dev.mmkit.api.machine.Machine;
import dev.mmkit.api.machine.Settings;
import dev.mmkit.api.workload.WorkloadSource;
import dev.mmkit.api.workload.WorkloadSourceProvider;

/**
 * The part the synthetic workloads' providers share: each reads the block named as it is
 * ({@code mmkit.workload.zipf} for {@code impl = zipf}), checks the common keys and its own.
 */
abstract class SyntheticProvider implements WorkloadSourceProvider {
    private final String name;

    SyntheticProvider(String name) {
        this.name = name;
    }

    @Override
    public final void validate(Settings settings) {
        Settings block = settings.getBlock(name);
        SyntheticWorkload.validateCommon(block);
        validateOwn(block);
    }

    /** Checks the keys only this workload has. */
    void validateOwn(Settings block) {
    }

    @Override
    public final WorkloadSource create(Settings settings, Machine machine) {
        Settings block = settings.getBlock(name);
        return create(block, block.getLong("pages"), block.getLong("references"), block.getDouble("write-ratio"), machine);
    }

    abstract WorkloadSource create(Settings block, long pages, long references, double writeRatio, Machine machine);
}
