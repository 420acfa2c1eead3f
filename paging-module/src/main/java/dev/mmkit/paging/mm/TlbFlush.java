package dev.mmkit.paging.mm;

import dev.mmkit.api.machine.Machine;
import dev.mmkit.api.machine.VmItem;
import dev.mmkit.api.machine.VmStat;
import dev.mmkit.api.tlb.Tlb;

/**
 * TLB shootdowns, after {@code arch/x86/mm/tlb.c}: {@code flush_tlb_page} drops one
 * translation of one address space on every CPU whose TLB may hold it (counting local
 * flushes, remote flushes sent and received as /proc/vmstat does), and {@code flush_tlb_mm}
 * drops a whole ASID. Every change or removal of a present PTE is followed by one of them.
 */
final class TlbFlush {
    private final LinuxMemoryManager k;
    private final Machine machine;
    private final VmStat vmstat;

    TlbFlush(LinuxMemoryManager k) {
        this.k = k;
        this.machine = k.machine;
        this.vmstat = k.vmstat;
    }

    /**
     * {@code flush_tlb_page} on every CPU: the shootdown that follows a changed or removed
     * PTE. This CPU invalidates the page itself; every other CPU's TLB receives it as a
     * shootdown ({@code Tlb.shootdown}), which its own counters record.
     */
    void flushPage(int pid, long va) {
        k.tlbShootdowns++;
        int self = machine.currentCpu();
        Tlb[] tlbs = k.tlbs;
        Tlb own = tlbs[self];
        if (own != null) {
            own.invalidatePage(va, pid); // invlpg
            vmstat.inc(VmItem.NR_TLB_LOCAL_FLUSH_ONE);
        }
        if (tlbs.length > 1) {
            shootdownOthers(self, pid, va);
        }
    }

    /**
     * The IPIs of {@link #flushPage}: every other CPU's TLB receives the shootdown, which its
     * own counters record. Kept apart from the local flush, so that a machine of one CPU
     * takes no loop: the loop's state cost the compiled eviction a dozen spilled registers
     * per page.
     */
    private void shootdownOthers(int self, int pid, long va) {
        boolean remote = false;
        Tlb[] tlbs = k.tlbs;
        for (int cpu = 0; cpu < tlbs.length; cpu++) {
            Tlb tlb = tlbs[cpu];
            if (tlb != null && cpu != self) {
                tlb.shootdown(va, pid);
                vmstat.inc(VmItem.NR_TLB_REMOTE_FLUSH_RECEIVED);
                remote = true;
            }
        }
        if (remote) {
            vmstat.inc(VmItem.NR_TLB_REMOTE_FLUSH);
        }
    }

    /**
     * Before the machine reads or replaces the A and D bits of the PTE mapping {@code va} in
     * {@code mm}: with TLBs that keep their own bits ({@code Tlb.keepsBits}, the Nachos
     * convention) the page's entries are flushed on every CPU, so that their bits reach the
     * PTE first ({@link Mmu#evicted}), as a kernel for such a TLB syncs it before it trusts a
     * dirty bit. Nothing with x86 TLBs: the walk keeps the PTE's bits current.
     */
    void syncBits(Mm mm, long va) {
        if (k.tlbKeepsBits) {
            Task owner = ownerOf(mm);
            if (owner != null) {
                flushPage(owner.pid, va);
            }
        }
    }

    /** {@link #syncBits(Mm, long)} for every page of {@code mm} (before it is copied or torn down). */
    void syncBits(Mm mm) {
        if (k.tlbKeepsBits) {
            flushAsidOf(mm);
        }
    }

    /**
     * {@code flush_tlb_mm} on every CPU: this CPU flushes the ASID itself, every other CPU's
     * TLB receives the flush by IPI (counted as sent and received, as for one page).
     */
    void flushAsid(int pid) {
        int self = machine.currentCpu();
        boolean remote = false;
        Tlb[] tlbs = k.tlbs;
        for (int cpu = 0; cpu < tlbs.length; cpu++) {
            Tlb tlb = tlbs[cpu];
            if (tlb != null) {
                tlb.invalidateAsid(pid);
                if (cpu != self) {
                    vmstat.inc(VmItem.NR_TLB_REMOTE_FLUSH_RECEIVED);
                    remote = true;
                }
            }
        }
        vmstat.inc(VmItem.NR_TLB_LOCAL_FLUSH_ALL);
        if (remote) {
            vmstat.inc(VmItem.NR_TLB_REMOTE_FLUSH);
        }
    }

    void flushAsidOf(Mm mm) {
        Task owner = ownerOf(mm);
        if (owner != null) {
            flushAsid(owner.pid);
        }
    }

    static Task ownerOf(Mm mm) {
        Task t = mm.owner;
        return t != null && t.mm == mm ? t : null;
    }
}
