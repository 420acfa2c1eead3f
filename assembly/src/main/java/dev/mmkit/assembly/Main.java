package dev.mmkit.assembly;

import dev.mmkit.api.machine.ConfigurationException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * The {@code mmkit} command line: {@code run}, {@code plugins}, {@code config}, {@code trace}.
 * Exit status: 0 on success, 2 on a usage or configuration error, 1 when the run fails.
 */
@Command(name = "mmkit", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "A memory-management machine assembled from OSGi plugins.")
public final class Main implements Callable<Integer> {
    /** The commands, in the order {@code mmkit --help} lists them. */
    private static final List<Class<?>> COMMANDS = List.of(Run.class, Plugins.class, ConfigCommand.class, TraceCommand.class);

    /** Success. */
    public static final int OK = 0;
    /** The run failed (a bundle, a provider, the workload). */
    public static final int FAILED = 1;
    /** A usage or configuration error. */
    public static final int USAGE = 2;

    /** Picocli's system property: the classes whose built-in converters it does not look up. */
    private static final String CONVERTERS_EXCLUDES = "picocli.converters.excludes";

    final PrintStream out;
    final PrintStream err;

    Main(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        // Picocli looks up converters for java.time and java.sql types by reflection when it
        // builds a command line, initialising java.time's formatters on the way: no option
        // here has such a type, and skipping them takes ~9 ms off every start (cli built in a
        // median 97 against 106 ms, 10 alternated runs). A value set by the user stands.
        if (System.getProperty(CONVERTERS_EXCLUDES) == null) {
            System.setProperty(CONVERTERS_EXCLUDES, "java\\.time\\..*|java\\.sql\\..*");
        }
        Assembly.prepare();
        int status = execute(System.out, System.err, args);
        System.out.flush();
        System.exit(status);
    }

    /** Runs the command line in this process (as tests do), returning the exit status. */
    public static int execute(PrintStream out, PrintStream err, String... args) {
        CommandLine cli = new CommandLine(new Main(out, err));
        for (Class<?> command : commandsFor(args)) {
            cli.addSubcommand(command);
        }
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        cli.setExecutionExceptionHandler((e, line, parsed) -> {
            err.println("mmkit: " + e);
            e.printStackTrace(err);
            return FAILED;
        });
        return cli.execute(args);
    }

    /**
     * The commands picocli needs to parse {@code args}: the one the first argument names, or
     * all of them (for {@code --help}, a missing or a misspelt command). Picocli reads each
     * command's annotations when it is added: the three a command line does not name cost
     * a cold start about 25 ms (of picocli's 200).
     */
    static List<Class<?>> commandsFor(String... args) {
        if (args.length > 0) {
            for (Class<?> command : COMMANDS) {
                if (command.getAnnotation(Command.class).name().equals(args[0])) {
                    return List.of(command);
                }
            }
        }
        return COMMANDS;
    }

    @Override
    public Integer call() {
        List<String> names = COMMANDS.stream().map(command -> command.getAnnotation(Command.class).name()).toList();
        err.println("mmkit: missing command: " + String.join(", ", names.subList(0, names.size() - 1)) + " or "
            + names.get(names.size() - 1) + " (mmkit --help tells more)");
        return USAGE;
    }

    /** The configuration options every command takes. */
    static final class ConfigOptions {
        @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "HOCON configuration file over the defaults.")
        Path file;

        @Option(names = "--set", paramLabel = "PATH=VALUE",
            description = "Overrides one setting, e.g. --set mmkit.machine.memory.size=128MiB (repeatable).")
        List<String> sets = new ArrayList<>();

        @Option(names = {"-v", "--verbose"}, description = "Prints timings (ready in N ms) and stack traces on stderr.")
        boolean verbose;

