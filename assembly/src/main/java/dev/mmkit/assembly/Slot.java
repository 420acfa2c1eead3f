package dev.mmkit.assembly;

import dev.mmkit.api.backing.BackingStoreProvider;
import dev.mmkit.api.machine.ImplementationProvider;
import dev.mmkit.api.mm.MemoryManagerProvider;
import dev.mmkit.api.page.PageAllocatorProvider;
import dev.mmkit.api.pagecache.PageCacheProvider;
import dev.mmkit.api.pagetable.PageTableProvider;
import dev.mmkit.api.reclaim.ReclaimDaemonProvider;
import dev.mmkit.api.reclaim.WritebackDaemonProvider;
import dev.mmkit.api.replacement.ReplacementPolicyProvider;
import dev.mmkit.api.slab.SlabAllocatorProvider;
import dev.mmkit.api.tlb.TlbProvider;
import dev.mmkit.api.workload.WorkloadSourceProvider;
import java.util.Locale;

/**
 * The extension points of the machine, as configuration names them: each slot is a block
 * whose {@code impl} key names the provider that fills it. Optional slots also accept
 * {@value #NONE}, which leaves them empty.
 */
public enum Slot {
    PAGE_ALLOCATOR("page-allocator", "mmkit.machine.page-allocator", PageAllocatorProvider.class, false),
    SLAB("slab", "mmkit.machine.slab", SlabAllocatorProvider.class, false),
    PAGE_TABLE("page-table", "mmkit.machine.page-table", PageTableProvider.class, false),
    TLB("tlb", "mmkit.machine.tlb", TlbProvider.class, false),
    REPLACEMENT("replacement", "mmkit.machine.replacement", ReplacementPolicyProvider.class, false),
    RECLAIM_KSWAPD("reclaim.kswapd", "mmkit.machine.reclaim.kswapd", ReclaimDaemonProvider.class, false),
    RECLAIM_WRITEBACK("reclaim.writeback", "mmkit.machine.reclaim.writeback", WritebackDaemonProvider.class, true),
    PAGE_CACHE("page-cache", "mmkit.machine.page-cache", PageCacheProvider.class, true),
    BACKING("backing", "mmkit.machine.backing", BackingStoreProvider.class, false),
    PAGING("paging", "mmkit.machine.paging", MemoryManagerProvider.class, false),
    WORKLOAD("workload", "mmkit.workload", WorkloadSourceProvider.class, false);

    /** The name of an optional slot left empty. */
    public static final String NONE = "none";

    private final String displayName;
    private final String path;
    private final Class<? extends ImplementationProvider> providerType;
    private final boolean optional;

    Slot(String displayName, String path, Class<? extends ImplementationProvider> providerType, boolean optional) {
        this.displayName = displayName;
        this.path = path;
        this.providerType = providerType;
        this.optional = optional;
    }

    /** What messages call the slot: {@code page-allocator}, {@code reclaim.kswapd}. */
    public String displayName() {
        return displayName;
    }

    /** The slot's block, e.g. {@code mmkit.machine.page-allocator}. */
    public String path() {
        return path;
    }

    /** The key naming the implementation, e.g. {@code mmkit.machine.page-allocator.impl}. */
    public String implPath() {
        return path + ".impl";
    }

    public Class<? extends ImplementationProvider> providerType() {
        return providerType;
    }

    /** Whether {@value #NONE} is accepted. */
    public boolean optional() {
        return optional;
    }

    /** The slot whose display name or enum name is {@code name}. */
    public static Slot named(String name) {
        for (Slot slot : values()) {
            if (slot.displayName.equals(name) || slot.name().equals(name.toUpperCase(Locale.ROOT).replace('-', '_'))) {
                return slot;
            }
        }
        throw new IllegalArgumentException("Unknown slot [" + name + "]");
    }
}
