package dev.mmkit.machine;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import dev.mmkit.api.backing.BackingStore;
import dev.mmkit.api.hw.Page;
import dev.mmkit.api.machine.CostModel;
import dev.mmkit.api.machine.Machine;
import dev.mmkit.api.machine.MemMap;
import dev.mmkit.api.machine.Settings;
import dev.mmkit.api.machine.VmStat;
import dev.mmkit.api.mm.MemoryManager;
import dev.mmkit.api.page.PageAllocator;
import dev.mmkit.api.pagecache.PageCache;
import dev.mmkit.api.pagetable.PageTable;
import dev.mmkit.api.reclaim.ReclaimDaemon;
import dev.mmkit.api.reclaim.WritebackDaemon;
import dev.mmkit.api.replacement.PageReferences;
import dev.mmkit.api.replacement.ReplacementPolicy;
import dev.mmkit.api.slab.SlabAllocator;
import dev.mmkit.api.tlb.Tlb;
import dev.mmkit.api.tlb.TlbListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.random.RandomGenerator;

/**
 * A {@link Machine} built in plain Java: the machine's own services from its settings, and
 * each collaborator from a factory given to the {@link Builder}. The assembly builds one
 * from OSGi providers; module tests build one from the implementations they test.
 *
 * <p>Collaborators are created on first use and kept. Asking for a collaborator while it
 * is being created (a cycle inside {@code create}) is an error that names it.
 */
public final class StandaloneMachine implements Machine {
    /** Creates a TLB for one CPU. */
    @FunctionalInterface
    public interface TlbFactory {
        Tlb create(Machine machine, int cpu, TlbListener listener);
    }

    /** Creates one replacement-policy instance. */
    @FunctionalInterface
    public interface PolicyFactory {
        ReplacementPolicy create(Machine machine, PageReferences references);
    }

    /** Opens a backing store. */
    @FunctionalInterface
    public interface StoreFactory {
        BackingStore open(Machine machine, Path path) throws IOException;
    }

    private final Config config;
    private final Problems problems;
    private final ConfigSettings settings;
    private final long seed;
    private final SplittableRandom random;
    private final VirtualClock clock = new VirtualClock();
    private final CostModel cost;
    private final CounterVmStat vmstat = new CounterVmStat();
    private final ArrayPhysicalMemory memory;
    private final ArrayMemMap memMap;
    private final int nrCpus;
    private final Path runDirectory;
    private int currentCpu;

    private final Lazy<PageAllocator> pageAllocator;
    private final Lazy<SlabAllocator> slab;
    private final Lazy<PageTable> pageTable;
    private final Lazy<ReclaimDaemon> reclaimDaemon;
    private final Lazy<WritebackDaemon> writebackDaemon;
    private final Lazy<PageCache> pageCache;
    private final Lazy<MemoryManager> memoryManager;
    private final TlbFactory tlbFactory;
    private final PolicyFactory policyFactory;
    private final StoreFactory storeFactory;

    private StandaloneMachine(Builder b) {
        this.config = b.config;
        this.problems = new Problems();
        this.settings = new ConfigSettings(config, "mmkit.machine", problems);
        Own own = Own.read(settings, problems);
        this.nrCpus = own.nrCpus();
        this.seed = own.seed();
        this.cost = own.cost();
        long nrFrames = own.nrFrames();
        String backing = own.backing();
        this.memory = new ArrayPhysicalMemory(nrFrames, backing.equals("bytes"));
        this.memMap = new ArrayMemMap(nrFrames);
        this.random = new SplittableRandom(seed);
        this.runDirectory = b.runDirectory;
        this.pageAllocator = new Lazy<>("page allocator", b.pageAllocator);
        this.slab = new Lazy<>("slab allocator", b.slab);
        this.pageTable = new Lazy<>("page table", b.pageTable);
        this.reclaimDaemon = new Lazy<>("reclaim daemon", b.reclaimDaemon);
        this.writebackDaemon = new Lazy<>("writeback daemon", b.writebackDaemon);
        this.pageCache = new Lazy<>("page cache", b.pageCache);
        this.memoryManager = new Lazy<>("memory manager", b.memoryManager);
        this.tlbFactory = b.tlbFactory;
        this.policyFactory = b.policyFactory;
        this.storeFactory = b.storeFactory;
    }

    /**
     * Checks the machine's own settings ({@code mmkit.machine}: memory, CPUs, seed, cost) as
     * {@link Builder#build} does, without building anything: what {@code mmkit config} reports.
     *
     * @throws dev.mmkit.api.machine.ConfigurationException with every problem found
     */
    public static void validate(Config config) {
        Problems problems = new Problems();
        Own.read(new ConfigSettings(config, "mmkit.machine", problems), problems);
    }

