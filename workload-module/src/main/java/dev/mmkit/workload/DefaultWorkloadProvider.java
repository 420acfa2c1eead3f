package dev.mmkit.workload;

import dev.mmkit.api.machine.ImplementationProvider;
import dev.mmkit.api.machine.Machine;
import dev.mmkit.api.machine.Settings;
import dev.mmkit.api.workload.WorkloadSource;
import dev.mmkit.api.workload.WorkloadSourceProvider;
import org.osgi.service.component.annotations.Component;

/**
 * {@code mmkit.workload.impl = default}: the embedded program of {@code mmkit run} with no
 * arguments ({@link DefaultWorkload}); settings in {@code mmkit.workload.default}.
 */
@Component(service = WorkloadSourceProvider.class, property = ImplementationProvider.NAME + "=default")
public final class DefaultWorkloadProvider implements WorkloadSourceProvider {
    @Override
    public String description() {
        return "processes, fork, exec, brk, mmap, mprotect, files and more memory than RAM, with data checks";
    }

    @Override
    public void validate(Settings settings) {
        Settings block = settings.getBlock("default");
        double pressure = block.getDouble("pressure");
        if (!(pressure >= 0 && pressure <= 16)) {
            block.reportProblem("pressure", pressure + " (expected: 0.0-16.0 times RAM)");
        }
        block.getBoolean("check-data");
    }

    @Override
    public WorkloadSource create(Settings settings, Machine machine) {
        Settings block = settings.getBlock("default");
        Settings memory = machine.settings().getBlock("memory");
        boolean contentsKept = !"none".equals(memory.getString("backing"));
        return new DefaultWorkload(memory.getBytes("size"), block.getDouble("pressure"),
            contentsKept && block.getBoolean("check-data"), machine.seed());
    }
}