        Assembly.Builder builder(List<String> firstSets) {
            Assembly.Builder b = Assembly.builder().configFile(file);
            firstSets.forEach(b::set);
            sets.forEach(b::set);
            return b;
        }
    }

    /** Reports a failure as the exit status says; returns the status. */
    static int fail(PrintStream err, RuntimeException e, boolean verbose) {
        if (e instanceof ConfigurationException c) {
            err.println("mmkit: configuration error" + (c.problems().size() > 1 ? "s:" : ":"));
            c.problems().forEach(p -> err.println("  " + p));
            return USAGE;
        }
        err.println("mmkit: " + (e instanceof AssemblyException ? e.getMessage() : e.toString()));
        if (verbose) {
            e.printStackTrace(err);
        }
        return FAILED;
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
        description = "Boots the machine, runs the workload and prints the report.")
    static final class Run implements Callable<Integer> {
        @ParentCommand
        Main main;

        @Mixin
        ConfigOptions options;

        @Option(names = "--trace", paramLabel = "FORMAT:PATH",
            description = "Replays a trace: FORMAT is lackey, oracle-general or text (sets mmkit.workload.impl=trace).")
        String trace;

        @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text",
            description = "Report format: text (Linux's /proc files) or json. Default: ${DEFAULT-VALUE}.")
        String format;

        @Override
        public Integer call() {
            if (!format.equals("text") && !format.equals("json")) {
                main.err.println("mmkit: --format " + format + ": Unknown format [" + format + "], known options [json, text]");
                return USAGE;
            }
            List<String> traceSets = new ArrayList<>();
            if (trace != null) {
                int colon = trace.indexOf(':');
                if (colon <= 0 || colon == trace.length() - 1) {
                    main.err.println("mmkit: --trace " + trace + ": expected FORMAT:PATH, e.g. lackey:trace.txt");
                    return USAGE;
                }
                traceSets.add("mmkit.workload.impl=trace");
                traceSets.add("mmkit.workload.trace.format=" + quote(trace.substring(0, colon)));
                traceSets.add("mmkit.workload.trace.path=" + quote(trace.substring(colon + 1)));
            }
            try (Assembly assembly = options.builder(traceSets).progressBar(System.console() != null).boot()) {
                if (options.verbose) {
                    main.err.println("mmkit: ready in " + sinceJvmStart() + " ms (boot " + assembly.bootNanos() / 1_000_000
                        + " ms: " + assembly.bootPhases() + ", framework " + assembly.host().timings() + ")");
                }
                long t0 = System.nanoTime();
                long references = assembly.run();
                long t1 = System.nanoTime();
                main.out.print(assembly.report(format));
                main.out.flush();
                if (options.verbose) {
                    main.err.println("mmkit: " + references + " references in " + (t1 - t0) / 1_000_000 + " ms, report in "
                        + (System.nanoTime() - t1) / 1_000_000 + " ms, done in " + sinceJvmStart() + " ms");
                }
                return OK;
            } catch (RuntimeException e) {
                return fail(main.err, e, options.verbose);
            }
        }
    }

    @Command(name = "plugins", mixinStandardHelpOptions = true,
        description = "Lists every extension point with the implementations available (name, bundle, version).")
    static final class Plugins implements Callable<Integer> {
        @ParentCommand
        Main main;

        @Mixin
        ConfigOptions options;

        @Override
        public Integer call() {
            try (Assembly.Inspection inspection = options.builder(List.of()).inspect()) {
                for (Map.Entry<Slot, List<Implementation>> e : inspection.implementations().entrySet()) {
                    Slot slot = e.getKey();
                    String configured = inspection.config() != null && inspection.config().hasPath(slot.implPath())
                        ? String.valueOf(inspection.config().getValue(slot.implPath()).unwrapped()) : "?";
                    main.out.println(slot.displayName() + "  (" + slot.implPath() + " = " + configured + ")");
                    if (e.getValue().isEmpty() && !slot.optional()) {
                        main.out.println("    (no implementation installed)");
                    }
                    for (Implementation i : e.getValue()) {
                        String description = inspection.description(i);
                        main.out.printf("  %s %-18s %-26s %-24s %s%n", i.name().equals(configured) ? "*" : " ", i.name(),
                            i.bundle(), i.version(), description);
                    }
                    if (slot.optional()) {
                        main.out.printf("  %s %-18s %s%n", Slot.NONE.equals(configured) ? "*" : " ", Slot.NONE,
                            "(leaves the slot empty)");
                    }
                }
                return OK;
            } catch (RuntimeException e) {
                return fail(main.err, e, options.verbose);
            }
        }
    }

    @Command(name = "config", mixinStandardHelpOptions = true,
        description = "Prints the effective configuration, each value with where it came from.")
    static final class ConfigCommand implements Callable<Integer> {
        @ParentCommand
        Main main;

        @Mixin
        ConfigOptions options;

        @Override
        public Integer call() {
            try (Assembly.Inspection inspection = options.builder(List.of()).inspect()) {
                if (inspection.config() != null) {
                    main.out.print(Configuration.render(inspection.config()));
                }
                if (!inspection.problems().isEmpty()) {
                    return fail(main.err, new ConfigurationException(inspection.problems()), options.verbose);
                }
                return OK;
            } catch (RuntimeException e) {
                return fail(main.err, e, options.verbose);
            }
        }
    }

    @Command(name = "trace", mixinStandardHelpOptions = true,
        description = {"Records the references of a synthetic workload as a libCacheSim oracleGeneral trace, each record"
            + " with its page's next access, e.g.: mmkit trace zipf --pages 1000000 --references 10000000 --alpha 0.9"
            + " --seed 1 zipf.oracleGeneral"})
    static final class TraceCommand implements Callable<Integer> {
        @ParentCommand
        Main main;

        @Mixin
        ConfigOptions options;

        @CommandLine.Parameters(index = "0", paramLabel = "WORKLOAD",
            description = "The workload to record: sequential, uniform, zipf, loop, phased (mmkit.workload.impl).")
        String workload;

        @CommandLine.Parameters(index = "1", paramLabel = "OUT", description = "The trace file to write (replaced).")
        Path out;

        @Option(names = "--pages", paramLabel = "N", description = "Pages in the region (mmkit.workload.WORKLOAD.pages).")
        Long pages;

        @Option(names = "--references", paramLabel = "N", description = "References to record (mmkit.workload.WORKLOAD.references).")
        Long references;

        @Option(names = "--alpha", paramLabel = "A", description = "zipf: the skew (mmkit.workload.zipf.alpha).")
        Double alpha;

        @Option(names = "--seed", paramLabel = "S", description = "The machine's seed (mmkit.machine.seed).")
        Long seed;

        @Override
        public Integer call() {
            List<String> sets = new ArrayList<>();
            sets.add("mmkit.workload.impl=" + quote(workload));
            String block = "mmkit.workload." + quote(workload) + ".";
            if (pages != null) {
                sets.add(block + "pages=" + pages);
            }
            if (references != null) {
                sets.add(block + "references=" + references);
            }
            if (alpha != null) {
                sets.add(block + "alpha=" + alpha);
            }
            if (seed != null) {
                sets.add("mmkit.machine.seed=" + seed);
            }
            try (Assembly assembly = options.builder(sets).boot()) {
                TraceRecorder recorder = new TraceRecorder(assembly.implementations().get(Slot.WORKLOAD).describe());
                long t0 = System.nanoTime();
                try {
                    assembly.workload().run(recorder);
                    recorder.write(out);
                } catch (java.io.IOException e) {
                    // a FileSystemException's message is its path; its reason, when the host gave one, says what failed
                    String why = e instanceof java.nio.file.FileSystemException f
                        ? java.util.Objects.requireNonNullElse(f.getReason(), e.getClass().getSimpleName()) : e.getMessage();
                    main.err.println("mmkit: trace: cannot write " + out + ": " + why);
                    return FAILED;
                } catch (UnsupportedOperationException e) {
                    main.err.println("mmkit: trace: " + e.getMessage());
                    return FAILED;
                } catch (OutOfMemoryError e) {
                    long recorded = recorder.references();
                    recorder = null; // its pages, most of the heap: collectable before the message is made
                    main.err.println("mmkit: trace: the host's Java heap ran out after " + recorded + " references (its limit: "
                        + (Runtime.getRuntime().maxMemory() >> 20) + " MiB; the recorder keeps 8 bytes per reference and"
                        + " a table of the pages to write them); give the JVM more (MMKIT_JAVA_OPTS=-Xmx<size>) or record"
                        + " fewer references");
                    return FAILED;
                }
                if (options.verbose) {
                    main.err.println("mmkit: " + recorder.references() + " references written to " + out + " in "
                        + (System.nanoTime() - t0) / 1_000_000 + " ms");
                }
                return OK;
            } catch (RuntimeException e) {
                return fail(main.err, e, options.verbose);
            }
        }
    }

    /**
     * A HOCON quoted string. Written here rather than taken from Typesafe Config so that the
     * command line touches none of its classes while {@link Assembly#prepare} loads them.
     */
    static String quote(String value) {
        StringBuilder s = new StringBuilder(value.length() + 2).append('"');
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"' -> s.append("\\\"");
                case '\\' -> s.append("\\\\");
                case '\n' -> s.append("\\n");
                case '\t' -> s.append("\\t");
                default -> s.append(c);
            }
        }
        return s.append('"').toString();
    }

    private static long sinceJvmStart() {
        return System.currentTimeMillis() - java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime();
    }

    /** The version of the assembly jar. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"mmkit " + (v != null ? v : "1.0.0-SNAPSHOT")};
        }
    }
}
