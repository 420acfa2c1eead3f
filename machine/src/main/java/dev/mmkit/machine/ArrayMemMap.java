package dev.mmkit.machine;

import dev.mmkit.api.hw.Page;
import dev.mmkit.api.machine.MemMap;

/**
 * {@code mem_map} as a structure of arrays: 32 bytes per frame (flags, refcount, mapcount
 * and mapping as ints; index and private as longs), no object per frame.
 */
public final class ArrayMemMap implements MemMap {
    private final long nrFrames;
    private final int[] flags;
    private final int[] refcount;
    private final int[] mapcount;
    private final int[] mapping;
    private final long[] index;
    private final long[] privateData;

    public ArrayMemMap(long nrFrames) {
        if (nrFrames <= 0 || nrFrames > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("nrFrames: " + nrFrames + " (expected: 1-" + (Integer.MAX_VALUE - 8) + ")");
        }
        int n = (int) nrFrames;
        this.nrFrames = nrFrames;
        this.flags = new int[n];
        this.refcount = new int[n];
        this.mapcount = new int[n];
        this.mapping = new int[n];
        this.index = new long[n];
        this.privateData = new long[n];
    }

    private int at(long pfn) {
        if (pfn < 0 || pfn >= nrFrames) {
            throw new IndexOutOfBoundsException("pfn " + Page.hex(pfn) + " outside memory (0x0-" + Page.hex(nrFrames - 1) + ")");
        }
        return (int) pfn;
    }

    @Override
    public long nrFrames() {
        return nrFrames;
    }

    @Override
    public int flags(long pfn) {
        return flags[at(pfn)];
    }

    @Override
    public boolean testFlag(long pfn, int flag) {
        return (flags[at(pfn)] & flag) != 0;
    }

    @Override
    public void setFlag(long pfn, int flag) {
        flags[at(pfn)] |= flag;
    }

    @Override
    public void clearFlag(long pfn, int flag) {
        flags[at(pfn)] &= ~flag;
    }

    @Override
    public boolean testAndSetFlag(long pfn, int flag) {
        int i = at(pfn);
        boolean was = (flags[i] & flag) != 0;
        flags[i] |= flag;
        return was;
    }

    @Override
    public boolean testAndClearFlag(long pfn, int flag) {
        int i = at(pfn);
        boolean was = (flags[i] & flag) != 0;
        flags[i] &= ~flag;
        return was;
    }

    @Override
    public int refcount(long pfn) {
        return refcount[at(pfn)];
    }

    @Override
    public void setRefcount(long pfn, int count) {
        refcount[at(pfn)] = count;
    }

    @Override
    public int getPage(long pfn) {
        return ++refcount[at(pfn)];
    }

    @Override
    public int putPage(long pfn) {
        int i = at(pfn);
        if (refcount[i] <= 0) {
            throw new IllegalStateException("page " + Page.hex(pfn) + ": put_page on a page with refcount " + refcount[i]);
        }
        return --refcount[i];
    }

    @Override
    public int mapcount(long pfn) {
        return mapcount[at(pfn)];
    }

    @Override
    public void setMapcount(long pfn, int count) {
        mapcount[at(pfn)] = count;
    }

    @Override
    public int mapping(long pfn) {
        return mapping[at(pfn)];
    }

    @Override
    public void setMapping(long pfn, int value) {
        mapping[at(pfn)] = value;
    }

    @Override
    public long index(long pfn) {
        return index[at(pfn)];
    }

    @Override
    public void setIndex(long pfn, long value) {
        index[at(pfn)] = value;
    }

    @Override
    public long privateData(long pfn) {
        return privateData[at(pfn)];
    }

    @Override
    public void setPrivateData(long pfn, long value) {
        privateData[at(pfn)] = value;
    }

    @Override
    public void reset(long pfn) {
        int i = at(pfn);
        flags[i] = 0;
        refcount[i] = 0;
        mapcount[i] = 0;
        mapping[i] = 0;
        index[i] = 0;
        privateData[i] = 0;
    }
}
