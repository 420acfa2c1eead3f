package dev.mmkit.api.hw;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The machine's simulated physical memory: {@link #nrFrames()} frames of {@link Page#SIZE}
 * bytes, addressed by physical address. Page tables, slab objects and (with
 * {@code memory.backing = bytes}) the contents of user pages live here.
 *
 * <p>Multi-byte values are little-endian, as on x86. Storage is created on first write (or
 * {@link #kmap}), so a frame that was never written reads as zeros and costs nothing. An address outside
 * memory is an {@link IndexOutOfBoundsException} naming the address.
 */
@ProviderType
public abstract class PhysicalMemory {
    /** For the machine's implementation (a class, not an interface: see the package). */
    protected PhysicalMemory() {
    }

    /** Number of page frames. */
    public abstract long nrFrames();

    /** Whether user page contents are kept ({@code backing = bytes}) or dropped ({@code none}). */
    public abstract boolean keepsUserData();

    public abstract byte readByte(long paddr);

    public abstract void writeByte(long paddr, byte value);

    /** Reads a little-endian 32-bit value; {@code paddr} must be 4-byte aligned. */
    public abstract int readInt(long paddr);

    public abstract void writeInt(long paddr, int value);

    /** Reads a little-endian 64-bit value; {@code paddr} must be 8-byte aligned. */
    public abstract long readLong(long paddr);

    public abstract void writeLong(long paddr, long value);

    /** Atomically (with respect to the simulated CPUs) sets bits in a 64-bit word, returning the old value. */
    public abstract long orLong(long paddr, long bits);

    /**
     * Atomically (with respect to the simulated CPUs) replaces a 64-bit word, returning the
     * old value ({@code xchg}, as {@code ptep_get_and_clear} exchanges a page-table entry);
     * {@code paddr} must be 8-byte aligned. This class reads and then writes; an
     * implementation finds the word once.
     */
    public long exchangeLong(long paddr, long value) {
        long old = readLong(paddr);
        writeLong(paddr, value);
        return old;
    }

    /**
     * The {@link Page#SIZE} bytes of frame {@code pfn} themselves, little-endian, for code
     * that works on a frame in place as the kernel does through {@code kmap_local_page()} /
     * {@code page_address()}: the page tables read and write their entries here. Reads and
     * writes through the array are reads and writes of the frame. Creates the frame's
     * storage; the array stays the frame's until the frame is cleared or replaced as a whole
     * ({@link #clearFrame}, a {@link #fill} or {@link #copyFrame} over the whole frame), and
     * whoever keeps it must drop it before then.
     */
    public abstract byte[] kmap(long pfn);

    /** Copies {@code length} bytes out of memory into {@code dst}. */
    public abstract void read(long paddr, byte[] dst, int offset, int length);

    /** Copies {@code length} bytes from {@code src} into memory. */
    public abstract void write(long paddr, byte[] src, int offset, int length);

    /** Fills {@code length} bytes with {@code value} ({@code memset}). */
    public abstract void fill(long paddr, long length, byte value);

    /** Zeroes a whole frame ({@code clear_page}), releasing its storage. */
    public abstract void clearFrame(long pfn);

    /** Copies a whole frame ({@code copy_page}). */
    public abstract void copyFrame(long fromPfn, long toPfn);
}
