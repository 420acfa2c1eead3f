package dev.mmkit.replacement;

import dev.mmkit.api.hw.Page;
import dev.mmkit.api.machine.MemMap;
import dev.mmkit.api.machine.PageFlags;
import dev.mmkit.api.machine.VmItem;
import dev.mmkit.api.machine.VmStat;
import dev.mmkit.api.replacement.PageReferences;
import dev.mmkit.api.replacement.ReplacementPolicy;

/**
 * Linux's active/inactive lists ({@code mm/vmscan.c}, {@code mm/swap.c}, as of Linux 5.x):
 * two lists per kind of page, anonymous and file-backed, kept apart as Linux keeps them
 * ({@code enum lru_list}: inactive anon, active anon, inactive file, active file). A page
 * comes in on the inactive list; a second reference promotes it to the active list; the
 * active list is aged onto the inactive list whenever the inactive list is too short; the
 * victim comes off the inactive list. One-time use (a streaming read, a scan) never pushes
 * the working set, which lives on the active list, out of memory.
 *
 * <h2>Layout</h2>
 * Four lists of {@link PageLists}. Linux adds at the list head and scans from the tail; here
 * the head is the scan end (oldest) and the tail the add end (newest):
 * <pre>
 *   inactive anon:  oldest ──► ... ──► newest ◄── add (lru_cache_add), deactivated pages
 *   active anon:    oldest ──► ... ──► newest ◄── activated pages
 *   inactive file, active file: the same, for page-cache pages
 * </pre>
 * The kind is {@code PG_anon}; a page on an active list has {@code PG_active}. Per the
 * {@link ReplacementPolicy} contract the machine counts an added page in
 * {@code NR_INACTIVE_*}; this policy moves one count to {@code NR_ACTIVE_*} and back
 * whenever it sets or clears {@code PG_active}, and counts {@code pgactivate},
 * {@code pgdeactivate} and {@code pgrefill}.
 *
 * <h2>Algorithm [evict()]</h2>
 * <ol>
 *   <li>Which kind ({@code get_scan_count}): the one that has pages, else anon and file in
 *       the ratio {@code swappiness : 200 - swappiness}, spread evenly by a deterministic
 *       weighted round robin. (Linux also weighs in the recent scanned/rotated ratios and
 *       switches to file-only when the inactive file list is large; this does not.)</li>
 *   <li>{@code shrink_active_list} while {@code inactive_list_is_low}: inactive · ratio &lt;
 *       active, where ratio = {@code int_sqrt(10 · GiB)} of the kind's pages, 1 below 1 GiB.
 *       Take the active list's oldest page, clear its referenced bits (the result does
 *       not matter: Linux keeps only executable file pages, which this machine does not
 *       distinguish), keep its mark, clear {@code PG_active}, append it to the inactive
 *       list.</li>
 *   <li>{@code shrink_inactive_list} → {@code page_check_references} on the inactive list's
 *       oldest page, with ptes = the references since the last look (counted and cleared
 *       through {@link PageReferences#referencedPtes}: one per mapping whose A bit is set)
 *       and flag = the page's mark:
 *       <ul>
 *         <li>ptes and flag, or ptes &gt; 1: promote — set {@code PG_active}, append to the
 *             active list (the second reference; a page that two processes referenced
 *             since the last look has had two, as {@code referenced_ptes > 1} says);</li>
 *         <li>one reference and no mark: mark the page, rotate it to the inactive list's
 *             newest end (every mapped page starts with A set by the fault that brought it
 *             in, so Linux "looks twice");</li>
 *         <li>neither, or the mark only: the victim.</li>
 *       </ul></li>
 * </ol>
 * The mark is what Linux keeps in {@code PG_referenced} for {@code page_check_references};
 * it lives in this policy's per-page byte because the machine's {@code PG_referenced} also
 * carries what the machine itself reports (soft faults, the software-emulated referenced
 * bits of {@code referenced-bits = software}, page-cache reads): all of that counts as a
 * reference here, so the policy decides alike with hardware or software referenced bits.
 * Each page costs O(1) per step; every step either finds the victim or moves a page that
 * a reference marked, so a call is amortised O(1) per reference.
 */
final class TwoListPolicy implements ReplacementPolicy {
    static final int INACTIVE_ANON = 0;
    static final int ACTIVE_ANON = 1;
    static final int INACTIVE_FILE = 2;
    static final int ACTIVE_FILE = 3;
    private static final int ANON = 0;
    private static final int FILE = 1;
    private static final int GIB_SHIFT = 30 - Page.SHIFT;
    /** The per-page byte of {@link PageLists}: this policy's {@code PG_referenced}. */
    private static final int REFERENCED = 1;

    private final PageLists lists;
    private final PageReferences refs;
    private final MemMap memMap;
    private final VmStat vmstat;
    private final int swappiness;
    /** Weighted round robin credits of anon and file. */
    private long anonCredit;
    private long fileCredit;

    /** @param swappiness {@code vm.swappiness}, 0-200: anon's share of scanning against 200 − it for file */
    TwoListPolicy(MemMap memMap, VmStat vmstat, PageReferences refs, int swappiness) {
        if (swappiness < 0 || swappiness > 200) {
            throw new IllegalArgumentException("swappiness: " + swappiness + " (expected: 0-200)");
        }
        this.lists = new PageLists("two-list", memMap.nrFrames(), "inactive_anon", "active_anon", "inactive_file",
            "active_file");
        this.refs = refs;
        this.memMap = memMap;
        this.vmstat = vmstat;
        this.swappiness = swappiness;
    }

    private static int inactive(int kind) {
        return kind == ANON ? INACTIVE_ANON : INACTIVE_FILE;
    }

