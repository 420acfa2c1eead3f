package dev.mmkit.workload;

import dev.mmkit.api.machine.ImplementationProvider;
import dev.mmkit.api.machine.Machine;
import dev.mmkit.api.machine.Settings;
import dev.mmkit.api.workload.WorkloadSource;
import dev.mmkit.api.workload.WorkloadSourceProvider;
import org.osgi.service.component.annotations.Component;

/** {@code mmkit.workload.impl = zipf}: Zipf(alpha)-distributed references, rejection-inversion sampling; settings in {@code mmkit.workload.zipf}. */
@Component(service = WorkloadSourceProvider.class, property = ImplementationProvider.NAME + "=zipf")
public final class ZipfWorkloadProvider extends SyntheticProvider {
    public ZipfWorkloadProvider() {
        super("zipf");
    }

    @Override
    public String description() {
        return "Zipf(alpha)-distributed references, rejection-inversion sampling";
    }

    @Override
    void validateOwn(Settings block) {
        double alpha = block.getDouble("alpha");
        if (!(alpha > 0) || alpha > 100) {
            block.reportProblem("alpha", alpha + " (expected: more than 0, at most 100; use uniform for 0)");
        }
    }

    @Override
    WorkloadSource create(Settings block, long pages, long references, double writeRatio, Machine machine) {
        return new ZipfWorkload(pages, references, writeRatio, block.getDouble("alpha"), machine.random());
    }
}
