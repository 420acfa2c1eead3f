package dev.mmkit.bench;

import dev.mmkit.api.replacement.ReplacementPolicyProvider;
import dev.mmkit.buddy.BuddyProvider;
import dev.mmkit.machine.StandaloneMachine;
import dev.mmkit.pagecache.FlusherProvider;
import dev.mmkit.pagecache.RadixPageCacheProvider;
import dev.mmkit.paging.fifo.FifoPolicyProvider;
import dev.mmkit.paging.kswapd.KswapdProvider;
import dev.mmkit.paging.mm.LinuxMemoryManagerProvider;
import dev.mmkit.paging.pagetable.X86_64PageTableProvider;
import dev.mmkit.paging.swap.FileBackingStoreProvider;
import dev.mmkit.replacement.ClockPolicyProvider;
import dev.mmkit.replacement.LruPolicyProvider;
import dev.mmkit.slab.SlubProvider;
import dev.mmkit.tlb.SetAssociativeTlbProvider;
import java.nio.file.Path;

/**
 * The whole machine the benchmarks run on, wired without the OSGi host: buddy, SLUB, x86-64
 * page tables, the set-associative TLB, kswapd, the file backing store and the Linux core,
 * with a replacement policy by name and, when the configuration selects {@code radix}, the
 * page cache and its flusher.
 */
public final class BenchMachine {
    private BenchMachine() {
    }

    /** A replacement policy the benchmarks know by name. */
    public static ReplacementPolicyProvider policy(String name) {
        return switch (name) {
            case "fifo" -> new FifoPolicyProvider();
            case "clock" -> new ClockPolicyProvider();
            case "lru" -> new LruPolicyProvider();
            default -> throw new IllegalArgumentException("Unknown policy [" + name + "], known options [clock, fifo, lru]");
        };
    }

    /** A machine from HOCON over every reference.conf, its run directory {@code dir}, replacing with {@code policy}. */
    public static StandaloneMachine build(Path dir, String hocon, String policy) {
        StandaloneMachine[] self = new StandaloneMachine[1];
        StandaloneMachine.Builder b = StandaloneMachine.builder(StandaloneMachine.config(hocon)).runDirectory(dir);
        b.pageAllocator(m -> new BuddyProvider().create(self[0].settingsAt("mmkit.machine.page-allocator"), m));
        b.slab(m -> new SlubProvider().create(self[0].settingsAt("mmkit.machine.slab"), m));
        b.pageTable(m -> new X86_64PageTableProvider().create(self[0].settingsAt("mmkit.machine.page-table"), m));
        b.tlb((m, cpu, l) -> new SetAssociativeTlbProvider().create(self[0].settingsAt("mmkit.machine.tlb"), m, cpu, l));
        ReplacementPolicyProvider replacement = policy(policy);
        b.replacement((m, refs) -> replacement.create(self[0].settingsAt("mmkit.machine.replacement"), m, refs));
        b.reclaimDaemon(m -> new KswapdProvider().create(self[0].settingsAt("mmkit.machine.reclaim.kswapd"), m));
        b.backingStore((m, p) -> new FileBackingStoreProvider().open(self[0].settingsAt("mmkit.machine.backing"), m, p));
        b.pageCache(m -> new RadixPageCacheProvider().create(self[0].settingsAt("mmkit.machine.page-cache"), m));
        b.writebackDaemon(m -> new FlusherProvider().create(self[0].settingsAt("mmkit.machine.reclaim.writeback"), m));
        b.memoryManager(m -> new LinuxMemoryManagerProvider().create(self[0].settingsAt("mmkit.machine.paging"), m));
        StandaloneMachine machine = b.build();
        self[0] = machine;
        return machine;
    }
}
