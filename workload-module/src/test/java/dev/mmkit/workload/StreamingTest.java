package dev.mmkit.workload;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

// Checks that the readers stream: memory allocated while replaying does not grow with the number of records (no object per record, no trace held whole).
class StreamingTest {
    private static final int RECORDS = 200_000;
    /** Far below one 16-byte object per record (3.2 MB), far above the readers' fixed buffers. */
    private static final long BUDGET = 1_000_000;

    @TempDir
    Path dir;

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    @Test
    void oracleGeneralAllocatesNothingPerRecord() throws Exception {
        ByteBuffer b = ByteBuffer.allocate(24 * RECORDS).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < RECORDS; i++) {
            b.putInt(i).putLong(i % 1000).putInt(4096).putLong(i + 1001 <= RECORDS ? i + 1001 : -1);
        }
        Path trace = Files.write(dir.resolve("big.oracleGeneral"), b.array());
        OracleGeneralTrace source = new OracleGeneralTrace(trace, "og");
        source.run(new CountingKernel()); // warm up
        CountingKernel kernel = new CountingKernel();
        long before = allocatedBytes();
        source.run(kernel);
        long allocated = allocatedBytes() - before;
        assertThat(kernel.references).isEqualTo(RECORDS);
        assertThat(allocated).as("bytes allocated replaying %s records", RECORDS).isLessThan(BUDGET);
    }

    @Test
    void textAllocatesNothingPerLine() throws Exception {
        StringBuilder text = new StringBuilder(RECORDS * 12);
        for (int i = 0; i < RECORDS; i++) {
            text.append("W 0x").append(Integer.toHexString(i << 12)).append('\n');
        }
        Path trace = Files.writeString(dir.resolve("big.txt"), text);
        TextTrace source = new TextTrace(trace, false, "t");
        source.run(new CountingKernel());
        CountingKernel kernel = new CountingKernel();
        long before = allocatedBytes();
        source.run(kernel);
        long allocated = allocatedBytes() - before;
        assertThat(kernel.references).isEqualTo(RECORDS);
        assertThat(allocated).as("bytes allocated replaying %s lines", RECORDS).isLessThan(BUDGET);
    }

    @Test
    void lackeyAllocatesNothingPerLine() throws Exception {
        StringBuilder text = new StringBuilder(RECORDS * 16);
        for (int i = 0; i < RECORDS; i++) {
            text.append(i % 3 == 0 ? "I  " : " L ").append(String.format("%08x", 0x4000000 + i * 8)).append(",8\n");
        }
        Path trace = Files.writeString(dir.resolve("big.lackey"), text);
        LackeyTrace source = new LackeyTrace(trace, "l");
        source.run(new CountingKernel());
        CountingKernel kernel = new CountingKernel();
        long before = allocatedBytes();
        source.run(kernel);
        long allocated = allocatedBytes() - before;
        assertThat(kernel.references).isEqualTo(RECORDS);
        assertThat(allocated).as("bytes allocated replaying %s lines", RECORDS).isLessThan(BUDGET);
    }
}
