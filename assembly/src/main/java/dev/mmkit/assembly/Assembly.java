package dev.mmkit.assembly;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Stage;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import dev.mmkit.api.hw.Page;
import dev.mmkit.api.machine.Characteristic;
import dev.mmkit.api.machine.ConfigurationException;
import dev.mmkit.api.machine.ImplementationProvider;
import dev.mmkit.api.machine.VmItem;
import dev.mmkit.api.mm.MemoryManager;
import dev.mmkit.api.replacement.PageReferences;
import dev.mmkit.api.replacement.ReplacementPolicy;
import dev.mmkit.api.tlb.Tlb;
import dev.mmkit.api.workload.WorkloadException;
import dev.mmkit.api.workload.WorkloadSource;
import dev.mmkit.machine.ConfigSettings;
import dev.mmkit.machine.Problems;
import dev.mmkit.machine.StandaloneMachine;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.LongConsumer;

/**
 * A machine assembled from bundles by configuration: the OSGi framework with the project's
 * bundles and the plugins, the validated configuration, and the wired machine with its
 * workload, ready to run.
 *
 * <pre>{@code
 * try (Assembly a = Assembly.builder().configFile(Path.of("my.conf")).set("mmkit.machine.seed=7").boot()) {
 *     a.run();
 *     System.out.print(a.report("text"));
 * }
 * }</pre>
 *
 * <h2>How it boots</h2>
 * <ol>
 *   <li>The user's layers are parsed ({@code -c FILE}, HOCON text, {@code --set}); the plugins
 *       directory and run directory are read from them over the host's defaults.</li>
 *   <li>{@link BundleHost} starts Felix with the embedded bundles and the plugins.</li>
 *   <li>The defaults of the host and of every bundle are merged under the user's layers.</li>
 *   <li>Validation, every problem collected before any is reported: value types against the
 *       defaults, keys no default declares, implementation names no provider offers, the
 *       machine's own settings, and each chosen provider's {@code validate}.</li>
 *   <li>Guice binds each slot to its provider; {@link MachineFactory} builds the machine,
 *       and every collaborator and the workload are created at once, so that a machine
 *       never starts half-wired.</li>
 * </ol>
 */
public final class Assembly implements AutoCloseable {
    static {
        // Guice starts faster without collecting a stack trace per binding,
        defaultProperty("guice_include_stack_traces", "OFF");
        // and calls constructors by reflection instead of spinning a class of glue bytecode
        // for each (its own ASM, a hidden class each): every object is built once per boot,
        // and the wiring took 31 instead of 40 ms (medians of 8 default runs, alternated).
        defaultProperty("guice_bytecode_gen_option", "DISABLED");
    }

    /** Sets a system property that the command line left unset. */
    private static void defaultProperty(String name, String value) {
        if (System.getProperty(name) == null) {
            System.setProperty(name, value);
        }
    }

    private static final String MEMORY_SIZE = "mmkit.machine.memory.size";
    private static final String MEMORY_BACKING = "mmkit.machine.memory.backing";
    private static final String SWAP_SIZE = "mmkit.machine.paging.swap.size";
    private static final String TLB_IMPL = "mmkit.machine.tlb.impl";
    private static final String TLB_ENTRIES = "mmkit.machine.tlb.entries";

    private final BundleHost host;
    private final Config config;
    private final Map<Slot, Implementation> chosen;
    private final StandaloneMachine machine;
    private final WorkloadSource workload;
    private final MachineFactory factory;
    private final boolean progressBar;
    private final long bootNanos;
    private final Map<String, Long> phases;
    /** {@link #outOfHeapAdvice} of this configuration, made at boot: a run that exhausts the heap has none left to make it. */
    private final String outOfHeapAdvice;
    /** Heap set aside for a run that exhausts the rest: released to report it. */
    private byte[] heapReserve = new byte[1 << 20];
    private CountingKernel kernel;
    private boolean ran;
    private boolean closed;

