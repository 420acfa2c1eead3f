package dev.mmkit.buddy.fit;

import dev.mmkit.api.hw.Page;
import dev.mmkit.api.machine.Machine;
import dev.mmkit.api.page.BadPageStateException;
import dev.mmkit.buddy.AllocatorSettings;
import dev.mmkit.buddy.ZoneLayout;
import dev.mmkit.buddy.ZonedPageAllocator;
import java.util.BitSet;

/**
 * Sequential-fit page allocators over free extents, the textbook alternatives to the buddy
 * system: first fit, best fit and worst fit. They serve the same contract as the buddy
 * allocator (2^order frames aligned to their order, the same zones, watermarks and GFP
 * behaviour), so one workload can run against all four and their fragmentation be compared.
 *
 * <h2>Glossary</h2>
 * <ul>
 *   <li><b>extent</b>: a maximal run of free frames inside one zone, {@code [start, start+len)}.
 *       Two extents never touch: freeing coalesces a block with the extents on both sides.</li>
 *   <li><b>fit</b>: an extent that holds an aligned block of 2^order frames, i.e.
 *       {@code alignUp(start, 2^order) + 2^order <= start + len}.</li>
 * </ul>
 *
 * <h2>State, as a structure of arrays (9 bytes and 1 bit per frame)</h2>
 * <pre>
 *   BitSet starts     bit set at the first frame of each extent: the extents sorted by address
 *   int[]  length     at an extent's first frame: its length in frames
 *   int[]  tailHead   at an extent's last frame: its first frame (to find the left neighbour)
 *   byte[] state      at an allocated block's first frame: ALLOC | order, else 0
 * </pre>
 *
 * <h2>Algorithm: allocate 2^order frames</h2>
 * <ol>
 *   <li>Walk the zone's extents in address order. <b>first-fit</b> takes the first that fits;
 *       <b>best-fit</b> the smallest that fits (lowest address on ties); <b>worst-fit</b> the
 *       largest (lowest address on ties).</li>
 *   <li>Cut the aligned block out of the chosen extent; what is left before and after it
 *       stays free as up to two extents.</li>
 * </ol>
 *
 * <h2>Algorithm: free a block</h2>
 * <ol>
 *   <li>If the frame before the block ends an extent, absorb that extent; if the frame after
 *       it starts one, absorb that too. Record the result as one extent.</li>
 * </ol>
 *
 * <h2>nr_free per order</h2>
 * There are no per-order lists. Each extent is cut, from its start, into the largest
 * blocks aligned to their order (at most maxOrder-1), as Linux hands boot memory to the
 * buddy allocator ({@code __free_pages_memory}); {@code nr_free[order]} counts those blocks,
 * kept up to date as extents come and go. They are blocks of that order the allocator
 * could hand out, they add up to the free pages, and the fragmentation indices read them as
 * they read the buddy's free areas.
 */
final class FitAllocator extends ZonedPageAllocator {
    /** Which extent an allocation takes. */
    enum Policy {
        FIRST_FIT("first-fit"),
        BEST_FIT("best-fit"),
        WORST_FIT("worst-fit");

        final String configName;

        Policy(String configName) {
            this.configName = configName;
        }
    }

    private static final int ORDER_MASK = 0x1f;
    private static final int ALLOC = 0x80;

    private final Policy policy;
    private final BitSet starts;
    private final int[] length;
    private final int[] tailHead;
    private final byte[] state;
    /** The aligned-block decomposition of the extents: index z * maxOrder + order. */
    private final long[] nrFree;
    private final long[] nrExtents = new long[NR_ZONES];

    FitAllocator(Machine machine, AllocatorSettings settings, ZoneLayout layout, Policy policy) {
        super(machine, settings, layout);
        this.policy = policy;
        int frames = (int) nrFrames;
        this.starts = new BitSet(frames);
        this.length = new int[frames];
        this.tailHead = new int[frames];
        this.state = new byte[frames];
        this.nrFree = new long[NR_ZONES * maxOrder];
        for (int z = 0; z < NR_ZONES; z++) {
            if (zoneEnd[z] > zoneStart[z]) {
                addExtent(z, (int) zoneStart[z], (int) (zoneEnd[z] - zoneStart[z]));
                freePages[z] = zoneEnd[z] - zoneStart[z];
            }
        }
    }

