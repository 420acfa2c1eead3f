package dev.mmkit.testkit;

import dev.mmkit.api.machine.Machine;
import dev.mmkit.assembly.Assembly;
import dev.mmkit.assembly.Implementation;
import dev.mmkit.assembly.Slot;
import dev.mmkit.machine.StandaloneMachine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Boots a whole mmkit assembly inside a JUnit 5 test: real Felix, the project's bundles
 * (embedded in the assembly jar), the plugin jars given, and the configuration given.
 *
 * <pre>{@code
 * class MyPolicyIT {
 *     @RegisterExtension
 *     static final MmkitAssembly mmkit = MmkitAssembly
 *         .config("mmkit.machine.replacement.impl = my-policy")
 *         .plugin(Path.of("target/my-policy.jar"))
 *         .runWorkload();
 *
 *     @Test
 *     void evicts() {
 *         assertThat(mmkit.vmstat().get("pswpout")).isPositive();
 *         assertThat(mmkit.report()).contains("pswpout");
 *     }
 * }
 * }</pre>
 *
 * <p>As a {@code static} field the assembly boots once before all tests of the class and
 * stops after them; as an instance field it boots for each test. Without the extension,
 * {@link #boot()} gives an {@link Assembly} to close yourself, and {@link #run()} boots,
 * runs the workload and stops in one call. Each boot gets a fresh run directory (removed
 * when the assembly stops) unless {@link #runDirectory} names one.
 *
 * <p>A configuration that does not validate fails the boot with a
 * {@link dev.mmkit.api.machine.ConfigurationException} listing every problem as
 * {@code file: line: path: problem}; a plugin that does not resolve or whose provider
 * throws fails it with an {@link dev.mmkit.assembly.AssemblyException} naming the bundle.
 */
public final class MmkitAssembly implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {
    private final List<String> texts = new ArrayList<>();
    private final List<String> sets = new ArrayList<>();
    private final List<Path> plugins = new ArrayList<>();
    private Path configFile;
    private Path runDirectory;
    private boolean runWorkload;

    private Assembly assembly;
    private Path ownRunDirectory;
    private boolean perClass;

    private MmkitAssembly() {
    }

    /** An assembly on the defaults of every reference.conf. */
    public static MmkitAssembly defaults() {
        return new MmkitAssembly();
    }

    /** An assembly configured by HOCON text, as a user's file would be. */
    public static MmkitAssembly config(String hocon) {
        return new MmkitAssembly().andConfig(hocon);
    }

    /** More HOCON text over the earlier texts. */
    public MmkitAssembly andConfig(String hocon) {
        texts.add(hocon);
        return this;
    }

    /** A configuration file under the texts ({@code -c FILE}). */
    public MmkitAssembly configFile(Path file) {
        this.configFile = file;
        return this;
    }

    /** {@code --set path=value}, over every text and the file. */
    public MmkitAssembly set(String path, Object value) {
        sets.add(path + "=" + value);
        return this;
    }

    /** A plugin bundle jar to install after the project's bundles. */
    public MmkitAssembly plugin(Path jar) {
        plugins.add(jar);
        return this;
    }

    /** Every jar of a directory as plugins ({@code mmkit.plugins.dir}). */
    public MmkitAssembly pluginsDir(Path dir) {
        return set("mmkit.plugins.dir", com.typesafe.config.ConfigUtil.quoteString(dir.toString()));
    }

    /** The run directory to use (kept after the test); by default a fresh temporary one, removed. */
    public MmkitAssembly runDirectory(Path dir) {
        this.runDirectory = dir;
        return this;
    }

    /** Makes the extension run the workload right after the boot, before the tests. */
    public MmkitAssembly runWorkload() {
        this.runWorkload = true;
        return this;
    }

    /** A copy of this description, to vary one setting: {@code base.copy().set(...)}. */
    public MmkitAssembly copy() {
        MmkitAssembly copy = new MmkitAssembly();
        copy.texts.addAll(texts);
        copy.sets.addAll(sets);
        copy.plugins.addAll(plugins);
        copy.configFile = configFile;
        copy.runDirectory = runDirectory;
        copy.runWorkload = runWorkload;
        return copy;
    }

    /**
     * Boots an assembly that the caller closes.
     *
     * @throws dev.mmkit.api.machine.ConfigurationException every configuration problem
     * @throws dev.mmkit.assembly.AssemblyException a bundle or provider failure, named
     */
    public Assembly boot() {
        return builder(runDirectory != null ? runDirectory : temporaryDirectory()).boot();
    }

    /** Boots, runs the workload and stops: the counters and report of one whole run. */
    public RunOutcome run() {
        Path dir = runDirectory != null ? runDirectory : temporaryDirectory();
        try (Assembly a = builder(dir).boot()) {
            long references = a.run();
            return new RunOutcome(references, a.vmstat(), a.counters(), a.report("text"), a.report("json"),
                a.implementations());
        } finally {
            if (runDirectory == null) {
                delete(dir);
            }
        }
    }

    /**
     * The configuration problems of this description, found without building a machine
     * (types, unknown keys, unknown implementation names, values the machine and the chosen
     * implementations check; not the zone layout); empty when it would boot.
     */
    public List<String> problems() {
        Path dir = runDirectory != null ? runDirectory : temporaryDirectory();
        try (Assembly.Inspection inspection = builder(dir).inspect()) {
            return inspection.problems();
        } finally {
            if (runDirectory == null) {
                delete(dir);
            }
        }
    }

    private Assembly.Builder builder(Path dir) {
        Assembly.Builder b = Assembly.builder().configFile(configFile).runDirectory(dir);
        texts.forEach(b::config);
        sets.forEach(b::set);
        plugins.forEach(b::plugin);
        return b;
    }

    /** The counters and reports of a run that has ended. */
    public record RunOutcome(long references, Map<String, Long> vmstat, Map<String, Long> counters, String report,
                             String jsonReport, Map<Slot, Implementation> implementations) {
    }

    // The running assembly, while the extension holds one.

    /** The running assembly; fails outside a test. */
    public Assembly assembly() {
        if (assembly == null) {
            throw new IllegalStateException("no assembly is running: register this with @RegisterExtension");
        }
        return assembly;
    }

    /** The machine, every collaborator created. */
    public StandaloneMachine machine() {
        return assembly().machine();
    }

    /** The machine as implementations see it. */
    public Machine machineView() {
        return assembly().machine();
    }

    /** {@code /proc/vmstat} now, Linux's names. */
    public Map<String, Long> vmstat() {
        return assembly().vmstat();
    }

    /** The text report now. */
    public String report() {
        return assembly().report("text");
    }

    /** The report now, {@code text} or {@code json}. */
    public String report(String format) {
        return assembly().report(format);
    }

    /** Which implementation fills each slot. */
    public Map<Slot, Implementation> implementations() {
        return assembly().implementations();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        perClass = true;
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (!perClass) {
            start();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (!perClass) {
            stop();
        }
    }

    private void start() {
        Path dir = runDirectory;
        if (dir == null) {
            dir = temporaryDirectory();
            ownRunDirectory = dir;
        }
        try {
            assembly = builder(dir).boot();
            if (runWorkload) {
                assembly.run();
            }
        } catch (RuntimeException | Error e) {
            stop();
            throw e;
        }
    }

    private void stop() {
        try {
            if (assembly != null) {
                assembly.close();
            }
        } finally {
            assembly = null;
            if (ownRunDirectory != null) {
                delete(ownRunDirectory);
                ownRunDirectory = null;
            }
        }
    }

    private static Path temporaryDirectory() {
        try {
            return Files.createTempDirectory("mmkit-testkit-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a run directory: " + e.getMessage(), e);
        }
    }

    private static void delete(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    Files.delete(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the run directory " + dir + ": " + e.getMessage(), e);
        }
    }
}
