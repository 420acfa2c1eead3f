package dev.mmkit.machine;

import dev.mmkit.api.hw.Page;
import dev.mmkit.api.hw.PhysicalMemory;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Simulated physical memory as one byte array per frame, created on the frame's first
 * write (or {@link #kmap}, which hands out the array itself). The frames' references are kept in chunks of {@value #CHUNK} frames, each created
 * when one of its frames is first written: a frame never written costs nothing but its
 * share of one reference per chunk, so a 64 GiB machine whose user data is dropped (only
 * page tables and slabs written) costs a few hundred KiB here.
 *
 * <p>Multi-byte values are little-endian, read through byte-array view handles.
 * {@link #clearFrame} drops a frame's array: a freed, zeroed frame costs nothing again.
 */
public final class ArrayPhysicalMemory extends PhysicalMemory {
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /** log2 of the frames per chunk of references. */
    private static final int CHUNK_SHIFT = 9;
    static final int CHUNK = 1 << CHUNK_SHIFT;
    private static final int CHUNK_MASK = CHUNK - 1;

    private final long nrFrames;
    private final boolean keepsUserData;
    /** chunks[pfn >>> CHUNK_SHIFT][pfn & CHUNK_MASK]: the frame's bytes, or null while it is all zeros. */
    private final byte[][][] chunks;

    public ArrayPhysicalMemory(long nrFrames, boolean keepsUserData) {
        if (nrFrames <= 0 || nrFrames > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("nrFrames: " + nrFrames + " (expected: 1-" + (Integer.MAX_VALUE - 8) + ")");
        }
        this.nrFrames = nrFrames;
        this.keepsUserData = keepsUserData;
        this.chunks = new byte[(int) ((nrFrames + CHUNK_MASK) >>> CHUNK_SHIFT)][][];
    }

    @Override
    public long nrFrames() {
        return nrFrames;
    }

    @Override
    public boolean keepsUserData() {
        return keepsUserData;
    }

    /** Frames that hold storage now (have been written and not cleared). */
    public long populatedFrames() {
        long n = 0;
        for (byte[][] chunk : chunks) {
            if (chunk != null) {
                for (byte[] frame : chunk) {
                    if (frame != null) {
                        n++;
                    }
                }
            }
        }
        return n;
    }

    /** The bytes of frame {@code pfn}, or null while it holds only zeros. */
    private byte[] frame(int pfn) {
        byte[][] chunk = chunks[pfn >>> CHUNK_SHIFT];
        return chunk == null ? null : chunk[pfn & CHUNK_MASK];
    }

    private void setFrame(int pfn, byte[] bytes) {
        byte[][] chunk = chunks[pfn >>> CHUNK_SHIFT];
        if (chunk == null) {
            if (bytes == null) {
                return;
            }
            chunk = new byte[CHUNK][];
            chunks[pfn >>> CHUNK_SHIFT] = chunk;
        }
        chunk[pfn & CHUNK_MASK] = bytes;
    }

    private int index(long paddr) {
        long pfn = paddr >>> Page.SHIFT;
        if (paddr < 0 || pfn >= nrFrames) {
            throw new IndexOutOfBoundsException("physical address " + Page.hex(paddr)
                + " outside memory (0x0-" + Page.hex(nrFrames * Page.SIZE - 1) + ")");
        }
        return (int) pfn;
    }

    private byte[] frameForWrite(int pfn) {
        byte[] frame = frame(pfn);
        if (frame == null) {
            frame = new byte[Page.SIZE];
            setFrame(pfn, frame);
        }
        return frame;
    }

    private static void checkAligned(long paddr, int size) {
        if ((paddr & (size - 1)) != 0) {
            throw new IllegalArgumentException("physical address " + Page.hex(paddr) + " not aligned to " + size + " bytes");
        }
    }

    @Override
    public byte readByte(long paddr) {
        byte[] frame = frame(index(paddr));
        return frame == null ? 0 : frame[Page.offset(paddr)];
    }

    @Override
    public void writeByte(long paddr, byte value) {
        frameForWrite(index(paddr))[Page.offset(paddr)] = value;
    }

    /**
     * The frame index of an aligned word access at {@code paddr} of {@code size} bytes, checked
     * with one test on the common path: a negative address shifts to a page number far above
     * any frame, and a misaligned or outside one goes on to the checks that name it.
     */
    private int wordIndex(long paddr, int size) {
        long pfn = paddr >>> Page.SHIFT;
        if ((paddr & (size - 1)) != 0 || pfn >= nrFrames) {
            checkAligned(paddr, size);
            return index(paddr);
        }
        return (int) pfn;
    }

    @Override
    public int readInt(long paddr) {
        byte[] frame = frame(wordIndex(paddr, 4));
        return frame == null ? 0 : (int) INT.get(frame, Page.offset(paddr));
    }

    @Override
    public void writeInt(long paddr, int value) {
        INT.set(frameForWrite(wordIndex(paddr, 4)), Page.offset(paddr), value);
    }

    @Override
    public long readLong(long paddr) {
        byte[] frame = frame(wordIndex(paddr, 8));
        return frame == null ? 0 : (long) LONG.get(frame, Page.offset(paddr));
    }

    @Override
    public void writeLong(long paddr, long value) {
        LONG.set(frameForWrite(wordIndex(paddr, 8)), Page.offset(paddr), value);
    }

    @Override
    public long exchangeLong(long paddr, long value) {
        byte[] frame = frameForWrite(wordIndex(paddr, 8));
        int offset = Page.offset(paddr);
        long old = (long) LONG.get(frame, offset);
        LONG.set(frame, offset, value);
        return old;
    }

    @Override
    public long orLong(long paddr, long bits) {
        byte[] frame = frameForWrite(wordIndex(paddr, 8));
        int offset = Page.offset(paddr);
        long old = (long) LONG.get(frame, offset);
        LONG.set(frame, offset, old | bits);
        return old;
    }

    @Override
    public byte[] kmap(long pfn) {
        return frameForWrite(index(Page.address(pfn)));
    }

    @Override
    public void read(long paddr, byte[] dst, int offset, int length) {
        while (length > 0) {
            int pfn = index(paddr);
            int in = Page.offset(paddr);
            int n = Math.min(length, Page.SIZE - in);
            byte[] frame = frame(pfn);
            if (frame == null) {
                Arrays.fill(dst, offset, offset + n, (byte) 0);
            } else {
                System.arraycopy(frame, in, dst, offset, n);
            }
            paddr += n;
            offset += n;
            length -= n;
        }
    }

    @Override
    public void write(long paddr, byte[] src, int offset, int length) {
        while (length > 0) {
            int pfn = index(paddr);
            int in = Page.offset(paddr);
            int n = Math.min(length, Page.SIZE - in);
            System.arraycopy(src, offset, frameForWrite(pfn), in, n);
            paddr += n;
            offset += n;
            length -= n;
        }
    }

    @Override
    public void fill(long paddr, long length, byte value) {
        while (length > 0) {
            int pfn = index(paddr);
            int in = Page.offset(paddr);
            int n = (int) Math.min(length, Page.SIZE - in);
            if (value == 0 && frame(pfn) == null) {
                // already zero
            } else if (value == 0 && n == Page.SIZE) {
                setFrame(pfn, null);
            } else {
                Arrays.fill(frameForWrite(pfn), in, in + n, value);
            }
            paddr += n;
            length -= n;
        }
    }

    @Override
    public void clearFrame(long pfn) {
        setFrame(index(Page.address(pfn)), null);
    }

    @Override
    public void copyFrame(long fromPfn, long toPfn) {
        byte[] from = frame(index(Page.address(fromPfn)));
        int to = index(Page.address(toPfn));
        setFrame(to, from == null ? null : from.clone());
    }
}
