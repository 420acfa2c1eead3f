package dev.mmkit.machine;

// Why: page tables and user data live in simulated memory; values must be little-endian as
// on x86, frames must cost nothing until written, and bad addresses must be named.

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mmkit.api.hw.PhysicalMemory;
import org.junit.jupiter.api.Test;

class ArrayPhysicalMemoryTest {
    private final ArrayPhysicalMemory memory = new ArrayPhysicalMemory(4, true);

    @Test
    void untouchedMemoryReadsZeroAndCostsNothing() {
        assertThat(memory.readLong(0x1ff8)).isZero();
        assertThat(memory.readByte(0x3fff)).isZero();
        assertThat(memory.populatedFrames()).isZero();
    }

    @Test
    void valuesAreLittleEndian() {
        memory.writeLong(0x1008, 0x0102030405060708L);
        assertThat(memory.readByte(0x1008)).isEqualTo((byte) 0x08);
        assertThat(memory.readByte(0x100f)).isEqualTo((byte) 0x01);
        assertThat(memory.readInt(0x100c)).isEqualTo(0x01020304);
        memory.writeInt(0x2000, 0xcafebabe);
        assertThat(memory.readByte(0x2000)).isEqualTo((byte) 0xbe);
        assertThat(memory.populatedFrames()).isEqualTo(2);
    }

    @Test
    void orLongSetsBitsAndReturnsTheOldValue() {
        memory.writeLong(0x10, 0x1L);
        assertThat(memory.orLong(0x10, 0x60L)).isEqualTo(0x1L); // A and D bits, as the MMU sets them
        assertThat(memory.readLong(0x10)).isEqualTo(0x61L);
    }

    @Test
    void exchangeLongReplacesAWordAndReturnsTheOldValue() {
        memory.writeLong(0x2010, 0x5003L); // a present entry: frame 5, P | RW
        assertThat(memory.exchangeLong(0x2010, 0x7700L)).isEqualTo(0x5003L); // a swap entry in its place
        assertThat(memory.readLong(0x2010)).isEqualTo(0x7700L);
        assertThat(memory.exchangeLong(0x3ff8, 0x42L)).as("a frame never written reads zero").isZero();
        assertThat(memory.readLong(0x3ff8)).isEqualTo(0x42L);
        assertThat(memory.populatedFrames()).as("storage as a write creates it").isEqualTo(2);
        assertThatThrownBy(() -> memory.exchangeLong(0x2014, 1)).hasMessage("physical address 0x2014 not aligned to 8 bytes");
        assertThatThrownBy(() -> memory.exchangeLong(0x4000, 1)).hasMessage("physical address 0x4000 outside memory (0x0-0x3fff)");
        assertThat(memory.readLong(0x2010)).as("a refused exchange changes nothing").isEqualTo(0x7700L);
    }

    @Test
    void theBaseClassExchangeReadsThenWritesAsTheArraysOwnDoes() {
        PhysicalMemory byDefault = new Forwarding(new ArrayPhysicalMemory(4, true));
        memory.writeLong(0x1008, 0x5003L);
        byDefault.writeLong(0x1008, 0x5003L);
        for (long value : new long[] {0x7700L, 0L, -1L}) {
            assertThat(byDefault.exchangeLong(0x1008, value)).isEqualTo(memory.exchangeLong(0x1008, value));
            assertThat(byDefault.readLong(0x1008)).isEqualTo(memory.readLong(0x1008)).isEqualTo(value);
        }
    }

    /** Every abstract method to the arrays, {@code exchangeLong} left to {@link PhysicalMemory}'s own. */
    private static final class Forwarding extends PhysicalMemory {
        private final PhysicalMemory behind;

        Forwarding(PhysicalMemory behind) {
            this.behind = behind;
        }

        @Override public long nrFrames() { return behind.nrFrames(); }
        @Override public boolean keepsUserData() { return behind.keepsUserData(); }
        @Override public byte readByte(long paddr) { return behind.readByte(paddr); }
        @Override public void writeByte(long paddr, byte value) { behind.writeByte(paddr, value); }
        @Override public int readInt(long paddr) { return behind.readInt(paddr); }
        @Override public void writeInt(long paddr, int value) { behind.writeInt(paddr, value); }
        @Override public long readLong(long paddr) { return behind.readLong(paddr); }
        @Override public void writeLong(long paddr, long value) { behind.writeLong(paddr, value); }
        @Override public long orLong(long paddr, long bits) { return behind.orLong(paddr, bits); }
        @Override public void read(long paddr, byte[] dst, int offset, int length) { behind.read(paddr, dst, offset, length); }
        @Override public void write(long paddr, byte[] src, int offset, int length) { behind.write(paddr, src, offset, length); }
        @Override public void fill(long paddr, long length, byte value) { behind.fill(paddr, length, value); }
        @Override public void clearFrame(long pfn) { behind.clearFrame(pfn); }
        @Override public void copyFrame(long fromPfn, long toPfn) { behind.copyFrame(fromPfn, toPfn); }
        @Override public byte[] kmap(long pfn) { return behind.kmap(pfn); }
    }

