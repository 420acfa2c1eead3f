package dev.mmkit.api.machine;

import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * One block of the machine's configuration, as an implementation sees it: typed getters
 * over keys relative to {@link #path()}, and a way to report a problem with a key so that
 * the message names the file, line and full path the value came from.
 *
 * <p>Sizes accept HOCON units ({@code 256MiB}); durations accept HOCON durations
 * ({@code 30s}). A getter given a missing key or a value of the wrong type throws a
 * {@link ConfigurationException} that names the origin. Every module's
 * {@code reference.conf} supplies the defaults, so a documented key is never missing.
 */
@ProviderType
public interface Settings {
    /** The full path of this block, e.g. {@code mmkit.machine.tlb}. */
    String path();

    boolean has(String key);

    String getString(String key);

    int getInt(String key);

    long getLong(String key);

    double getDouble(String key);

    boolean getBoolean(String key);

    /** A size in bytes; accepts {@code 4KiB}, {@code 16MiB}, or a plain number of bytes. */
    long getBytes(String key);

    /** A duration in nanoseconds; accepts {@code 5s}, {@code 100ns}. */
    long getNanos(String key);

    List<String> getStringList(String key);

    /** A nested block. */
    Settings getBlock(String key);

    /** The nested blocks of a list of objects, e.g. the zones. */
    List<? extends Settings> getBlockList(String key);

    /** Where a key's value came from: {@code file: line}, or {@code reference.conf} defaults. */
    String origin(String key);

    /**
     * Records a problem with a key's value. The machine collects every problem of every
     * implementation and reports them together before anything runs; messages read like
     * {@code must be a power of two, got 48}.
     */
    void reportProblem(String key, String problem);
}
