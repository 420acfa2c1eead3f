package dev.mmkit.workload;

import dev.mmkit.api.machine.ImplementationProvider;
import dev.mmkit.api.machine.Machine;
import dev.mmkit.api.machine.Settings;
import dev.mmkit.api.workload.WorkloadSource;
import dev.mmkit.api.workload.WorkloadSourceProvider;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import org.osgi.service.component.annotations.Component;

/**
 * {@code mmkit.workload.impl = trace}: replays a recorded memory trace in one of the formats
 * of {@code mmkit.workload.trace.format}.
 */
@Component(service = WorkloadSourceProvider.class, property = ImplementationProvider.NAME + "=trace")
public final class TraceWorkloadProvider implements WorkloadSourceProvider {
    static final List<String> FORMATS = List.of("lackey", "oracle-general", "text");

    @Override
    public String description() {
        return "replays a memory trace: valgrind lackey, libCacheSim oracleGeneral or plain text";
    }

    @Override
    public void validate(Settings settings) {
        Settings trace = settings.getBlock("trace");
        String format = trace.getString("format");
        if (!FORMATS.contains(format)) {
            trace.reportProblem("format", "Unknown trace format [" + format + "], known options " + FORMATS);
        }
        String path = trace.getString("path");
        if (path.isBlank()) {
            trace.reportProblem("path", "no trace file given (set mmkit.workload.trace.path or use --trace FORMAT:PATH)");
        } else {
            checkFile(trace, path);
        }
        if (trace.getString("process-name").isBlank()) {
            trace.reportProblem("process-name", "empty (expected: a process name such as trace)");
        }
        trace.getBoolean("page-numbers");
    }

    /** Reports a path the host cannot name (a NUL character), a missing file, a directory, or a file it cannot read. */
    private static void checkFile(Settings trace, String path) {
        Path file;
        try {
            file = Path.of(path);
        } catch (InvalidPathException e) {
            trace.reportProblem("path", "not a file name (" + e.getReason() + ")");
            return;
        }
        if (Files.isDirectory(file)) {
            trace.reportProblem("path", path + " is a directory (expected: a trace file)");
        } else if (!Files.isRegularFile(file)) {
            trace.reportProblem("path", "no such file: " + path);
        } else if (!Files.isReadable(file)) {
            trace.reportProblem("path", "cannot read " + path);
        }
    }

    @Override
    public WorkloadSource create(Settings settings, Machine machine) {
        Settings trace = settings.getBlock("trace");
        Path path = Path.of(trace.getString("path"));
        String name = trace.getString("process-name");
        String format = trace.getString("format");
        switch (format) {
            case "lackey":
                return new LackeyTrace(path, name);
            case "oracle-general":
                return new OracleGeneralTrace(path, name);
            case "text":
                return new TextTrace(path, trace.getBoolean("page-numbers"), name);
            default:
                throw new IllegalArgumentException("Unknown trace format [" + format + "], known options " + FORMATS);
        }
    }
}
