package dev.mmkit.tlb;

import dev.mmkit.api.hw.Access;
import dev.mmkit.api.tlb.TlbListener;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A hierarchy of TLB levels, each naming the level its misses go to, as gem5 configures
 * {@code next_level}: typically split first-level instruction and data TLBs in front of a
 * unified second level, optionally with a tiny direct-mapped TLB slice in front of the data
 * side.
 *
 * <pre>
 *   fetch ──► L1i ──────────┐
 *                           ▼
 *   data ──► slice ──► L1d ──► L2 ──► miss: the MMU walks, then insert()
 * </pre>
 *
 * <h2>Algorithm</h2>
 * <ul>
 *   <li>[lookup(vaddr, access)]: instruction fetches ({@code Access.EXECUTE}) enter at the
 *       instruction path's first level, everything else at the data path's. Each level on
 *       the path is searched in turn; each counts its own hit or miss. On a hit at a lower
 *       level, the entry is copied into every level above it on the path (the fill gem5's
 *       levels do on the way back), and the translation is returned. If the last level
 *       misses too, the reference is a miss of the TLB: lookup returns 0 and the MMU
 *       walks.</li>
 *   <li>[insert(vaddr, access, pte)]: fill every level of the access's path, last level
 *       first, so that an upper level's victim can hand its bits down to the copy below.</li>
 *   <li>Invalidations, flushes and shootdowns reach every level.</li>
 * </ul>
 * {@link #hits()} counts references some level translated; {@link #misses()} counts those
 * that needed a walk. Counters {@code total.hits} and {@code total.misses} report them next
 * to each level's own.
 */
final class HierarchicalTlb extends AbstractTlb {
    private final TlbLevel[] instructionPath;
    private final TlbLevel[] dataPath;
    private long references;
    private long walks;

    HierarchicalTlb(TlbLevel[] levels, TlbLevel instructionEntry, TlbLevel dataEntry, AsidAllocator asids,
            TlbListener listener, boolean writebackBits) {
        super(levels, asids, listener, writebackBits);
        this.instructionPath = path(instructionEntry);
        this.dataPath = path(dataEntry);
    }

    private static TlbLevel[] path(TlbLevel entry) {
        List<TlbLevel> path = new ArrayList<>();
        for (TlbLevel level = entry; level != null; level = level.next) {
            if (path.contains(level)) {
                throw new IllegalArgumentException("next-level forms a cycle at " + level.name);
            }
            path.add(level);
        }
        return path.toArray(new TlbLevel[0]);
    }

    @Override
    public long lookup(long vaddr, int access) {
        references++;
        TlbLevel[] path = Access.isExecute(access) ? instructionPath : dataPath;
        int hw = currentHw;
        boolean dirty = marksDirty(access);
        for (int i = 0; i < path.length; i++) {
            TlbLevel level = path[i];
            long translation = level.lookupKeepingSlot(vaddr, hw, dirty);
            if (translation != 0) {
                if (i > 0) {
                    fillAbove(path, i, vaddr, hw);
                }
                return translation;
            }
        }
        walks++;
        return 0;
    }

    /** Copies the entry that level {@code hit} of {@code path} just hit into the levels above it. */
    private static void fillAbove(TlbLevel[] path, int hit, long vaddr, int hw) {
        TlbLevel source = path[hit];
        int slot = source.hitSlot;
        long pte = source.pte[slot];
        int size = TlbEntry.size(source.tag[slot]);
        for (int i = hit - 1; i >= 0; i--) {
            path[i].insert(vaddr, hw, pte, size);
        }
    }

    @Override
    public void insert(long vaddr, int access, long pte, int pageShift) {
        int size = HardwareWalkedTlb.sizeClass(pageShift);
        TlbLevel[] path = Access.isExecute(access) ? instructionPath : dataPath;
        for (int i = path.length - 1; i >= 0; i--) {
            path[i].insert(vaddr, currentHw, pte, size);
        }
    }

    @Override
    public long hits() {
        return references - walks;
    }

    @Override
    public long misses() {
        return walks;
    }

    @Override
    void addTotals(Map<String, Long> counters) {
        counters.put("total.hits", hits());
        counters.put("total.misses", misses());
    }
}
