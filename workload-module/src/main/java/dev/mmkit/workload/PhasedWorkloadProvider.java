package dev.mmkit.workload;

import dev.mmkit.api.machine.ImplementationProvider;
import dev.mmkit.api.machine.Machine;
import dev.mmkit.api.machine.Settings;
import dev.mmkit.api.workload.WorkloadSource;
import dev.mmkit.api.workload.WorkloadSourceProvider;
import org.osgi.service.component.annotations.Component;

/** {@code mmkit.workload.impl = phased}: working sets that move between phases (Denning); settings in {@code mmkit.workload.phased}. */
@Component(service = WorkloadSourceProvider.class, property = ImplementationProvider.NAME + "=phased")
public final class PhasedWorkloadProvider extends SyntheticProvider {
    public PhasedWorkloadProvider() {
        super("phased");
    }

    @Override
    public String description() {
        return "working sets that move between phases (Denning)";
    }

    @Override
    void validateOwn(Settings block) {
        long pages = block.getLong("pages");
        long phases = block.getLong("phases");
        if (phases < 1) {
            block.reportProblem("phases", phases + " (expected: at least 1)");
        }
        long workingSet = block.getLong("working-set");
        if (workingSet < 1 || workingSet > pages) {
            block.reportProblem("working-set", workingSet + " pages (expected: 1-" + pages + ", at most pages)");
        }
        long shift = block.getLong("shift");
        if (shift < 0) {
            block.reportProblem("shift", shift + " pages (expected: at least 0)");
        }
    }

    @Override
    WorkloadSource create(Settings block, long pages, long references, double writeRatio, Machine machine) {
        return new PhasedWorkload(pages, references, writeRatio, block.getLong("phases"), block.getLong("working-set"),
            block.getLong("shift"), machine.random());
    }
}
