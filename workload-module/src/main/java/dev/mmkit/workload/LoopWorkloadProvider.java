package dev.mmkit.workload;

import dev.mmkit.api.machine.ImplementationProvider;
import dev.mmkit.api.machine.Machine;
import dev.mmkit.api.machine.Settings;
import dev.mmkit.api.workload.WorkloadSource;
import dev.mmkit.api.workload.WorkloadSourceProvider;
import org.osgi.service.component.annotations.Component;

/** {@code mmkit.workload.impl = loop}: a loop over the region, one reference per page (LRU's worst case); settings in {@code mmkit.workload.loop}. */
@Component(service = WorkloadSourceProvider.class, property = ImplementationProvider.NAME + "=loop")
public final class LoopWorkloadProvider extends SyntheticProvider {
    public LoopWorkloadProvider() {
        super("loop");
    }

    @Override
    public String description() {
        return "a loop over the region, one reference per page (LRU's worst case)";
    }

    @Override
    WorkloadSource create(Settings block, long pages, long references, double writeRatio, Machine machine) {
        return new LoopWorkload(pages, references, writeRatio, machine.random());
    }
}