    /** The machine's own settings, read and checked. */
    private record Own(long nrFrames, String backing, int nrCpus, long seed, CostModel cost) {
        /** Reads every setting even after one fails, so that one build reports them all; throws if any is bad. */
        static Own read(ConfigSettings settings, Problems problems) {
            Settings memorySettings = read(problems, () -> settings.getBlock("memory"), null);
            problems.throwIfAny();
            long size = read(problems, () -> memorySettings.getBytes("size"), -1L);
            long pageSize = read(problems, () -> memorySettings.getBytes("page-size"), (long) Page.SIZE);
            String backing = read(problems, () -> memorySettings.getString("backing"), "bytes");
            if (pageSize != Page.SIZE) {
                memorySettings.reportProblem("page-size", pageSize + " bytes (expected: 4KiB, the x86 base page)");
            }
            if (size != -1 && (size < Page.SIZE * 16L || size % Page.SIZE != 0)) {
                memorySettings.reportProblem("size", size + " bytes (expected: a whole number of 4KiB pages, at least 64KiB)");
            }
            if (size / Page.SIZE > Integer.MAX_VALUE - 8) {
                memorySettings.reportProblem("size", size + " bytes (expected: at most " + (Integer.MAX_VALUE - 8) + " pages)");
            }
            if (!backing.equals("bytes") && !backing.equals("none")) {
                memorySettings.reportProblem("backing", "Unknown backing [" + backing + "], known options [bytes, none]");
            }
            int nrCpus = read(problems, () -> settings.getInt("cpus"), 1);
            if (nrCpus < 1 || nrCpus > 64) {
                settings.reportProblem("cpus", nrCpus + " (expected: 1-64)");
            }
            long seed = read(problems, () -> settings.getLong("seed"), 0L);
            CostModel cost = read(problems, () -> SettingsCostModel.from(settings.getBlock("cost")), null);
            problems.throwIfAny();
            return new Own(size / Page.SIZE, backing, nrCpus, seed, cost);
        }

        /** Reads one setting; a bad value is recorded in {@code problems} and {@code fallback} stands in. */
        private static <T> T read(Problems problems, java.util.function.Supplier<T> getter, T fallback) {
            try {
                return getter.get();
            } catch (dev.mmkit.api.machine.ConfigurationException e) {
                problems.addAll(e);
                return fallback;
            }
        }
    }

    /** A builder over a configuration that has {@code mmkit.machine} (with defaults merged in). */
    public static Builder builder(Config config) {
        return new Builder(config);
    }

    /**
     * A configuration from HOCON text over every {@code reference.conf} on the class path:
     * what tests use, e.g. {@code config("mmkit.machine.memory.size = 1MiB")}.
     */
    public static Config config(String hocon) {
        Config user = ConfigFactory.parseString(hocon, ConfigParseOptions.defaults().setOriginDescription("test configuration"));
        return user.withFallback(ConfigFactory.defaultReference(StandaloneMachine.class.getClassLoader())).resolve();
    }

    /** The whole configuration the machine was built from. */
    public Config config() {
        return config;
    }

    /** Problems reported through settings since the machine was built. */
    public Problems problems() {
        return problems;
    }

    /** The block at {@code path} (full path) as {@link Settings}, reporting into this machine's problems. */
    public ConfigSettings settingsAt(String path) {
        return new ConfigSettings(config, path, problems);
    }

    @Override
    public Settings settings() {
        return settings;
    }

    @Override
    public long seed() {
        return seed;
    }

    @Override
    public RandomGenerator random() {
        return random;
    }

    @Override
    public VirtualClock clock() {
        return clock;
    }

    @Override
    public CostModel cost() {
        return cost;
    }

    @Override
    public VmStat vmstat() {
        return vmstat;
    }

    @Override
    public ArrayPhysicalMemory memory() {
        return memory;
    }

    @Override
    public MemMap memMap() {
        return memMap;
    }

    @Override
    public int nrCpus() {
        return nrCpus;
    }

    @Override
    public int currentCpu() {
        return currentCpu;
    }

    @Override
    public void setCurrentCpu(int cpu) {
        if (cpu < 0 || cpu >= nrCpus) {
            throw new IllegalArgumentException("cpu: " + cpu + " (expected: 0-" + (nrCpus - 1) + ")");
        }
        currentCpu = cpu;
    }