    private Assembly(BundleHost host, Config config, Map<Slot, Implementation> chosen, StandaloneMachine machine,
                     WorkloadSource workload, MachineFactory factory, boolean progressBar, long bootNanos,
                     Map<String, Long> phases) {
        this.phases = phases;
        this.factory = factory;
        this.host = host;
        this.config = config;
        this.chosen = chosen;
        this.machine = machine;
        this.workload = workload;
        this.progressBar = progressBar;
        this.bootNanos = bootNanos;
        this.outOfHeapAdvice = outOfHeapAdvice(config);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The effective configuration (defaults, user's layers, resolved). */
    public Config config() {
        return config;
    }

    /** The machine, every collaborator created. */
    public StandaloneMachine machine() {
        return machine;
    }

    public WorkloadSource workload() {
        return workload;
    }

    /** Which implementation fills each slot; optional slots configured {@code none} are absent. */
    public Map<Slot, Implementation> implementations() {
        return chosen;
    }

    /** The framework, for what the assembly does not wrap. */
    public BundleHost host() {
        return host;
    }

    /** Nanoseconds from {@link Builder#boot()} to a machine ready to run. */
    public long bootNanos() {
        return bootNanos;
    }

    /**
     * Runs the workload to its end, then shuts the memory manager down (dirty pages written,
     * files closed). An assembly runs once.
     *
     * @return the references the workload made
     * @throws AssemblyException naming the workload or the implementation that failed
     */
    public long run() {
        if (ran) {
            throw new IllegalStateException("this assembly has run already: boot another one to run again");
        }
        ran = true;
        MemoryManager mm = machine.memoryManager();
        Progress progress = progressBar ? Progress.open(workload.expectedReferences()) : null;
        LongConsumer step = progress == null ? null : progress::step;
        kernel = new CountingKernel(mm, step);
        try {
            workload.run(kernel);
            kernel.flush();
        } catch (WorkloadException e) {
            throw new AssemblyException(chosen.get(Slot.WORKLOAD).describe() + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new AssemblyException(chosen.get(Slot.WORKLOAD).describe() + ": I/O error: " + e.getMessage(), e);
        } catch (AssemblyException e) {
            throw e;
        } catch (OutOfMemoryError e) {
            heapReserve = null;
            // no string concatenation by invokedynamic: linking its call site would itself need heap
            String message = new StringBuilder("the host's Java heap ran out after ").append(kernel.references())
                .append(" references").append(outOfHeapAdvice).toString();
            throw new AssemblyException(message, e);
        } catch (RuntimeException | LinkageError | AssertionError e) {
            throw new AssemblyException("the run failed after " + kernel.references() + " references, "
                + chosen.get(Slot.WORKLOAD).describe() + ": " + e, e);
        } finally {
            if (progress != null) {
                progress.close();
            }
        }
        try {
            mm.shutdown();
        } catch (RuntimeException e) {
            throw new AssemblyException(chosen.get(Slot.PAGING).describe() + ": shutdown failed: " + e, e);
        }
        return kernel.references();
    }

    /** Milliseconds each phase of the boot took, in order (configuration, framework, validation, wiring, create). */
    public Map<String, Long> bootPhases() {
        return phases;
    }

    /** Marks the end of each boot phase. */
    private static final class Phases {
        private final Map<String, Long> millis = new LinkedHashMap<>();
        private long last;

        Phases(long start) {
            last = start;
        }

        void mark(String phase) {
            long now = System.nanoTime();
            millis.merge(phase, (now - last) / 1_000_000, Long::sum);
            last = now;
        }

        Map<String, Long> map() {
            return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(millis));
        }
    }

    /** The TLB of each CPU, in CPU order, as the memory manager created them. */
    public List<Tlb> tlbs() {
        return factory.tlbs();
    }

    /** References made by the run so far. */
    public long references() {
        return kernel == null ? 0 : kernel.references();
    }

    /** {@code /proc/vmstat} as a map, Linux's names in Linux's order. */
    public Map<String, Long> vmstat() {
        Map<String, Long> map = new LinkedHashMap<>();
        for (VmItem item : VmItem.values()) {
            map.put(item.linuxName(), machine.vmstat().get(item));
        }
        return map;
    }

    /** The memory manager's own counters ({@code references}, {@code tlb_hits}, ...). */
    public Map<String, Long> counters() {
        return machine.memoryManager().counters();
    }

    /**
     * The report of the machine in its current state.
     *
     * @param format {@code text} (Linux's /proc files) or {@code json}
     */
    public String report(String format) {
        return Reports.render(this, format);
    }

    /** Stops the framework. The run directory stays (swap and files a user may look at). */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            host.close();
        }
    }

