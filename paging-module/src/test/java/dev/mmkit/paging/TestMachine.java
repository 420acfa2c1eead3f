package dev.mmkit.paging;

import dev.mmkit.api.machine.Machine;
import dev.mmkit.api.mm.MemoryManagerProvider;
import dev.mmkit.api.pagetable.PageTableProvider;
import dev.mmkit.api.tlb.TlbProvider;
import dev.mmkit.buddy.BuddyProvider;
import dev.mmkit.machine.StandaloneMachine;
import dev.mmkit.paging.fifo.FifoPolicyProvider;
import dev.mmkit.paging.kswapd.KswapdProvider;
import dev.mmkit.paging.mm.LinuxMemoryManagerProvider;
import dev.mmkit.paging.pagetable.InvertedPageTableProvider;
import dev.mmkit.paging.pagetable.La57PageTableProvider;
import dev.mmkit.paging.pagetable.PaePageTableProvider;
import dev.mmkit.paging.pagetable.X86PageTableProvider;
import dev.mmkit.paging.pagetable.X86_64PageTableProvider;
import dev.mmkit.paging.swap.FileBackingStoreProvider;
import dev.mmkit.slab.SlubProvider;
import dev.mmkit.tlb.DirectMappedTlbProvider;
import dev.mmkit.tlb.FullyAssociativeTlbProvider;
import dev.mmkit.tlb.HierarchyTlbProvider;
import dev.mmkit.tlb.SetAssociativeTlbProvider;
import dev.mmkit.tlb.SoftwareTlbProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Whole machines for tests: the real buddy, SLUB and TLB modules around this module's parts. */
public final class TestMachine {
    private static final Map<String, PageTableProvider> PAGE_TABLES = Map.of(
        "x86-32", new X86PageTableProvider(),
        "x86-pae", new PaePageTableProvider(),
        "x86-64", new X86_64PageTableProvider(),
        "x86-64-la57", new La57PageTableProvider(),
        "inverted", new InvertedPageTableProvider());
    private static final Map<String, TlbProvider> TLBS = Map.of(
        "set-associative", new SetAssociativeTlbProvider(),
        "fully-associative", new FullyAssociativeTlbProvider(),
        "direct-mapped", new DirectMappedTlbProvider(),
        "hierarchy", new HierarchyTlbProvider(),
        "software", new SoftwareTlbProvider());

    private TestMachine() {
    }

    /** A machine from HOCON over every reference.conf, with its run directory in a fresh temporary folder. */
    public static StandaloneMachine build(String hocon) {
        return build(hocon, (b, self) -> { });
    }

    /**
     * As {@link #build(String)}, then {@code customize} replaces parts (another module's
     * replacement policy, page cache or writeback daemon); its second argument gives the
     * machine once built, for settings lookups inside the factories.
     */
    public static StandaloneMachine build(String hocon, Customizer customize) {
        Path dir;
        try {
            Path base = Path.of("target", "test-runs");
            Files.createDirectories(base);
            dir = Files.createTempDirectory(base, "run");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        StandaloneMachine[] self = new StandaloneMachine[1];
        StandaloneMachine.Builder b = StandaloneMachine.builder(StandaloneMachine.config(hocon)).runDirectory(dir);
        b.pageAllocator(m -> new BuddyProvider().create(at(self, "mmkit.machine.page-allocator"), m));
        b.slab(m -> new SlubProvider().create(at(self, "mmkit.machine.slab"), m));
        b.pageTable(m -> provider(PAGE_TABLES, m, "page-table").create(at(self, "mmkit.machine.page-table"), m));
        b.tlb((m, cpu, listener) -> provider(TLBS, m, "tlb").create(at(self, "mmkit.machine.tlb"), m, cpu, listener));
        b.replacement((m, refs) -> new FifoPolicyProvider().create(at(self, "mmkit.machine.replacement"), m, refs));
        b.reclaimDaemon(m -> new KswapdProvider().create(at(self, "mmkit.machine.reclaim.kswapd"), m));
        b.backingStore((m, path) -> new FileBackingStoreProvider().open(at(self, "mmkit.machine.backing"), m, path));
        b.pageCache(TestPageCache::new);
        MemoryManagerProvider mm = new LinuxMemoryManagerProvider();
        b.memoryManager(m -> mm.create(at(self, "mmkit.machine.paging"), m));
        customize.customize(b, path -> at(self, path));
        StandaloneMachine machine = b.build();
        self[0] = machine;
        mm.validate(machine.settingsAt("mmkit.machine.paging"));
        machine.problems().throwIfAny();
        return machine;
    }

    /** Replaces parts of a test machine before it is built. */
    @FunctionalInterface
    public interface Customizer {
        /** @param settingsAt the built machine's settings block at a path (call it only inside factories) */
        void customize(StandaloneMachine.Builder builder, java.util.function.Function<String, dev.mmkit.api.machine.Settings> settingsAt);
    }

    private static dev.mmkit.api.machine.Settings at(StandaloneMachine[] self, String path) {
        return self[0].settingsAt(path);
    }

    private static <P> P provider(Map<String, P> known, Machine m, String slot) {
        String name = m.settings().getBlock(slot).getString("impl");
        P p = known.get(name);
        if (p == null) {
            throw new IllegalArgumentException("Unknown " + slot + " [" + name + "], known options " + known.keySet());
        }
        return p;
    }
}