    @Test
    void kmapGivesTheFramesOwnBytesUntilTheFrameIsCleared() {
        memory.writeLong(0x1008, 0x0102030405060708L);
        byte[] frame = memory.kmap(1);
        assertThat(frame).hasSize(4096);
        assertThat(frame[8]).as("little-endian, at the word's offset in the frame").isEqualTo((byte) 0x08);
        assertThat(frame[15]).isEqualTo((byte) 0x01);
        frame[0x10] = 0x61; // a write through the array is a write of the frame
        assertThat(memory.readLong(0x1010)).isEqualTo(0x61L);
        assertThat(memory.kmap(1)).as("the same storage every time").isSameAs(frame);
        byte[] fresh = memory.kmap(2);
        assertThat(memory.populatedFrames()).as("kmap creates a frame's storage").isEqualTo(2);
        assertThat(fresh).containsOnly((byte) 0);
        memory.clearFrame(1);
        assertThat(memory.readLong(0x1010)).as("cleared: the old array is no longer the frame").isZero();
        assertThat(memory.kmap(1)).isNotSameAs(frame).containsOnly((byte) 0);
        assertThatThrownBy(() -> memory.kmap(4)).hasMessage("physical address 0x4000 outside memory (0x0-0x3fff)");
    }

    @Test
    void bulkCopiesCrossFrameBoundaries() {
        byte[] src = new byte[100];
        for (int i = 0; i < src.length; i++) {
            src[i] = (byte) (i + 1);
        }
        memory.write(0x1000 - 50, src, 0, 100);
        byte[] dst = new byte[100];
        memory.read(0x1000 - 50, dst, 0, 100);
        assertThat(dst).isEqualTo(src);
        assertThat(memory.readByte(0x1000)).isEqualTo((byte) 51);
    }

    @Test
    void clearingAndZeroFillingAWholeFrameReleasesIt() {
        memory.writeByte(0x3000, (byte) 7);
        memory.writeByte(0x2000, (byte) 9);
        memory.clearFrame(3);
        memory.fill(0x2000, 0x1000, (byte) 0);
        assertThat(memory.populatedFrames()).isZero();
        assertThat(memory.readByte(0x3000)).isZero();
        memory.fill(0x10, 4, (byte) 0xff);
        assertThat(memory.readInt(0x10)).isEqualTo(-1);
        assertThat(memory.readByte(0x14)).isZero();
    }

    @Test
    void copyFrameMakesAnIndependentCopy() {
        memory.writeLong(0x1000, 42);
        memory.copyFrame(1, 2);
        memory.writeLong(0x1000, 43);
        assertThat(memory.readLong(0x2000)).isEqualTo(42);
        memory.copyFrame(0, 2); // an untouched frame copies as zeros
        assertThat(memory.readLong(0x2000)).isZero();
    }

    @Test
    void badAddressesAreNamed() {
        assertThatThrownBy(() -> memory.readByte(0x4000))
            .isInstanceOf(IndexOutOfBoundsException.class)
            .hasMessage("physical address 0x4000 outside memory (0x0-0x3fff)");
        assertThatThrownBy(() -> memory.readLong(0x1004)).hasMessage("physical address 0x1004 not aligned to 8 bytes");
        assertThatThrownBy(() -> memory.writeInt(0x2, 1)).hasMessage("physical address 0x2 not aligned to 4 bytes");
        assertThatThrownBy(() -> new ArrayPhysicalMemory(0, true)).hasMessageStartingWith("nrFrames: 0 (expected: 1-");
    }

    @Test
    void reportsWhetherUserDataIsKept() {
        assertThat(memory.keepsUserData()).isTrue();
        assertThat(new ArrayPhysicalMemory(1, false).keepsUserData()).isFalse();
        assertThat(memory.nrFrames()).isEqualTo(4);
    }

    @Test
    void framesOnBothSidesOfAChunkBoundaryAreIndependent() {
        ArrayPhysicalMemory big = new ArrayPhysicalMemory(4 * ArrayPhysicalMemory.CHUNK, false);
        long last = ArrayPhysicalMemory.CHUNK - 1;
        long first = ArrayPhysicalMemory.CHUNK;
        big.writeLong(dev.mmkit.api.hw.Page.address(last) + 4088, 0x1122_3344_5566_7788L);
        big.writeLong(dev.mmkit.api.hw.Page.address(first), -2L);
        assertThat(big.readLong(dev.mmkit.api.hw.Page.address(last) + 4088)).isEqualTo(0x1122_3344_5566_7788L);
        assertThat(big.readLong(dev.mmkit.api.hw.Page.address(first))).isEqualTo(-2L);
        assertThat(big.readLong(dev.mmkit.api.hw.Page.address(3L * ArrayPhysicalMemory.CHUNK))).isZero();
        big.copyFrame(first, 3L * ArrayPhysicalMemory.CHUNK + 1);
        assertThat(big.readLong(dev.mmkit.api.hw.Page.address(3L * ArrayPhysicalMemory.CHUNK + 1))).isEqualTo(-2L);
        assertThat(big.populatedFrames()).isEqualTo(3);
        big.clearFrame(last);
        big.clearFrame(2L * ArrayPhysicalMemory.CHUNK);
        assertThat(big.populatedFrames()).isEqualTo(2);
        assertThat(big.readLong(dev.mmkit.api.hw.Page.address(last) + 4088)).isZero();
    }
}
