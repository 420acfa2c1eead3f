package dev.mmkit.workload;

import dev.mmkit.api.hw.Page;
import dev.mmkit.api.machine.ConfigurationException;
import dev.mmkit.api.machine.Machine;
import dev.mmkit.api.machine.Settings;
import dev.mmkit.api.workload.WorkloadSource;
import dev.mmkit.api.workload.WorkloadSourceProvider;

/**
 * The part the synthetic workloads' providers share: each reads the block named as it is
 * ({@code mmkit.workload.zipf} for {@code impl = zipf}), checks the common keys and its own.
 * Whether the region fits the user address space depends on the page-table format
 * (x86-64's ends at 2^47, x86-32's at 3 GiB), which only the machine knows: {@link #create}
 * checks it, and a region that does not fit is a {@link ConfigurationException} naming
 * {@code pages}, not a process killed by SIGSEGV at its first reference past the end.
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
        long pages = block.getLong("pages");
        long limit = machine.pageTable().userAddressLimit();
        long fits = Long.compareUnsigned(limit, SyntheticWorkload.BASE) > 0 ? (limit - SyntheticWorkload.BASE) >>> Page.SHIFT : 0;
        if (Long.compareUnsigned(pages, fits) > 0) {
            String problem = pages + " pages from " + Page.hex(SyntheticWorkload.BASE) + " end at "
                + Page.hex(SyntheticWorkload.BASE + SyntheticWorkload.pageOffset(pages)) + ", past the end of user space at "
                + Page.hex(limit) + " (expected: at most " + fits + ")";
            block.reportProblem("pages", problem);
            throw new ConfigurationException(block.origin("pages") + ": " + block.path() + ".pages: " + problem);
        }
        return create(block, pages, block.getLong("references"), block.getDouble("write-ratio"), machine);
    }

    abstract WorkloadSource create(Settings block, long pages, long references, double writeRatio, Machine machine);
}