    /** What the CLI's {@code config} and {@code plugins} commands show, without a machine. */
    public static final class Inspection implements AutoCloseable {
        private final BundleHost host;
        private final Config config;
        private final List<String> problems;

        Inspection(BundleHost host, Config config, List<String> problems) {
            this.host = host;
            this.config = config;
            this.problems = problems;
        }

        /** The effective configuration, or null when it could not be resolved. */
        public Config config() {
            return config;
        }

        /**
         * Every configuration problem found: types, unknown keys, unknown names, and the
         * values the machine and the chosen implementations check (all but the zone layout).
         */
        public List<String> problems() {
            return problems;
        }

        /** Every implementation of every slot, by slot, sorted by name. */
        public Map<Slot, List<Implementation>> implementations() {
            Map<Slot, List<Implementation>> all = new EnumMap<>(Slot.class);
            for (Slot slot : Slot.values()) {
                List<Implementation> list = new ArrayList<>(host.implementations(slot));
                list.sort(java.util.Comparator.comparing(Implementation::name));
                all.put(slot, list);
            }
            return all;
        }

        /** The description a provider gives of itself (empty when it cannot be activated). */
        public String description(Implementation implementation) {
            try {
                return implementation.provider(host, implementation.slot().providerType()).description();
            } catch (RuntimeException e) {
                return "(cannot be activated: " + e.getMessage() + ")";
            }
        }

        public BundleHost host() {
            return host;
        }

        @Override
        public void close() {
            host.close();
        }
    }

    /** Collects what to boot: configuration layers, plugins, run directory. */
    public static final class Builder {
        private Path configFile;
        private final List<String> texts = new ArrayList<>();
        private final List<String> sets = new ArrayList<>();
        private final List<Path> plugins = new ArrayList<>();
        private Path runDirectory;
        private boolean progressBar;

        private Builder() {
        }

        /** The user's configuration file ({@code -c FILE}). */
        public Builder configFile(Path file) {
            this.configFile = file;
            return this;
        }

        /** HOCON text over the file (tests use it as they would a file). */
        public Builder config(String hocon) {
            texts.add(hocon);
            return this;
        }

        /** {@code --set path=value}: over the file and the texts, later ones win. */
        public Builder set(String pathEqualsValue) {
            sets.add(pathEqualsValue);
            return this;
        }

        public Builder set(String path, String value) {
            return set(path + "=" + value);
        }

        /** A plugin bundle jar, installed after those of the plugins directory. */
        public Builder plugin(Path jar) {
            plugins.add(jar);
            return this;
        }

        /** The run directory, over {@code mmkit.run.directory}. */
        public Builder runDirectory(Path dir) {
            this.runDirectory = dir;
            return this;
        }

        /** Whether {@link #run} draws a progress bar on stderr. */
        public Builder progressBar(boolean on) {
            this.progressBar = on;
            return this;
        }

        private BundleHost startHost(Configuration user) {
            Path runDir = runDirectory != null ? runDirectory : user.earlyPath("mmkit.run.directory");
            List<Path> jars = new ArrayList<>(BundleHost.pluginJars(user.earlyPath("mmkit.plugins.dir")));
            for (Path plugin : plugins) {
                if (!jars.contains(plugin)) {
                    jars.add(plugin);
                }
            }
            RunDirectoryLock lock = RunDirectoryLock.acquire(runDir);
            try {
                return BundleHost.start(runDir.resolve("felix-cache"), jars, lock);
            } catch (RuntimeException | Error e) {
                lock.close(); // the host releases it once it exists; a second release does nothing
                throw e;
            }
        }

