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

    /** Adds every problem of {@code e}, already formatted. */
    public void addAll(ConfigurationException e) {
        problems.addAll(e.problems());
    }

    /** {@code file: line: } of an origin, or {@code description: } when it has no file. */
    public static String where(ConfigOrigin origin) {
        if (origin == null) {
            return "";
        }
        String source = origin.filename() != null ? origin.filename()
            : origin.resource() != null ? jarOf(origin) + origin.resource()
            : origin.description();
        int line = origin.lineNumber();
        return line >= 0 && !source.endsWith(": " + line) ? source + ": " + line + ": " : source + ": ";
    }

    /** {@code mmkit-machine-1.0.0.jar!/} for a resource inside a jar, else empty. */
    private static String jarOf(ConfigOrigin origin) {
        java.net.URL url = origin.url();
        if (url == null || !"jar".equals(url.getProtocol())) {
            return "";
        }
        String path = url.getPath();
        int bang = path.indexOf("!/");
        String jar = bang >= 0 ? path.substring(0, bang) : path;
        return jar.substring(jar.lastIndexOf('/') + 1) + "!/";
    }
}
