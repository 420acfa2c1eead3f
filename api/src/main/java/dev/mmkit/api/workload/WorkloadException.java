package dev.mmkit.api.workload;

/**
 * A workload cannot go on: a bad trace line or record, named by its position
 * ({@code trace.txt: line 17: bad address 'xyz'}).
 */
public class WorkloadException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public WorkloadException(String message) {
        super(message);
    }

    public WorkloadException(String message, Throwable cause) {
        super(message, cause);
    }

    /** {@code source: line N: problem}. */
    public static WorkloadException atLine(String source, long line, String problem) {
        return new WorkloadException(source + ": line " + line + ": " + problem);
    }

    /** {@code source: record N: problem}. */
    public static WorkloadException atRecord(String source, long record, String problem) {
        return new WorkloadException(source + ": record " + record + ": " + problem);
    }
}