        /**
         * Starts the framework and checks the configuration without building a machine.
         *
         * @throws ConfigurationException when the user's layers do not parse
         * @throws AssemblyException when a bundle does not resolve
         */
        public Inspection inspect() {
            awaitPrepared();
            Configuration user = Configuration.user(configFile, texts, sets);
            BundleHost host = startHost(user);
            Problems problems = new Problems();
            List<String> typeProblems = List.of();
            Problems later = new Problems();
            Config effective = null;
            try {
                Config defaults = Configuration.defaults(host.bundleDefaults());
                Config reference = defaults.resolve();
                effective = user.effective(defaults);
                Configuration.typeErrors(effective, reference, problems);
                typeProblems = problems.list();
                user.unknownKeys(reference, problems);
                Map<Slot, Implementation> chosen = choose(host, effective, problems);
                // the values, as a boot checks them before it creates anything (but the zone
                // layout, which only the page allocator reads when it is created)
                try {
                    StandaloneMachine.validate(effective);
                } catch (ConfigurationException e) {
                    later.addAll(e);
                } catch (ConfigException e) {
                    if (typeProblems.isEmpty()) {
                        later.add(e.getMessage());
                    }
                }
                for (Map.Entry<Slot, Implementation> e : chosen.entrySet()) {
                    Slot slot = e.getKey();
                    try {
                        validate(slot, e.getValue(), e.getValue().provider(host, slot.providerType()), effective, later);
                    } catch (AssemblyException failed) {
                        later.add(failed.getMessage()); // a listing goes on; a boot would stop here
                    }
                }
            } catch (ConfigurationException e) {
                problems.addAll(e);
            } catch (ConfigException e) {
                problems.add(e.getMessage());
            }
            return new Inspection(host, effective, merged(problems, typeProblems, later));
        }

        /**
         * Boots: framework, configuration, validation, wiring, every collaborator created.
         *
         * @throws ConfigurationException with every configuration problem, each as
         *     {@code file: line: path: problem}
         * @throws AssemblyException when a bundle does not resolve or a provider fails
         */
        public Assembly boot() {
            long start = System.nanoTime();
            awaitPrepared();
            Phases phases = new Phases(start);
            Configuration user = Configuration.user(configFile, texts, sets);
            Path runDir = runDirectory != null ? runDirectory : user.earlyPath("mmkit.run.directory");
            phases.mark("configuration");
            BundleHost host = startHost(user);
            phases.mark("framework");
            Config effective = null;
            try {
                Config defaults = Configuration.defaults(host.bundleDefaults());
                Config reference = defaults.resolve();
                effective = user.effective(defaults);
                Problems problems = new Problems();
                Configuration.typeErrors(effective, reference, problems);
                List<String> typeProblems = problems.list();
                user.unknownKeys(reference, problems);
                Map<Slot, Implementation> chosen = choose(host, effective, problems);
                phases.mark("validation");
                Map<Slot, ImplementationProvider> providers = new EnumMap<>(Slot.class);
                for (Map.Entry<Slot, Implementation> e : chosen.entrySet()) {
                    providers.put(e.getKey(), e.getValue().provider(host, e.getKey().providerType()));
                }
                Problems later = new Problems();
                StandaloneMachine machine = null;
                MachineFactory factory = null;
                boolean complete = true;
                for (Slot slot : Slot.values()) {
                    complete &= slot.optional() || chosen.containsKey(slot);
                }
                try {
                    if (complete) {
                        Injector injector = Guice.createInjector(Stage.PRODUCTION,
                            new MachineModule(effective, runDir, chosen, providers));
                        factory = injector.getInstance(MachineFactory.class);
                        machine = factory.builder().build();
                    } else {
                        StandaloneMachine.builder(effective).runDirectory(runDir).build();
                    }
                } catch (ConfigurationException e) {
                    later.addAll(e);
                } catch (ConfigException e) {
                    // a block of the wrong structure (mmkit.machine = 5), which the type check has reported
                    if (typeProblems.isEmpty()) {
                        later.add(e.getMessage());
                    }
                }
                if (machine != null) {
                    try {
                        // The zones (mmkit.machine.zones) are read by the page allocator only: create it
                        // now, so that a bad layout is reported with every other problem.
                        machine.pageAllocator();
                    } catch (ConfigurationException e) {
                        later.addAll(e);
                    }
                }
                phases.mark("wiring");
                for (Map.Entry<Slot, ImplementationProvider> e : providers.entrySet()) {
                    validate(e.getKey(), chosen.get(e.getKey()), e.getValue(), effective, later);
                }
                List<String> all = merged(problems, typeProblems, later);
                if (!all.isEmpty()) {
                    throw new ConfigurationException(all);
                }
                WorkloadSource workload = createAll(machine, factory, chosen, effective);
                phases.mark("create");
                return new Assembly(host, effective, chosen, machine, workload, factory, progressBar,
                    System.nanoTime() - start, phases.map());
            } catch (RuntimeException | Error e) {
                try {
                    host.close();
                } catch (RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
                if (e instanceof OutOfMemoryError && effective != null) {
                    // what the failed machine held is unreachable now: there is room for the message
                    throw new AssemblyException("the host's Java heap ran out while the machine was built"
                        + outOfHeapAdvice(effective), e);
                }
                throw e;
            }
        }
    }

