package dev.mmkit.assembly;

import com.typesafe.config.Config;
import dev.mmkit.api.backing.BackingStoreProvider;
import dev.mmkit.api.machine.Machine;
import dev.mmkit.api.mm.MemoryManagerProvider;
import dev.mmkit.api.page.PageAllocatorProvider;
import dev.mmkit.api.pagecache.PageCacheProvider;
import dev.mmkit.api.pagetable.PageTableProvider;
import dev.mmkit.api.reclaim.ReclaimDaemonProvider;
import dev.mmkit.api.reclaim.WritebackDaemonProvider;
import dev.mmkit.api.replacement.ReplacementPolicyProvider;
import dev.mmkit.api.slab.SlabAllocatorProvider;
import dev.mmkit.api.tlb.TlbProvider;
import dev.mmkit.api.workload.WorkloadSource;
import dev.mmkit.api.workload.WorkloadSourceProvider;
import dev.mmkit.machine.ConfigSettings;
import dev.mmkit.machine.StandaloneMachine;
import com.google.inject.Inject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import dev.mmkit.api.tlb.Tlb;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Builds the machine from the providers Guice injects: a {@link StandaloneMachine} whose
 * collaborator factories call the chosen providers. Every provider call is wrapped so that
 * its failure names the implementation, its bundle and version, and the cause.
 */
final class MachineFactory {
    private final Config config;
    private final Path runDirectory;
    private final Map<Slot, Implementation> chosen;
    private final PageAllocatorProvider pageAllocator;
    private final SlabAllocatorProvider slab;
    private final PageTableProvider pageTable;
    private final TlbProvider tlb;
    private final ReplacementPolicyProvider replacement;
    private final ReclaimDaemonProvider kswapd;
    private final Optional<WritebackDaemonProvider> writeback;
    private final Optional<PageCacheProvider> pageCache;
    private final BackingStoreProvider backing;
    private final MemoryManagerProvider paging;
    private final WorkloadSourceProvider workload;
    private final SortedMap<Integer, Tlb> tlbs = new TreeMap<>();

    @Inject
    MachineFactory(Config config, Path runDirectory, Map<Slot, Implementation> chosen,
                   PageAllocatorProvider pageAllocator, SlabAllocatorProvider slab, PageTableProvider pageTable,
                   TlbProvider tlb, ReplacementPolicyProvider replacement, ReclaimDaemonProvider kswapd,
                   Optional<WritebackDaemonProvider> writeback, Optional<PageCacheProvider> pageCache,
                   BackingStoreProvider backing, MemoryManagerProvider paging, WorkloadSourceProvider workload) {
        this.config = config;
        this.runDirectory = runDirectory;
        this.chosen = chosen;
        this.pageAllocator = pageAllocator;
        this.slab = slab;
        this.pageTable = pageTable;
        this.tlb = tlb;
        this.replacement = replacement;
        this.kswapd = kswapd;
        this.writeback = writeback;
        this.pageCache = pageCache;
        this.backing = backing;
        this.paging = paging;
        this.workload = workload;
    }

    /** A builder with every collaborator factory set; {@code build()} validates the machine's own settings. */
    StandaloneMachine.Builder builder() {
        StandaloneMachine.Builder b = StandaloneMachine.builder(config).runDirectory(runDirectory)
            .pageAllocator(m -> call(Slot.PAGE_ALLOCATOR, () -> pageAllocator.create(settings(m, Slot.PAGE_ALLOCATOR), m)))
            .slab(m -> call(Slot.SLAB, () -> slab.create(settings(m, Slot.SLAB), m)))
            .pageTable(m -> call(Slot.PAGE_TABLE, () -> pageTable.create(settings(m, Slot.PAGE_TABLE), m)))
            .tlb((m, cpu, listener) -> {
                Tlb created = call(Slot.TLB, () -> tlb.create(settings(m, Slot.TLB), m, cpu, listener));
                tlbs.put(cpu, created);
                return created;
            })
            .replacement((m, refs) -> call(Slot.REPLACEMENT, () -> replacement.create(settings(m, Slot.REPLACEMENT), m, refs)))
            .reclaimDaemon(m -> call(Slot.RECLAIM_KSWAPD, () -> kswapd.create(settings(m, Slot.RECLAIM_KSWAPD), m)))
            .backingStore(this::openStore)
            .memoryManager(m -> call(Slot.PAGING, () -> paging.create(settings(m, Slot.PAGING), m)));
        writeback.ifPresent(p -> b.writebackDaemon(
            m -> call(Slot.RECLAIM_WRITEBACK, () -> p.create(settings(m, Slot.RECLAIM_WRITEBACK), m))));
        pageCache.ifPresent(p -> b.pageCache(m -> call(Slot.PAGE_CACHE, () -> p.create(settings(m, Slot.PAGE_CACHE), m))));
        return b;
    }

    /** A TLB that is not the machine's: the boot creates one to check the configuration. */
    Tlb trialTlb(StandaloneMachine machine) {
        return call(Slot.TLB, () -> tlb.create(settings(machine, Slot.TLB), machine, 0, (vaddr, asid, pte) -> { }));
    }

    /** The TLB of each CPU the memory manager created, in CPU order (the latest one per CPU). */
    List<Tlb> tlbs() {
        return List.copyOf(tlbs.values());
    }

    /** The configured workload, created on {@code machine}. */
    WorkloadSource workload(StandaloneMachine machine) {
        return call(Slot.WORKLOAD, () -> workload.create(machine.settingsAt(Slot.WORKLOAD.path()), machine));
    }

    private dev.mmkit.api.backing.BackingStore openStore(Machine m, Path path) throws IOException {
        try {
            return backing.open(settings(m, Slot.BACKING), m, path);
        } catch (IOException | dev.mmkit.api.machine.ConfigurationException e) {
            throw e;
        } catch (RuntimeException | LinkageError | AssertionError e) {
            throw failure(Slot.BACKING, "open " + path, e);
        }
    }

    private static ConfigSettings settings(Machine machine, Slot slot) {
        return ((StandaloneMachine) machine).settingsAt(slot.path());
    }

    private <T> T call(Slot slot, Supplier<T> creation) {
        T created;
        try {
            created = creation.get();
        } catch (AssemblyException | dev.mmkit.api.machine.ConfigurationException e) {
            throw e; // a bad setting read at create is a configuration error, not a failure of the bundle
        } catch (RuntimeException | LinkageError | AssertionError e) {
            throw failure(slot, "create", e);
        }
        if (created == null) {
            throw new AssemblyException(chosen.get(slot).describe() + ": create returned null");
        }
        return created;
    }

    private AssemblyException failure(Slot slot, String what, Throwable cause) {
        return new AssemblyException(chosen.get(slot).describe() + ": " + what + " failed: " + cause, cause);
    }
}