    private static int active(int kind) {
        return kind == ANON ? ACTIVE_ANON : ACTIVE_FILE;
    }

    @Override
    public void add(long pfn) {
        lists.setAux(pfn, 0);
        lists.addTail(memMap.testFlag(pfn, PageFlags.PG_ANON) ? INACTIVE_ANON : INACTIVE_FILE, pfn);
    }

    @Override
    public void remove(long pfn) {
        lists.unlink(pfn, "remove");
    }

    @Override
    public long evict() {
        while (size() > 0) {
            int kind = scanKind();
            int inactive = inactive(kind);
            int active = active(kind);
            while (inactiveIsLow(kind)) {
                deactivate(lists.head(active), kind);
            }
            long pfn = lists.head(inactive);
            boolean flag = lists.aux(pfn) != 0;
            int ptes = refs.referencedPtes(pfn);
            if (ptes > 0) {
                lists.setAux(pfn, REFERENCED);
                if (flag || ptes > 1) {
                    activate(pfn, kind);
                } else {
                    lists.rotate(inactive);
                }
            } else {
                lists.setAux(pfn, 0);
                lists.unlink(pfn, "evict");
                return pfn;
            }
        }
        return -1;
    }

    /** {@code get_scan_count}: the kind to scan next, by weighted round robin over swappiness. */
    private int scanKind() {
        boolean anon = lists.size(INACTIVE_ANON) + lists.size(ACTIVE_ANON) > 0;
        boolean file = lists.size(INACTIVE_FILE) + lists.size(ACTIVE_FILE) > 0;
        if (!anon || !file) {
            return anon ? ANON : FILE;
        }
        anonCredit += swappiness;
        fileCredit += 200 - swappiness;
        if (anonCredit > fileCredit) {
            anonCredit -= 200;
            return ANON;
        }
        fileCredit -= 200;
        return FILE;
    }

    /** {@code inactive_list_is_low}: inactive · int_sqrt(10 · GiB) &lt; active (ratio 1 below 1 GiB). */
    private boolean inactiveIsLow(int kind) {
        long inactive = lists.size(inactive(kind));
        long active = lists.size(active(kind));
        long gb = (inactive + active) >>> GIB_SHIFT;
        long ratio = gb == 0 ? 1 : (long) Math.sqrt(10.0 * gb);
        return inactive * ratio < active;
    }

    /** {@code shrink_active_list} for one page: its references cleared, its mark kept, to the inactive list. */
    private void deactivate(long pfn, int kind) {
        vmstat.inc(VmItem.PGREFILL);
        refs.testAndClearReferenced(pfn);
        memMap.clearFlag(pfn, PageFlags.PG_ACTIVE);
        lists.moveToTail(pfn, inactive(kind));
        moveCount(kind, false);
        vmstat.inc(VmItem.PGDEACTIVATE);
    }

    private void activate(long pfn, int kind) {
        memMap.setFlag(pfn, PageFlags.PG_ACTIVE);
        lists.moveToTail(pfn, active(kind));
        moveCount(kind, true);
        vmstat.inc(VmItem.PGACTIVATE);
    }

    /** One page's count from NR_INACTIVE_* to NR_ACTIVE_* ({@code toActive}) or back. */
    private void moveCount(int kind, boolean toActive) {
        VmItem from;
        VmItem to;
        if (kind == ANON) {
            from = toActive ? VmItem.NR_INACTIVE_ANON : VmItem.NR_ACTIVE_ANON;
            to = toActive ? VmItem.NR_ACTIVE_ANON : VmItem.NR_INACTIVE_ANON;
        } else {
            from = toActive ? VmItem.NR_INACTIVE_FILE : VmItem.NR_ACTIVE_FILE;
            to = toActive ? VmItem.NR_ACTIVE_FILE : VmItem.NR_INACTIVE_FILE;
        }
        vmstat.add(from, -1);
        vmstat.add(to, 1);
    }

    /** Whether the policy has marked a page referenced (its {@code PG_referenced}; for tests). */
    boolean marked(long pfn) {
        return lists.aux(pfn) != 0;
    }

    /** The list a page is on (the constants above), −1 for none (for tests). */
    int listOf(long pfn) {
        return lists.listOf(pfn);
    }

    long listSize(int list) {
        return lists.size(list);
    }

    @Override
    public long size() {
        return lists.size(INACTIVE_ANON) + lists.size(ACTIVE_ANON) + lists.size(INACTIVE_FILE) + lists.size(ACTIVE_FILE);
    }

    /** The lists, and for every page: PG_active set exactly on the active lists, PG_anon matching its list's kind. */
    @Override
    public void verify() {
        lists.verify();
        for (int l = INACTIVE_ANON; l <= ACTIVE_FILE; l++) {
            long p = lists.head(l);
            for (long i = 0; i < lists.size(l); i++, p = lists.next(p)) {
                boolean shouldBeActive = l == ACTIVE_ANON || l == ACTIVE_FILE;
                if (memMap.testFlag(p, PageFlags.PG_ACTIVE) != shouldBeActive) {
                    throw new IllegalStateException("two-list: page " + Page.hex(p) + " on " + lists.name(l) + " has flags "
                        + PageFlags.describe(memMap.flags(p)) + " (expected: active " + shouldBeActive + ")");
                }
                boolean shouldBeAnon = l <= ACTIVE_ANON;
                if (memMap.testFlag(p, PageFlags.PG_ANON) != shouldBeAnon) {
                    throw new IllegalStateException("two-list: page " + Page.hex(p) + " on " + lists.name(l) + " has flags "
                        + PageFlags.describe(memMap.flags(p)) + " (expected: anon " + shouldBeAnon + ")");
                }
            }
        }
    }
}