    /**
     * What a machine of this configuration keeps on the host's heap in proportion to its
     * settings, each named by its key, and what to change: the metadata of every frame of
     * {@code memory.size} (and with {@code backing = bytes} the 4 KiB of every frame in use),
     * a word per slot of {@code paging.swap.size}, and two words per entry of
     * {@code tlb.entries} (a set-associative, fully associative or direct-mapped TLB) per CPU.
     */
    static String outOfHeapAdvice(Config config) {
        StringBuilder s = new StringBuilder(" (its limit: ").append(Runtime.getRuntime().maxMemory() >> 20).append(" MiB)");
        List<String> kept = new ArrayList<>();
        if (config.hasPath(MEMORY_SIZE)) {
            String backing = config.hasPath(MEMORY_BACKING) ? String.valueOf(config.getValue(MEMORY_BACKING).unwrapped()) : "?";
            kept.add("the metadata of every frame of " + setting(config, MEMORY_SIZE, Page.SIZE, "frames")
                + (backing.equals("bytes") ? ", and the 4 KiB contents of every frame in use (backing = bytes)"
                : " (backing = " + backing + ")"));
        }
        if (config.hasPath(SWAP_SIZE) && bytes(config, SWAP_SIZE) != 0) {
            kept.add("8 bytes per slot of " + setting(config, SWAP_SIZE, Page.SIZE, "slots"));
        }
        if (config.hasPath(TLB_ENTRIES) && config.hasPath(TLB_IMPL) && !"hierarchy".equals(config.getValue(TLB_IMPL).unwrapped())) {
            kept.add("16 bytes per entry of " + TLB_ENTRIES + " = " + config.getValue(TLB_ENTRIES).unwrapped() + " on each CPU");
        }
        if (!kept.isEmpty()) {
            s.append("; the machine keeps there ").append(String.join(", ", kept));
        }
        return s.append("; give the JVM more (MMKIT_JAVA_OPTS=-Xmx<size>) or the machine less").toString();
    }

    /** {@code path = value} as written, and how many {@code unit}-byte {@code things} that is. */
    private static String setting(Config config, String path, long unit, String things) {
        String written = path + " = " + config.getValue(path).unwrapped();
        long bytes = bytes(config, path);
        return bytes < 0 ? written : written + " (" + bytes / unit + " " + things + ")";
    }

    /** A size setting in bytes, or −1 when it is not one (validated before anything is allocated: the value as written says enough). */
    private static long bytes(Config config, String path) {
        try {
            return config.getBytes(path);
        } catch (ConfigException e) {
            return -1;
        }
    }

