package dev.mmkit.paging.mm;

import dev.mmkit.api.hw.Page;
import dev.mmkit.api.machine.Machine;
import dev.mmkit.api.machine.MemMap;
import dev.mmkit.api.machine.PageFlags;
import dev.mmkit.api.machine.VmItem;
import dev.mmkit.api.machine.VmStat;
import dev.mmkit.api.replacement.ReplacementPolicy;
import java.util.ArrayList;

/**
 * The replacement sets ({@code lruvec}s) and the one place pages enter and leave them
 * ({@code lru_cache_add}, {@code del_page_from_lru_list}). Without a resident limit there is
 * one machine-wide set; with one, each address space has its own policy instance, and a
 * page whose set's owner no longer maps it moves to the set of a process that does
 * ({@link #rehome}); page-cache pages no process brought in (or whose process exited) go to
 * a machine-wide set of their own. {@link #lruOf} records the set of each frame
 * ({@code PG_lru} mirrors it); global reclaim takes from the largest set.
 *
 * <h2>Accounting</h2>
 * As the {@code ReplacementPolicy} contract says: a page is counted in
 * {@code NR_INACTIVE_ANON} or {@code NR_INACTIVE_FILE} (by {@code PG_anon}) when it enters a
 * set; a policy that sets or clears {@code PG_active} moves the count itself; when the page
 * leaves (removed, or chosen by {@code evict}) the count its {@code PG_active} names is
 * decremented and the flag cleared.
 */
final class Lru {
    private final LinuxMemoryManager k;
    private final Machine machine;
    private final MemMap memMap;
    private final VmStat vmstat;

    /** The machine-wide set; null with a resident limit (each address space has its own). */
    Lruvec global;
    /** With a resident limit: the set of page-cache pages charged to no address space (made on first use). */
    private Lruvec unowned;
    /** The sets by id; id 0 is unused, so that 0 in {@link #lruOf} means "in no set". */
    final ArrayList<Lruvec> lruvecs = new ArrayList<>();
    /** The set each frame is in, by pfn (0: none). */
    int[] lruOf;
    /** Whether any policy declared characteristics, so that every reference is reported to it. */
    boolean policyWantsReferences;

    Lru(LinuxMemoryManager k) {
        this.k = k;
        this.machine = k.machine;
        this.memMap = k.memMap;
        this.vmstat = k.vmstat;
    }

    /** Binds the sets to a machine of {@code nrFrames} frames: the machine-wide set unless there is a resident limit. */
    void init(int nrFrames) {
        lruOf = new int[nrFrames];
        lruvecs.add(null);
        if (k.settings.residentLimit() == 0) {
            global = newLruvec(null);
        }
    }

    Lruvec newLruvec(Mm mm) {
        ReplacementPolicy policy = machine.newReplacementPolicy(k);
        if (!policy.characteristics().isEmpty()) {
            policyWantsReferences = true;
        }
        Lruvec lv = new Lruvec(lruvecs.size(), policy, mm);
        lruvecs.add(lv);
        return lv;
    }

    void referenced(long pfn, long nextAccess) {
        int lv = lruOf[(int) pfn];
        if (lv != 0) {
            lruvecs.get(lv).policy.referenced(pfn, nextAccess);
        }
    }

    /** The policy instance replacing page {@code pfn}, null when it is in no set. */
    ReplacementPolicy policyOf(long pfn) {
        int lv = lruOf[(int) pfn];
        return lv == 0 ? null : lruvecs.get(lv).policy;
    }

    /** Whether page {@code pfn} is in a replacement set ({@code PageLRU}). */
    boolean onLru(long pfn) {
        return lruOf[(int) pfn] != 0;
    }

    /** A page whose owner's replacement set no longer maps it moves to the set of a mapper. */
    void rehome(long pfn) {
        int lv = lruOf[(int) pfn];
        if (lv == 0 || memMap.mapcount(pfn) == 0) {
            return;
        }
        Mm[] found = {null};
        k.rmap.rmapWalk(pfn, (vma, va, pte) -> {
            if (found[0] == null) {
                found[0] = vma.mm;
            }
        });
        if (found[0] != null && found[0].lruvec != null && found[0].lruvec.id != lv) {
            lruRemove(pfn);
            lruAdd(found[0], pfn);
        }
    }

    /**
     * {@code lru_cache_add}: page {@code pfn} enters the replacement set of {@code mm} (its
     * own under a resident limit), or the machine-wide one when {@code mm} is null or has none.
     */
    void lruAdd(Mm mm, long pfn) {
        Lruvec lv = mm != null && mm.lruvec != null ? mm.lruvec : shared();
        add(lv, pfn);
    }

    private Lruvec shared() {
        if (global != null) {
            return global;
        }
        if (unowned == null) {
            unowned = newLruvec(null);
        }
        return unowned;
    }

    /** Puts page {@code pfn} in set {@code lv}, counted inactive, and tells its policy. */
    void add(Lruvec lv, long pfn) {
        if (lruOf[(int) pfn] != 0) {
            throw new IllegalStateException("page " + Page.hex(pfn) + ": already in replacement set "
                + lruOf[(int) pfn]);
        }
        lruOf[(int) pfn] = lv.id;
        memMap.setFlag(pfn, PageFlags.PG_LRU);
        vmstat.inc(memMap.testFlag(pfn, PageFlags.PG_ANON) ? VmItem.NR_INACTIVE_ANON : VmItem.NR_INACTIVE_FILE);
        lv.policy.add(pfn);
    }

    /** {@code del_page_from_lru_list}: page {@code pfn} leaves its set without being chosen; nothing when in none. */
    void lruRemove(long pfn) {
        int lv = lruOf[(int) pfn];
        if (lv != 0) {
            lruvecs.get(lv).policy.remove(pfn);
            taken(pfn);
        }
    }

    /**
     * Page {@code pfn} has left its set (removed, or returned by the policy's {@code evict}):
     * it is uncounted from the list its {@code PG_active} names, and loses PG_lru and PG_active.
     */
    void taken(long pfn) {
        lruOf[(int) pfn] = 0;
        int flags = memMap.flags(pfn);
        boolean anon = (flags & PageFlags.PG_ANON) != 0;
        boolean active = (flags & PageFlags.PG_ACTIVE) != 0;
        VmItem item = anon ? (active ? VmItem.NR_ACTIVE_ANON : VmItem.NR_INACTIVE_ANON)
            : (active ? VmItem.NR_ACTIVE_FILE : VmItem.NR_INACTIVE_FILE);
        vmstat.add(item, -1);
        memMap.clearFlag(pfn, PageFlags.PG_LRU | PageFlags.PG_ACTIVE);
    }

    /** The victim of set {@code lv}'s policy, taken off the set; −1 when the set is empty. */
    long evict(Lruvec lv) {
        long pfn = lv.policy.evict();
        if (pfn >= 0) {
            if (lruOf[(int) pfn] != lv.id) {
                throw new IllegalStateException("replacement set " + lv.id + ": policy evicted page "
                    + Page.hex(pfn) + ", which is in set " + lruOf[(int) pfn]);
            }
            taken(pfn);
        }
        return pfn;
    }

    Lruvec largestLruvec() {
        if (global != null) {
            return global.policy.size() > 0 ? global : null;
        }
        Lruvec best = null;
        for (Lruvec lv : lruvecs) {
            if (lv != null && lv.policy.size() > 0 && (best == null || lv.policy.size() > best.policy.size())) {
                best = lv;
            }
        }
        return best;
    }
}
