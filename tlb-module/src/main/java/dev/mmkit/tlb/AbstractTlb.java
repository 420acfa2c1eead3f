package dev.mmkit.tlb;

import dev.mmkit.api.hw.Access;
import dev.mmkit.api.tlb.Tlb;
import dev.mmkit.api.tlb.TlbListener;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What every TLB of this module shares: its levels, the mapping of address spaces onto
 * hardware ASIDs ({@link AsidAllocator}), context switches, invalidation, shootdowns,
 * write-back of bits, counters and {@link #verify()}. Subclasses decide how a lookup walks
 * the levels and what happens on a miss.
 *
 * <h2>Context switch</h2>
 * <ul>
 *   <li>ASIDs on: the new address space gets (or keeps) a hardware ASID; entries of other
 *       address spaces stay cached, tagged with theirs. Only a generation rollover flushes,
 *       and it flushes everything, global entries too (as {@code flush_context} does).</li>
 *   <li>ASIDs off: every non-global entry is flushed (as a CR3 write without PCID does);
 *       global entries survive.</li>
 *   <li>A switch to the address space already current does nothing (Linux's
 *       {@code switch_mm_irqs_off} returns early when prev == next).</li>
 * </ul>
 *
 * <h2>Write-back of bits (the Nachos convention)</h2>
 * With {@code writeback-bits = true} the TLB keeps the referenced and dirty bits itself: a
 * hit sets A, a write hit sets D, and every entry that leaves the TLB (evicted,
 * invalidated, flushed) is reported to {@link TlbListener#evicted} with its address, its
 * address space's asid (the current one for a global entry) and its PTE carrying those
 * bits. In a hierarchy an entry leaving an upper level gives its bits to the next level's
 * copy, and only the last copy to leave is reported. With {@code writeback-bits = false}
 * (x86) nothing is reported: the MMU sets A and D in the page table itself.
 *
 * <h2>Threads</h2>
 * A TLB belongs to one CPU and is not thread-safe: only the thread that runs that CPU's
 * work calls it. A shootdown from another CPU is delivered by the machine on the owning
 * CPU's thread, as an IPI is handled by the CPU it interrupts.
 */
abstract class AbstractTlb implements Tlb {
    /** Every level, in report order. */
    final TlbLevel[] levels;
    final AsidAllocator asids;
    final TlbListener listener;
    final boolean writebackBits;
    /** The hardware ASID of the current address space, cached for the lookup path. */
    int currentHw;

    AbstractTlb(TlbLevel[] levels, AsidAllocator asids, TlbListener listener, boolean writebackBits) {
        this.levels = levels;
        this.asids = asids;
        this.listener = listener;
        this.writebackBits = writebackBits;
        this.currentHw = asids.currentHw();
        if (writebackBits) {
            TlbLevel.Writeback sink = this::evicted;
            for (TlbLevel level : levels) {
                level.writeback = sink;
            }
        }
    }

    private void evicted(long tag, long pte) {
        // Only the last copy to leave is reported: a copy may remain in a level that is not
        // the next one (a slice's entry that L1d dropped is still in L2), or above (L2 drops
        // an entry that L1d still holds); that copy takes the bits and reports them when it leaves.
        for (TlbLevel level : levels) {
            if (level.absorbBits(tag, pte)) {
                return;
            }
        }
        int asid = TlbEntry.isGlobal(tag) ? asids.current() : asids.owner(TlbEntry.asid(tag));
        listener.evicted(TlbEntry.vaddr(tag), asid, pte);
    }

    @Override
    public boolean keepsBits() {
        return writebackBits;
    }

    /** Whether a hit by {@code access} marks the entry dirty (only when the TLB keeps its own bits). */
    final boolean marksDirty(int access) {
        return Access.isWrite(access) && writebackBits; // a constant read access folds the load away
    }

    @Override
    public void switchTo(int asid) {
        if (asid == asids.current()) {
            return;
        }
        if (!asids.enabled) {
            flushAll(false);
            asids.activate(asid);
        } else {
            if (asids.hwAsid(asid) < 0 && asids.isFull()) {
                flushAll(true); // before the rollover, while the old owners are known
            }
            asids.activate(asid);
        }
        currentHw = asids.currentHw();
    }

    private void flushAll(boolean globalToo) {
        for (TlbLevel level : levels) {
            level.flush(globalToo);
        }
    }

    @Override
    public void invalidatePage(long vaddr, int asid) {
        int hw = asids.hwAsid(asid);
        for (TlbLevel level : levels) {
            level.invalidatePage(vaddr, hw);
        }
    }

    @Override
    public void invalidateAsid(int asid) {
        int hw = asids.hwAsid(asid);
        if (hw < 0) {
            return; // nothing of it can be cached in this generation
        }
        for (TlbLevel level : levels) {
            if (asids.enabled) {
                level.invalidateAsid(hw);
            } else {
                level.flush(false);
            }
        }
    }

    @Override
    public void invalidateAll() {
        flushAll(true);
    }

    @Override
    public void shootdown(long vaddr, int asid) {
        for (TlbLevel level : levels) {
            level.shootdowns++;
        }
        invalidatePage(vaddr, asid);
    }

    @Override
    public Map<String, Long> counters() {
        Map<String, Long> counters = new LinkedHashMap<>();
        for (TlbLevel level : levels) {
            level.addCounters(counters);
        }
        addTotals(counters);
        counters.put("asid.rollovers", asids.rollovers());
        return counters;
    }

    /** Counters beyond the levels' own (a hierarchy's totals). */
    void addTotals(Map<String, Long> counters) {
    }

    /** Valid entries over all levels. */
    final int nrEntries() {
        int n = 0;
        for (TlbLevel level : levels) {
            n += level.nrEntries();
        }
        return n;
    }

    /** Re-derives every invariant of the levels and of the ASID mapping; throws on the first broken one. */
    final void verify() {
        asids.verify();
        for (TlbLevel level : levels) {
            level.verify(asids.nrAsids);
        }
        if (currentHw != asids.currentHw()) {
            throw new IllegalStateException("current hardware ASID " + currentHw + " (expected: " + asids.currentHw() + ")");
        }
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(getClass().getSimpleName()).append('[');
        for (int i = 0; i < levels.length; i++) {
            s.append(i == 0 ? "" : ", ").append(levels[i]);
        }
        return s.append(", asids=").append(asids.enabled ? asids.nrAsids : "off").append(']').toString();
    }
}