    /**
     * Starts loading what a boot needs on the second core, while the first parses the
     * command line: the host's defaults, Felix's classes and the parsing of a {@code --set}
     * (one thread, which a boot waits for before it touches any of them), and Guice's
     * classes (another thread, which nothing waits for: the injector built later just finds
     * them loaded). Touches nothing of a machine and no file; calling it again does nothing.
     */
    public static void prepare() {
        synchronized (Assembly.class) {
            if (preparing != null) {
                return;
            }
            preparing = new Thread(() -> {
                try {
                    Configuration.hostDefaults();
                    BundleHost.apiExports();
                    Class.forName("org.apache.felix.framework.Felix", true, Assembly.class.getClassLoader());
                    // One --set, parsed and merged over the defaults as the boot will: the
                    // first costs 20-30 ms cold (HOCON values, origins, string-concatenation
                    // call sites), which a replay's command line would pay on the first core.
                    Configuration.user(null, List.of(), List.of("mmkit.run.directory = mmkit-run")).early();
                } catch (RuntimeException | ClassNotFoundException | LinkageError e) {
                    // only a warm-up: the boot itself reports any problem
                }
            }, "mmkit-prepare");
            preparing.setDaemon(true);
            preparing.start();
            Thread guice = new Thread(() -> {
                try {
                    Guice.createInjector(Stage.PRODUCTION, binder -> { });
                } catch (RuntimeException | LinkageError e) {
                    // only a warm-up: the real injector reports any problem
                }
            }, "mmkit-warm-up");
            guice.setDaemon(true);
            guice.start();
        }
    }

