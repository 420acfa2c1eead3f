package dev.mmkit.machine;

import dev.mmkit.api.hw.Page;
import dev.mmkit.api.machine.MemMap;

/**
 * {@code mem_map} as a structure of arrays: 32 bytes per frame plus one bit (flags,
 * refcount, mapcount and mapping as ints; index and private as longs), no object per frame.
 *
 * <h2>Layout, arranged for the page allocator's hot path</h2>
 * <pre>
 *   long[] hot     per frame: refcount in the high 32 bits, flags in the low 32: what every
 *                  allocation and free touches, in one word (one cache line, one store)
 *   int[]  mapcount, mapping;  long[] index, privateData:  the cold fields
 *   long[] cold    bit x: a cold field of frame x was written since its last reset
 * </pre>
 * {@link #reset} must leave every field of the frame zero, but most frames the allocator
 * frees never had a cold field written (kernel pages, page tables, slabs). So reset clears
 * the hot slot, and the four cold fields only when the frame's {@code cold} bit says one
 * may be non-zero; the bitmap (an eighth of a byte per frame) stays in cache where the four
 * cold arrays (24 bytes per frame) would not. Every cold setter sets the bit.
 */
public final class ArrayMemMap implements MemMap {
    private static final long FLAGS = 0xffff_ffffL;

    private final long nrFrames;
    private final long[] hot;
    private final int[] mapcount;
    private final int[] mapping;
    private final long[] index;
    private final long[] privateData;
    private final long[] cold;

    public ArrayMemMap(long nrFrames) {
        if (nrFrames <= 0 || nrFrames > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("nrFrames: " + nrFrames + " (expected: 1-" + (Integer.MAX_VALUE - 8) + ")");
        }
        int n = (int) nrFrames;
        this.nrFrames = nrFrames;
        this.hot = new long[n];
        this.mapcount = new int[n];
        this.mapping = new int[n];
        this.index = new long[n];
        this.privateData = new long[n];
        this.cold = new long[(n + 63) >>> 6];
    }

    private int at(long pfn) {
        if (pfn < 0 || pfn >= nrFrames) {
            throw new IndexOutOfBoundsException("pfn " + Page.hex(pfn) + " outside memory (0x0-" + Page.hex(nrFrames - 1) + ")");
        }
        return (int) pfn;
    }

    /** Notes that a cold field of frame {@code pfn} may become non-zero; returns its index. */
    private int coldAt(long pfn) {
        int i = at(pfn);
        cold[i >>> 6] |= 1L << i;
        return i;
    }

    @Override
    public long nrFrames() {
        return nrFrames;
    }

    @Override
    public int flags(long pfn) {
        return (int) hot[at(pfn)];
    }

    @Override
    public boolean testFlag(long pfn, int flag) {
        return ((int) hot[at(pfn)] & flag) != 0;
    }

    @Override
    public void setFlag(long pfn, int flag) {
        hot[at(pfn)] |= flag & FLAGS;
    }

    @Override
    public void clearFlag(long pfn, int flag) {
        hot[at(pfn)] &= ~(flag & FLAGS);
    }

    @Override
    public boolean testAndSetFlag(long pfn, int flag) {
        int i = at(pfn);
        boolean was = ((int) hot[i] & flag) != 0;
        hot[i] |= flag & FLAGS;
        return was;
    }

    @Override
    public boolean testAndClearFlag(long pfn, int flag) {
        int i = at(pfn);
        boolean was = ((int) hot[i] & flag) != 0;
        hot[i] &= ~(flag & FLAGS);
        return was;
    }

    @Override
    public int refcount(long pfn) {
        return (int) (hot[at(pfn)] >>> 32);
    }

    @Override
    public void setRefcount(long pfn, int count) {
        int i = at(pfn);
        hot[i] = withRefcount(hot[i], count);
    }

    @Override
    public int getPage(long pfn) {
        int i = at(pfn);
        int count = (int) (hot[i] >>> 32) + 1;
        hot[i] = withRefcount(hot[i], count);
        return count;
    }

    @Override
    public int putPage(long pfn) {
        int i = at(pfn);
        int count = (int) (hot[i] >>> 32);
        if (count <= 0) {
            throw new IllegalStateException("page " + Page.hex(pfn) + ": put_page on a page with refcount " + count);
        }
        hot[i] = withRefcount(hot[i], --count);
        return count;
    }

    private static long withRefcount(long word, int count) {
        return (word & FLAGS) | (long) count << 32;
    }

    @Override
    public int mapcount(long pfn) {
        return mapcount[at(pfn)];
    }

    @Override
    public void setMapcount(long pfn, int count) {
        mapcount[coldAt(pfn)] = count;
    }

    @Override
    public int mapping(long pfn) {
        return mapping[at(pfn)];
    }

    @Override
    public void setMapping(long pfn, int value) {
        mapping[coldAt(pfn)] = value;
    }

    @Override
    public long index(long pfn) {
        return index[at(pfn)];
    }

    @Override
    public void setIndex(long pfn, long value) {
        index[coldAt(pfn)] = value;
    }

    @Override
    public long privateData(long pfn) {
        return privateData[at(pfn)];
    }

    @Override
    public void setPrivateData(long pfn, long value) {
        privateData[coldAt(pfn)] = value;
    }

    @Override
    public void reset(long pfn) {
        int i = at(pfn);
        hot[i] = 0;
        long bit = 1L << i;
        if ((cold[i >>> 6] & bit) != 0) {
            cold[i >>> 6] &= ~bit;
            mapcount[i] = 0;
            mapping[i] = 0;
            index[i] = 0;
            privateData[i] = 0;
        }
    }
}
