package dev.mmkit.workload;

import dev.mmkit.api.machine.ImplementationProvider;
import dev.mmkit.api.machine.Machine;
import dev.mmkit.api.machine.Settings;
import dev.mmkit.api.workload.WorkloadSource;
import dev.mmkit.api.workload.WorkloadSourceProvider;
import org.osgi.service.component.annotations.Component;

/** {@code mmkit.workload.impl = sequential}: a sequential scan with a stride, wrapping around the region; settings in {@code mmkit.workload.sequential}. */
@Component(service = WorkloadSourceProvider.class, property = ImplementationProvider.NAME + "=sequential")
public final class SequentialWorkloadProvider extends SyntheticProvider {
    public SequentialWorkloadProvider() {
        super("sequential");
    }

    @Override
    public String description() {
        return "a sequential scan with a stride, wrapping around the region";
    }

    @Override
    void validateOwn(Settings block) {
        long stride = block.getBytes("stride");
        if (stride < 1 || stride > 4096) {
            block.reportProblem("stride", stride + " bytes (expected: 1-4096)");
        }
    }

    @Override
    WorkloadSource create(Settings block, long pages, long references, double writeRatio, Machine machine) {
        return new SequentialWorkload(pages, references, writeRatio, block.getBytes("stride"), machine.random());
    }
}
