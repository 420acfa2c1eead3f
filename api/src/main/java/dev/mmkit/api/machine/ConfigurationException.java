package dev.mmkit.api.machine;

import java.util.List;

/**
 * The configuration cannot build a machine. Carries every problem found, each already
 * formatted as {@code file: line: path: problem}, so that one run reports them all.
 */
public class ConfigurationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    public ConfigurationException(List<String> problems) {
        super(String.join(System.lineSeparator(), problems));
        this.problems = List.copyOf(problems);
    }

    public ConfigurationException(String problem) {
        this(List.of(problem));
    }

    /** Every problem, one per element, in the order found. */
    public List<String> problems() {
        return problems;
    }
}