    @Override
    public Path runDirectory() {
        try {
            return Files.createDirectories(runDirectory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create run directory " + runDirectory, e);
        }
    }

    @Override
    public PageAllocator pageAllocator() {
        return pageAllocator.get(this);
    }

    @Override
    public SlabAllocator slab() {
        return slab.get(this);
    }

    @Override
    public PageTable pageTable() {
        return pageTable.get(this);
    }

    @Override
    public Tlb newTlb(int cpu, TlbListener listener) {
        if (tlbFactory == null) {
            throw new IllegalStateException("this machine has no TLB configured");
        }
        return tlbFactory.create(this, cpu, listener);
    }

    @Override
    public ReplacementPolicy newReplacementPolicy(PageReferences references) {
        if (policyFactory == null) {
            throw new IllegalStateException("this machine has no replacement policy configured");
        }
        return policyFactory.create(this, references);
    }

    @Override
    public ReclaimDaemon reclaimDaemon() {
        return reclaimDaemon.get(this);
    }

    @Override
    public WritebackDaemon writebackDaemon() {
        return writebackDaemon.get(this);
    }

    @Override
    public PageCache pageCache() {
        return pageCache.get(this);
    }

    @Override
    public BackingStore openBackingStore(Path path) throws IOException {
        if (storeFactory == null) {
            throw new IllegalStateException("this machine has no backing store configured");
        }
        return storeFactory.open(this, path);
    }

    @Override
    public MemoryManager memoryManager() {
        return memoryManager.get(this);
    }

    /** Whether a collaborator has been created yet (reports skip those never used). */
    public boolean hasCreated(String what) {
        for (Lazy<?> lazy : new Lazy<?>[] {pageAllocator, slab, pageTable, reclaimDaemon, writebackDaemon, pageCache, memoryManager}) {
            if (lazy.what.equals(what)) {
                return lazy.value != null;
            }
        }
        throw new IllegalArgumentException("Unknown collaborator [" + what + "]");
    }

    /** A collaborator created on first use, with cycle detection. */
    private static final class Lazy<T> {
        final String what;
        final Function<Machine, ? extends T> factory;
        T value;
        boolean creating;

        Lazy(String what, Function<Machine, ? extends T> factory) {
            this.what = what;
            this.factory = factory;
        }

        T get(Machine machine) {
            if (value != null) {
                return value;
            }
            if (factory == null) {
                throw new IllegalStateException("this machine has no " + what + " configured");
            }
            if (creating) {
                throw new IllegalStateException("the " + what + " was asked for while it was being created:"
                    + " an implementation must ask the machine for collaborators on first use, not in create");
            }
            creating = true;
            try {
                T created = factory.apply(machine);
                if (created == null) {
                    throw new IllegalStateException("the " + what + " factory returned null");
                }
                value = created;
                return created;
            } finally {
                creating = false;
            }
        }
    }

    /** Collects the collaborator factories. */
    public static final class Builder {
        private final Config config;
        private Path runDirectory = Path.of("mmkit-run");
        private Function<Machine, ? extends PageAllocator> pageAllocator;
        private Function<Machine, ? extends SlabAllocator> slab;
        private Function<Machine, ? extends PageTable> pageTable;
        private Function<Machine, ? extends ReclaimDaemon> reclaimDaemon;
        private Function<Machine, ? extends WritebackDaemon> writebackDaemon;
        private Function<Machine, ? extends PageCache> pageCache;
        private Function<Machine, ? extends MemoryManager> memoryManager;
        private TlbFactory tlbFactory;
        private PolicyFactory policyFactory;
        private StoreFactory storeFactory;

        private Builder(Config config) {
            this.config = config;
        }

        public Builder runDirectory(Path dir) {
            this.runDirectory = dir;
            return this;
        }

        public Builder pageAllocator(Function<Machine, ? extends PageAllocator> factory) {
            this.pageAllocator = factory;
            return this;
        }

        public Builder slab(Function<Machine, ? extends SlabAllocator> factory) {
            this.slab = factory;
            return this;
        }

        public Builder pageTable(Function<Machine, ? extends PageTable> factory) {
            this.pageTable = factory;
            return this;
        }

        public Builder tlb(TlbFactory factory) {
            this.tlbFactory = factory;
            return this;
        }

        public Builder replacement(PolicyFactory factory) {
            this.policyFactory = factory;
            return this;
        }

        public Builder reclaimDaemon(Function<Machine, ? extends ReclaimDaemon> factory) {
            this.reclaimDaemon = factory;
            return this;
        }

        public Builder writebackDaemon(Function<Machine, ? extends WritebackDaemon> factory) {
            this.writebackDaemon = factory;
            return this;
        }

        public Builder pageCache(Function<Machine, ? extends PageCache> factory) {
            this.pageCache = factory;
            return this;
        }

        public Builder backingStore(StoreFactory factory) {
            this.storeFactory = factory;
            return this;
        }

        public Builder memoryManager(Function<Machine, ? extends MemoryManager> factory) {
            this.memoryManager = factory;
            return this;
        }

        /**
         * Builds the machine's own services from {@code mmkit.machine}.
         *
         * @throws dev.mmkit.api.machine.ConfigurationException with every problem found
         */
        public StandaloneMachine build() {
            return new StandaloneMachine(this);
        }
    }
}
