package dev.mmkit.api.mm;

import dev.mmkit.api.reclaim.Vmscan;
import dev.mmkit.api.workload.Kernel;
import java.util.List;
import java.util.Map;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * The memory-manager core: processes and their address spaces, the MMU path of every
 * reference (TLB, walk, fault), fault handling, swap, the reverse map and the reclaim
 * primitives. It is the {@link Kernel} workloads drive.
 */
@ConsumerType
public interface MemoryManager extends Kernel {
    /** Every process started, exited ones included, by pid. */
    List<? extends ProcessInfo> processes();

    /** The reclaim primitives daemons drive. */
    Vmscan vmscan();

    long swapTotalPages();

    long swapFreePages();

    /**
     * The active swap areas, as {@code /proc/swaps} lists them; none by default (an
     * implementation without swap areas of its own).
     *
     * @since 1.1.0
     */
    default List<SwapArea> swapAreas() {
        return List.of();
    }

    /**
     * Pages that the live shared-memory objects charge to the committed address space
     * ({@code vm_committed_as}, /proc/meminfo's Committed_AS): Linux's {@code shmem_acct_size}
     * charges each MAP_SHARED|MAP_ANONYMOUS mapping's whole size when it is set up, once
     * however many processes share it, and releases it when the object goes. 0 for a core
     * without such objects.
     *
     * @since 1.1.0
     */
    default long shmemCommittedPages() {
        return 0;
    }

    /**
     * The core's own counters in report order: {@code references}, {@code tlb_hits},
     * {@code walks}, {@code walk_memory_references}, {@code segfaults}, and more.
     */
    Map<String, Long> counters();

    /** Clean shutdown: every dirty file page written, files and swap closed. */
    void shutdown();

    /** Re-derives the core's invariants (VMAs sorted and disjoint, mapcounts, resident counts). */
    void verify();
}