    Policy policy() {
        return policy;
    }

    // ---- extents -----------------------------------------------------------------------

    private void addExtent(int z, int start, int len) {
        starts.set(start);
        length[start] = len;
        tailHead[start + len - 1] = start;
        account(z, start, len, 1);
        nrExtents[z]++;
    }

    private void removeExtent(int z, int start) {
        int len = length[start];
        starts.clear(start);
        length[start] = 0;
        account(z, start, len, -1);
        nrExtents[z]--;
    }

    /** Adds (sign 1) or removes (-1) the extent's aligned blocks to nr_free. */
    private void account(int z, long start, long len, int sign) {
        long p = start;
        long end = start + len;
        int base = z * maxOrder;
        while (p < end) {
            int order = largestOrder(p, end);
            nrFree[base + order] += sign;
            p += 1L << order;
        }
    }

    private int largestOrder(long p, long end) {
        int order = Math.min(maxOrder - 1, p == 0 ? 63 : Long.numberOfTrailingZeros(p));
        order = Math.min(order, 63 - Long.numberOfLeadingZeros(end - p));
        return order;
    }

    // ---- allocation --------------------------------------------------------------------

    @Override
    protected long rmqueue(int z, int order) {
        long size = 1L << order;
        int end = (int) zoneEnd[z];
        int chosen = -1;
        int chosenLen = 0;
        for (int s = starts.nextSetBit((int) zoneStart[z]); s >= 0 && s < end; s = starts.nextSetBit(s + 1)) {
            int len = length[s];
            long aligned = (s + size - 1) & -size;
            if (aligned + size > (long) s + len) {
                continue;
            }
            if (policy == Policy.FIRST_FIT) {
                chosen = s;
                break;
            }
            if (chosen < 0 || (policy == Policy.BEST_FIT ? len < chosenLen : len > chosenLen)) {
                chosen = s;
                chosenLen = len;
            }
        }
        if (chosen < 0) {
            return NO_PAGE;
        }
        int s = chosen;
        int len = length[s];
        int aligned = (int) ((s + size - 1) & -size);
        removeExtent(z, s);
        if (aligned > s) {
            addExtent(z, s, aligned - s);
        }
        int after = (int) (aligned + size);
        if (after < s + len) {
            addExtent(z, after, s + len - after);
        }
        state[aligned] = (byte) (ALLOC | order);
        freePages[z] -= size;
        return aligned;
    }

    // ---- freeing -----------------------------------------------------------------------

    @Override
    protected void checkAllocated(int z, long pfn, int order) {
        if ((state[(int) pfn] & 0xff) != (ALLOC | order)) {
            throw badFree(z, pfn, order);
        }
    }

    /** Why freeing {@code pfn} with {@code order} is wrong. */
    private BadPageStateException badFree(int z, long pfn, int order) {
        int s = state[(int) pfn] & 0xff;
        if ((s & ALLOC) != 0) {
            return new BadPageStateException(pfn, order, "allocated with order " + (s & ORDER_MASK));
        }
        int head = starts.previousSetBit((int) pfn);
        if (head >= zoneStart[z] && head + (long) length[head] > pfn) {
            return new BadPageStateException(pfn, order, head == pfn ? "already free"
                : "already free (inside the free extent " + Page.hex(head) + "+" + length[head] + ")");
        }
        if ((pfn & ((1L << order) - 1)) != 0) {
            return new BadPageStateException(pfn, order, "not allocated (not aligned to the order)");
        }
        return new BadPageStateException(pfn, order, "not allocated");
    }

    @Override
    protected void release(int z, long pfn, int order) {
        int start = (int) pfn;
        int end = start + (1 << order);
        state[start] = 0;
        freePages[z] += 1L << order;
        if (start > zoneStart[z]) {
            int left = tailHead[start - 1];
            if (starts.get(left) && left + length[left] == start) {
                removeExtent(z, left);
                start = left;
            }
        }
        if (end < zoneEnd[z] && starts.get(end)) {
            int len = length[end];
            removeExtent(z, end);
            end += len;
        }
        addExtent(z, start, end - start);
    }

