package dev.mmkit.machine;

import com.typesafe.config.ConfigOrigin;
import dev.mmkit.api.machine.ConfigurationException;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects configuration problems so that one run reports all of them, each as
 * {@code file: line: path: problem}.
 */
public final class Problems {
    private final List<String> problems = new ArrayList<>();

    /** Records a problem with the value at {@code path}, which came from {@code origin} (may be null). */
    public void add(ConfigOrigin origin, String path, String problem) {
        problems.add(where(origin) + path + ": " + problem);
    }

    /** Records a problem that has no configuration value to point at. */
    public void add(String problem) {
        problems.add(problem);
    }

    public boolean isEmpty() {
        return problems.isEmpty();
    }

    public List<String> list() {
        return List.copyOf(problems);
    }

    /** Throws every problem recorded so far as one {@link ConfigurationException}. */
    public void throwIfAny() {
        if (!problems.isEmpty()) {
            throw new ConfigurationException(problems);
        }
    }

    /** {@code file: line: } of an origin, or {@code description: } when it has no file. */
    static String where(ConfigOrigin origin) {
        if (origin == null) {
            return "";
        }
        String source = origin.filename() != null ? origin.filename()
            : origin.resource() != null ? origin.resource()
            : origin.description();
        int line = origin.lineNumber();
        return line >= 0 && !source.endsWith(": " + line) ? source + ": " + line + ": " : source + ": ";
    }
}