    /** Waits for {@link #prepare}'s first thread, so that no class is initialised by two threads at once. */
    private static void awaitPrepared() {
        prepare();
        try {
            preparing.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Thread preparing;

    /** Whether two formatted problems name the same path ({@code file: line: path: problem}). */
    /**
     * The first checks' problems, then the later checks' that are not about a path whose
     * value already has the wrong type (a bad type makes the later check fail too), each once.
     */
    private static List<String> merged(Problems first, List<String> typeProblems, Problems later) {
        List<String> all = new ArrayList<>(first.list());
        for (String p : later.list()) {
            if (typeProblems.stream().noneMatch(bad -> samePath(bad, p))) {
                all.add(p);
            }
        }
        return new ArrayList<>(new LinkedHashSet<>(all));
    }

    private static boolean samePath(String a, String b) {
        String pa = pathOf(a);
        return pa != null && pa.equals(pathOf(b));
    }

    private static String pathOf(String problem) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?:^|: )(mmkit(?:\\.[A-Za-z0-9_\\-\\[\\]\"]+)+): ").matcher(problem);
        return m.find() ? m.group(1) : null;
    }

    /**
     * The implementation each slot's {@code impl} names; an unknown name is reported as
     * {@code Unknown page-allocator [foo], known options [best-fit, buddy]}.
     */
    static Map<Slot, Implementation> choose(BundleHost host, Config config, Problems problems) {
        Map<Slot, Implementation> chosen = new EnumMap<>(Slot.class);
        for (Slot slot : Slot.values()) {
            String name;
            try {
                name = config.getString(slot.implPath());
            } catch (ConfigException.Missing e) {
                if (e instanceof ConfigException.Null) {
                    problems.add(e.origin(), slot.implPath(),
                        "null (expected: the name of a " + slot.displayName() + ")");
                } else {
                    problems.add("mmkit: " + slot.implPath() + ": missing (the assembly's reference.conf declares it)");
                }
                continue;
            } catch (ConfigException.WrongType e) {
                // The type check lets any value stand for a string (Typesafe's checkValid): a list or
                // an object here is reported now. A wrong structure above it was reported by the check.
                if (isValueOfWrongType(config, slot.implPath())) {
                    problems.add(config.getValue(slot.implPath()).origin(), slot.implPath(), "wrong type: expected string, got "
                        + config.getValue(slot.implPath()).valueType().name().toLowerCase(java.util.Locale.ROOT));
                }
                continue;
            } catch (ConfigException e) {
                continue; // already reported by the type check
            }
            if (slot.optional() && name.equals(Slot.NONE)) {
                continue;
            }
            List<Implementation> found = host.implementations(slot, name);
            if (found.isEmpty()) {
                Set<String> known = new TreeSet<>();
                for (Implementation i : host.implementations(slot)) {
                    known.add(i.name());
                }
                if (slot.optional()) {
                    known.add(Slot.NONE);
                }
                problems.add(config.getValue(slot.implPath()).origin(), slot.implPath(),
                    "Unknown " + slot.displayName() + " [" + name + "], known options " + known);
            } else if (found.size() > 1 && !found.get(0).bundle().equals(found.get(1).bundle())) {
                problems.add(config.getValue(slot.implPath()).origin(), slot.implPath(),
                    slot.displayName() + " [" + name + "] is offered by more than one bundle: " + found.get(0).bundle() + " "
                        + found.get(0).version() + " and " + found.get(1).bundle() + " " + found.get(1).version()
                        + " (remove one from the plugins)");
            } else {
                chosen.put(slot, found.get(0));
            }
        }
        return chosen;
    }

    /** Whether {@code path} holds a value (not a structure above it that is of the wrong type). */
    private static boolean isValueOfWrongType(Config config, String path) {
        try {
            return config.hasPath(path);
        } catch (ConfigException e) {
            return false;
        }
    }

    private static void validate(Slot slot, Implementation implementation, ImplementationProvider provider, Config config,
                                 Problems problems) {
        try {
            provider.validate(new ConfigSettings(config, slot.path(), problems));
        } catch (ConfigurationException e) {
            problems.addAll(e);
        } catch (RuntimeException | LinkageError | AssertionError e) {
            throw new AssemblyException(implementation.describe() + ": validate failed: " + e, e);
        }
    }

    /**
     * Creates every collaborator and the workload before anything runs, and checks that the
     * workload gives what the replacement policy needs.
     */
    private static WorkloadSource createAll(StandaloneMachine machine, MachineFactory factory,
                                            Map<Slot, Implementation> chosen, Config config) {
        machine.pageAllocator();
        machine.slab();
        machine.pageTable();
        factory.trialTlb(machine);
        ReplacementPolicy trial = machine.newReplacementPolicy(TRIAL_REFERENCES);
        machine.reclaimDaemon();
        if (chosen.containsKey(Slot.RECLAIM_WRITEBACK)) {
            machine.writebackDaemon();
        }
        if (chosen.containsKey(Slot.PAGE_CACHE)) {
            machine.pageCache();
        }
        machine.memoryManager();
        WorkloadSource workload = factory.workload(machine);
        Set<Characteristic> needs = trial.characteristics();
        if (needs.contains(Characteristic.FUTURE) && !workload.characteristics().contains(Characteristic.FUTURE)) {
            Problems p = new Problems();
            p.add(config.getValue(Slot.REPLACEMENT.implPath()).origin(), Slot.REPLACEMENT.implPath(),
                chosen.get(Slot.REPLACEMENT).describe() + " needs each page's next use (FUTURE), which "
                    + chosen.get(Slot.WORKLOAD).describe() + " does not provide; replay a trace that carries it"
                    + " (mmkit.workload.impl = trace, mmkit.workload.trace.format = oracle-general)");
            p.throwIfAny();
        }
        return workload;
    }

    /** What a trial replacement policy gets: it must not look at pages while being created. */
    private static final PageReferences TRIAL_REFERENCES = new PageReferences() {
        @Override
        public boolean testAndClearReferenced(long pfn) {
            throw new IllegalStateException("no page is resident while the policy is created");
        }

        @Override
        public int referencedPtes(long pfn) {
            throw new IllegalStateException("no page is resident while the policy is created");
        }

        @Override
        public boolean isReferenced(long pfn) {
            throw new IllegalStateException("no page is resident while the policy is created");
        }

        @Override
        public boolean isDirty(long pfn) {
            throw new IllegalStateException("no page is resident while the policy is created");
        }

        @Override
        public boolean startWriteback(long pfn) {
            throw new IllegalStateException("no page is resident while the policy is created");
        }

        @Override
        public boolean invalidate(long pfn) {
            throw new IllegalStateException("no page is resident while the policy is created");
        }
    };

}