    // ---- views -------------------------------------------------------------------------

    /** One line for logs and debugging. */
    @Override
    public String toString() {
        return policy.configName + " max-order " + maxOrder + ", free " + (freePages[0] + freePages[1] + freePages[2])
            + " pages in " + (nrExtents[0] + nrExtents[1] + nrExtents[2]) + " extents, failed allocations " + allocFailures();
    }

    @Override
    protected long nrFree(int z, int order) {
        return nrFree[z * maxOrder + order];
    }

    /** Free extents of zone {@code z}. */
    long nrExtents(int z) {
        return nrExtents[z];
    }

    /** Bytes of per-frame state (length, tailHead, state; the start bitmap adds 1/8). */
    static double bytesPerFrame() {
        return Integer.BYTES + Integer.BYTES + Byte.BYTES + 1.0 / 8;
    }

    @Override
    protected void verifyZone(int z) {
        String zone = "zone " + zoneName(z);
        long start = zoneStart[z];
        long end = zoneEnd[z];
        BitSet covered = new BitSet();
        long[] counts = new long[maxOrder];
        long free = 0;
        long extents = 0;
        long previousEnd = -1;
        for (int s = starts.nextSetBit((int) start); s >= 0 && s < end; s = starts.nextSetBit(s + 1)) {
            int len = length[s];
            if (len <= 0 || s + (long) len > end) {
                throw new IllegalStateException(zone + ": extent " + Page.hex(s) + "+" + len + " outside the zone "
                    + Page.hex(start) + "-" + Page.hex(end - 1));
            }
            if (s < previousEnd) {
                throw new IllegalStateException(zone + ": extent " + Page.hex(s) + " overlaps the one before, ending at " + Page.hex(previousEnd));
            }
            if (s == previousEnd) {
                throw new IllegalStateException(zone + ": extents ending at " + Page.hex(s) + " and starting there are not coalesced");
            }
            if (tailHead[s + len - 1] != s) {
                throw new IllegalStateException(zone + ": extent " + Page.hex(s) + "+" + len + " ends at a frame naming "
                    + Page.hex(tailHead[s + len - 1]) + " as its start");
            }
            covered.set(s, s + len);
            long p = s;
            while (p < s + len) {
                int order = largestOrder(p, s + len);
                counts[order]++;
                p += 1L << order;
            }
            free += len;
            extents++;
            previousEnd = s + len;
        }
        for (int order = 0; order < maxOrder; order++) {
            if (counts[order] != nrFree[z * maxOrder + order]) {
                throw new IllegalStateException(zone + ": nr_free[" + order + "] = " + nrFree[z * maxOrder + order]
                    + " but the extents hold " + counts[order]);
            }
        }
        if (extents != nrExtents[z]) {
            throw new IllegalStateException(zone + ": counts " + nrExtents[z] + " extents but holds " + extents);
        }
        if (free != freePages[z]) {
            throw new IllegalStateException(zone + ": free pages " + freePages[z] + " but the extents hold " + free);
        }
        long allocated = 0;
        for (long pfn = start; pfn < end; pfn++) {
            int s = state[(int) pfn] & 0xff;
            if (s == 0) {
                continue;
            }
            int order = s & ORDER_MASK;
            long size = 1L << order;
            if ((s & ALLOC) == 0 || (pfn & (size - 1)) != 0 || pfn + size > end) {
                throw new IllegalStateException(zone + ": page " + Page.hex(pfn) + " has state 0x" + Integer.toHexString(s)
                    + " (expected: an aligned allocated block inside the zone)");
            }
            int clash = covered.nextSetBit((int) pfn);
            if (clash >= 0 && clash < pfn + size) {
                throw new IllegalStateException(zone + ": page " + Page.hex(clash) + " of allocated block " + Page.hex(pfn)
                    + " is also free or in another block");
            }
            covered.set((int) pfn, (int) (pfn + size));
            allocated += size;
        }
        if (free + allocated != end - start) {
            throw new IllegalStateException(zone + ": free " + free + " + allocated " + allocated + " = " + (free + allocated)
                + " (expected: the zone's " + (end - start) + " pages)");
        }
    }
}
