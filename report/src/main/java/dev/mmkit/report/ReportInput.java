package dev.mmkit.report;

import dev.mmkit.api.machine.Machine;
import dev.mmkit.api.mm.MemoryManager;
import dev.mmkit.api.page.PageAllocator;
import dev.mmkit.api.reclaim.ReclaimDaemon;
import dev.mmkit.api.slab.SlabAllocator;
import dev.mmkit.api.tlb.Tlb;
import java.util.List;
import java.util.Objects;

/**
 * What a report is made from: a finished machine and the collaborators it created. The
 * collaborators are passed in, never asked of the machine, because asking a {@link Machine}
 * for one creates it; a machine that never used its slab allocator passes {@code null} and
 * its report leaves the slab parts out (meminfo's {@code Slab} then comes from the vmstat
 * counters).
 *
 * @param machine the machine's own services (settings, clock, costs, vmstat) are read
 * @param pageAllocator its zones feed buddyinfo, zoneinfo, fragmentation and meminfo; may be null
 * @param slab feeds slabinfo and meminfo's slab lines; may be null
 * @param memoryManager feeds the processes' maps, swap totals and the MMU counters; may be null
 * @param tlbs the TLB of each CPU, in CPU order; may be empty
 * @param references memory references the workload made (for the effective access time);
 *     -1 to take the memory manager's {@code references} counter
 * @param reclaimDaemon says whether kswapd gave up on the node (zoneinfo's
 *     {@code node_unreclaimable}); may be null (then 0)
 */
public record ReportInput(Machine machine, PageAllocator pageAllocator, SlabAllocator slab,
                          MemoryManager memoryManager, List<? extends Tlb> tlbs, long references,
                          ReclaimDaemon reclaimDaemon) {
    public ReportInput {
        Objects.requireNonNull(machine, "machine");
        tlbs = tlbs == null ? List.of() : List.copyOf(tlbs);
    }

    /** A report without a reclaim daemon. */
    public ReportInput(Machine machine, PageAllocator pageAllocator, SlabAllocator slab,
                       MemoryManager memoryManager, List<? extends Tlb> tlbs, long references) {
        this(machine, pageAllocator, slab, memoryManager, tlbs, references, null);
    }

    /** A report of everything the memory manager counted. */
    public static ReportInput of(Machine machine, PageAllocator pageAllocator, SlabAllocator slab,
                                 MemoryManager memoryManager, List<? extends Tlb> tlbs) {
        return new ReportInput(machine, pageAllocator, slab, memoryManager, tlbs, -1);
    }

    /** The references of the run: the given number, else the memory manager's counter, else 0. */
    long referenceCount() {
        if (references >= 0) {
            return references;
        }
        if (memoryManager != null) {
            Long counted = memoryManager.counters().get("references");
            if (counted != null) {
                return counted;
            }
        }
        return 0;
    }
}
