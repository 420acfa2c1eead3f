package dev.mmkit.api.workload;

import dev.mmkit.api.machine.Characteristic;
import java.io.IOException;
import java.util.Set;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Something that runs on the machine: a trace replayed or a synthetic program. It streams
 * its events into the {@link Kernel}; a trace of any length is never held whole.
 */
@ConsumerType
public interface WorkloadSource {
    /** What the source can tell beyond the references themselves (e.g. each page's next use). */
    default Set<Characteristic> characteristics() {
        return Set.of();
    }

    /** References the run will make, for progress reporting; −1 when unknown. */
    default long expectedReferences() {
        return -1;
    }

    /**
     * Runs to the end. A malformed input is a {@link WorkloadException} naming its line or
     * record; everything before it has run.
     */
    void run(Kernel kernel) throws IOException;
}
