package dev.mmkit.api.machine;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * The base of every extension point's provider. A provider is an OSGi service whose
 * {@link #NAME} property is the name configuration uses to select it
 * ({@code mmkit.machine.replacement.impl = clock}). It checks its settings before the
 * machine is built and then creates the implementation.
 */
@ConsumerType
public interface ImplementationProvider {
    /** The service property that carries the implementation's name. */
    String NAME = "mmkit.name";

    /**
     * Checks this implementation's settings without creating anything, reporting every
     * problem through {@link Settings#reportProblem}. Called for every selected
     * implementation before any is created, so that a run reports all problems at once.
     */
    default void validate(Settings settings) {
    }

    /** One line for {@code mmkit plugins}: what this implementation is. */
    default String description() {
        return "";
    }
}
