package dev.mmkit.workload;

import dev.mmkit.api.machine.ImplementationProvider;
import dev.mmkit.api.machine.Machine;
import dev.mmkit.api.machine.Settings;
import dev.mmkit.api.workload.WorkloadSource;
import dev.mmkit.api.workload.WorkloadSourceProvider;
import org.osgi.service.component.annotations.Component;

/** {@code mmkit.workload.impl = uniform}: uniformly random references over the region; settings in {@code mmkit.workload.uniform}. */
@Component(service = WorkloadSourceProvider.class, property = ImplementationProvider.NAME + "=uniform")
public final class UniformWorkloadProvider extends SyntheticProvider {
    public UniformWorkloadProvider() {
        super("uniform");
    }

    @Override
    public String description() {
        return "uniformly random references over the region";
    }

    @Override
    WorkloadSource create(Settings block, long pages, long references, double writeRatio, Machine machine) {
        return new UniformWorkload(pages, references, writeRatio, machine.random());
    }
}
