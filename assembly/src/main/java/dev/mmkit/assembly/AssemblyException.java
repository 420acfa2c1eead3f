package dev.mmkit.assembly;

/**
 * The assembly cannot boot or a run failed for a reason other than its configuration: a
 * bundle that does not resolve, a provider that throws, a workload that fails. The message
 * names the thing (bundle and version, implementation, file) and the cause.
 */
public class AssemblyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public AssemblyException(String message) {
        super(message);
    }

    public AssemblyException(String message, Throwable cause) {
        super(message, cause);
    }
}
