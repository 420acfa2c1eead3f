package dev.mmkit.api.machine;

import dev.mmkit.api.backing.BackingStore;
import dev.mmkit.api.hw.PhysicalMemory;
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
import java.nio.file.Path;
import java.util.random.RandomGenerator;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The running machine as an implementation sees it: the hardware and bookkeeping services,
 * and the other implementations it works with. The assembly implements it and passes it
 * to every provider.
 *
 * <h2>Collaborators are resolved on first use</h2>
 * The page allocator calls reclaim, reclaim calls the memory manager, the memory manager
 * calls the page allocator. So that such cycles can be built, an implementation must not
 * call a collaborator accessor ({@link #pageAllocator()} and the others below
 * {@link #memMap()}) inside its provider's {@code create}: it keeps the {@code Machine}
 * and asks when it first needs one. Each accessor returns the same instance every time.
 *
 * <h2>Determinism</h2>
 * All randomness comes from {@link #random()}, all time from {@link #clock()}: the same
 * configuration and workload give the same counters.
 */
@ProviderType
public interface Machine {
    /** The {@code mmkit.machine} block: memory size, zones, cpus and every slot's block. */
    Settings settings();

    /** The seed of {@link #random()} ({@code mmkit.machine.seed}). */
    long seed();

    /** The machine's one random generator, seeded from {@link #seed()}. */
    RandomGenerator random();

    Clock clock();

    CostModel cost();

    VmStat vmstat();

    PhysicalMemory memory();

    MemMap memMap();

    /** Number of simulated CPUs ({@code mmkit.machine.cpus}). */
    int nrCpus();

    /** The CPU the current work runs on (per-CPU lists, TLBs). */
    int currentCpu();

    /** Moves the current work to another CPU (the scheduler's context switch). */
    void setCurrentCpu(int cpu);

    /** A directory of this run for files an implementation creates (swap, state). */
    Path runDirectory();

    // Collaborators, resolved on first use.

    PageAllocator pageAllocator();

    SlabAllocator slab();

    PageTable pageTable();

    /** A new TLB for {@code cpu}, of the configured kind. */
    Tlb newTlb(int cpu, TlbListener listener);

    /** A new instance of the configured replacement policy over the pages {@code references} describes. */
    ReplacementPolicy newReplacementPolicy(PageReferences references);

    ReclaimDaemon reclaimDaemon();

    WritebackDaemon writebackDaemon();

    PageCache pageCache();

    /** Opens a store of the configured backing kind at {@code path}. */
    BackingStore openBackingStore(Path path) throws IOException;

    MemoryManager memoryManager();
}
