package dev.mmkit.machine;

import dev.mmkit.api.hw.Page;
import dev.mmkit.api.machine.MemMap;

/**
 * {@code mem_map} as a structure of arrays: 8 bytes per frame for the fields every frame
 * uses, 24 more for those only some frames use, allocated in chunks on first write; no
 * object per frame.
 *
 * <h2>Layout, arranged for the page allocator's hot path and for huge, sparse machines</h2>
 * <pre>
 *   long[]   hot    per frame: refcount in the high 32 bits, flags in the low 32: what every
 *                   allocation and free touches, in one word (one cache line, one store)
 *   long[][] cold   per chunk of 2^{@value #CHUNK_SHIFT} frames, created when a cold field
 *                   of one of its frames is first written; three words per frame, field
 *                   by field (word k of frame x of the chunk at k * 2^{@value #CHUNK_SHIFT} + x):
 *                     word 0: mapping in the high 32 bits, mapcount in the low 32
 *                     word 1: index        word 2: private
 *   long[]   dirty  bit x: a cold field of frame x was written since its last reset
 * </pre>
 * A chunk not yet created reads as zeros, so frames that never map a user page, hold a
 * swap slot or belong to a file cost 8 bytes and one bit: a 64 GiB machine that touches a
 * little of its memory costs little more than its {@code hot} array. Within a chunk each
 * field has its own run of words, as separate arrays would: the mapcount, which the fault
 * and reclaim paths touch most, shares its cache line with those of seven neighbours, not
 * with two frames' index and private words.
 *
 * <p>{@link #reset} must leave every field of the frame zero, but most frames the allocator
 * frees never had a cold field written (kernel pages, page tables, slabs). So reset clears
 * the hot slot, and the cold words only when the frame's {@code dirty} bit says one may be
 * non-zero; the bitmap (an eighth of a byte per frame) stays in cache where the cold words
 * would not. Every cold setter sets the bit. A frame whose chunk was never created has no
 * bit set, so reset reads the bitmap only inside chunks that exist: the chunk table (one
 * reference per 2^{@value #CHUNK_SHIFT} frames) is far smaller than the bitmap.
 */
public final class ArrayMemMap extends MemMap {
    private static final long FLAGS = 0xffff_ffffL;
    /** log2 of the frames per chunk of cold words. */
    static final int CHUNK_SHIFT = 12;
    private static final int CHUNK_MASK = (1 << CHUNK_SHIFT) - 1;
    private static final int WORDS = 3;
    private static final long LOW = 0xffff_ffffL;

    private final long nrFrames;
    private final long[] hot;
    private final long[][] cold;
    private final long[] dirty;

    public ArrayMemMap(long nrFrames) {
        if (nrFrames <= 0 || nrFrames > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("nrFrames: " + nrFrames + " (expected: 1-" + (Integer.MAX_VALUE - 8) + ")");
        }
        int n = (int) nrFrames;
        this.nrFrames = nrFrames;
        this.hot = new long[n];
        this.cold = new long[(n + CHUNK_MASK) >>> CHUNK_SHIFT][];
        this.dirty = new long[(n + 63) >>> 6];
    }

    /** Chunks of cold words created so far (each {@code 24 << CHUNK_SHIFT} bytes). */
    public int coldChunks() {
        int n = 0;
        for (long[] chunk : cold) {
            if (chunk != null) {
                n++;
            }
        }
        return n;
    }

    /** Cold word {@code word} of frame {@code i}, 0 when its chunk does not exist. */
    private long coldWord(int i, int word) {
        long[] chunk = cold[i >>> CHUNK_SHIFT];
        return chunk == null ? 0 : chunk[word << CHUNK_SHIFT | (i & CHUNK_MASK)];
    }

    /**
     * Notes that a cold field of frame {@code pfn} may become non-zero; returns the chunk
     * holding its words (created if need be). Word k of the frame is at
     * {@code k << CHUNK_SHIFT | (pfn & CHUNK_MASK)}.
     */
    private long[] coldChunk(int i) {
        dirty[i >>> 6] |= 1L << i;
        long[] chunk = cold[i >>> CHUNK_SHIFT];
        if (chunk == null) {
            chunk = new long[WORDS << CHUNK_SHIFT];
            cold[i >>> CHUNK_SHIFT] = chunk;
        }
        return chunk;
    }

    /**
     * The index of {@code pfn}, checked against {@code hot.length} (which is nrFrames): the
     * compiler then drops the bounds check of the {@code hot[i]} access that follows, as the
     * same test dominates it. The message is built in its own method so that this one stays
     * small enough to inline everywhere.
     */
    private int at(long pfn) {
        int i = (int) pfn;
        if (i != pfn || i < 0 || i >= hot.length) {
            throw outside(pfn);
        }
        return i;
    }

    private IndexOutOfBoundsException outside(long pfn) {
        return new IndexOutOfBoundsException("pfn " + Page.hex(pfn) + " outside memory (0x0-" + Page.hex(nrFrames - 1) + ")");
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
        return (int) coldWord(at(pfn), 0);
    }

    @Override
    public void setMapcount(long pfn, int count) {
        int i = at(pfn);
        long[] chunk = coldChunk(i);
        int w = i & CHUNK_MASK;
        chunk[w] = (chunk[w] & ~LOW) | (count & LOW);
    }

    @Override
    public int mapping(long pfn) {
        return (int) (coldWord(at(pfn), 0) >>> 32);
    }

    @Override
    public void setMapping(long pfn, int value) {
        int i = at(pfn);
        long[] chunk = coldChunk(i);
        int w = i & CHUNK_MASK;
        chunk[w] = (chunk[w] & LOW) | (long) value << 32;
    }

    @Override
    public long index(long pfn) {
        return coldWord(at(pfn), 1);
    }

    @Override
    public void setIndex(long pfn, long value) {
        int i = at(pfn);
        coldChunk(i)[1 << CHUNK_SHIFT | (i & CHUNK_MASK)] = value;
    }

    @Override
    public long privateData(long pfn) {
        return coldWord(at(pfn), 2);
    }

    @Override
    public void setPrivateData(long pfn, long value) {
        int i = at(pfn);
        coldChunk(i)[2 << CHUNK_SHIFT | (i & CHUNK_MASK)] = value;
    }

    @Override
    public void setPage(long pfn, int flags, int refcount, int mapcount, int mapping, long index, long privateData) {
        int i = at(pfn);
        hot[i] = (flags & FLAGS) | (long) refcount << 32;
        long[] chunk = coldChunk(i);
        int w = i & CHUNK_MASK;
        chunk[w] = (long) mapping << 32 | (mapcount & LOW);
        chunk[1 << CHUNK_SHIFT | w] = index;
        chunk[2 << CHUNK_SHIFT | w] = privateData;
    }

    @Override
    public void reset(long pfn) {
        int i = at(pfn);
        hot[i] = 0;
        // A chunk not yet created holds no cold word and no dirty bit (coldChunk sets the bit
        // only where it creates or finds the chunk): then the bitmap need not be read at all.
        long[] chunk = cold[i >>> CHUNK_SHIFT];
        long bit = 1L << i;
        if (chunk != null && (dirty[i >>> 6] & bit) != 0) {
            dirty[i >>> 6] &= ~bit;
            int w = i & CHUNK_MASK;
            chunk[w] = 0;
            chunk[1 << CHUNK_SHIFT | w] = 0;
            chunk[2 << CHUNK_SHIFT | w] = 0;
        }
    }
}
