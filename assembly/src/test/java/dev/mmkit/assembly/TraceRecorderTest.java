package dev.mmkit.assembly;

// Why: `mmkit trace` must write libCacheSim's oracleGeneral records byte for byte, with each
// page's next access as traceConv writes it (1-based position, -1 for never).

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mmkit.api.hw.Access;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TraceRecorderTest {
    @TempDir
    Path dir;

    private static List<long[]> read(Path file) throws Exception {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        List<long[]> records = new ArrayList<>();
        while (b.hasRemaining()) {
            records.add(new long[] {b.getInt() & 0xFFFF_FFFFL, b.getLong(), b.getInt(), b.getLong()});
        }
        return records;
    }

    @Test
    void recordsPagesWithTheirOneBasedNextAccess() throws Exception {
        TraceRecorder recorder = new TraceRecorder("test");
        int pid = recorder.spawnAdmitAll("p");
        // pages 7, 3, 7, 9 (byte addresses inside them), 3
        recorder.access(pid, 0x7123, Access.READ, -1);
        recorder.store(pid, 0x3008, 8, 1);
        recorder.load(pid, 0x7ff8, 8);
        recorder.access(pid, 0x9000, Access.WRITE, -1);
        recorder.access(pid, 0x3000, Access.READ, -1);
        Path out = dir.resolve("t.oracleGeneral");
        recorder.write(out);
        assertThat(Files.size(out)).isEqualTo(5 * 24);
        // by hand: page 7 next at position 3 (1-based), page 3 next at 5, the rest never
        assertThat(read(out)).containsExactly(
            new long[] {0, 7, 4096, 3},
            new long[] {1, 3, 4096, 5},
            new long[] {2, 7, 4096, -1},
            new long[] {3, 9, 4096, -1},
            new long[] {4, 3, 4096, -1});
    }

    @Test
    void manyPagesAcrossBlocksKeepTheirNextAccess() throws Exception {
        TraceRecorder recorder = new TraceRecorder("test");
        int pid = recorder.spawn("p");
        int n = 50_000; // more than one write block, and a table that grows several times
        for (int i = 0; i < n; i++) {
            recorder.access(pid, (long) (i % 20_000) << 12, Access.READ, -1);
        }
        Path out = dir.resolve("big.oracleGeneral");
        recorder.write(out);
        List<long[]> records = read(out);
        assertThat(records).hasSize(n);
        for (int i = 0; i < n; i++) {
            long[] r = records.get(i);
            assertThat(r[0]).isEqualTo(i);
            assertThat(r[1]).isEqualTo(i % 20_000);
            assertThat(r[3]).as("next access of record %d", i).isEqualTo(i + 20_000 < n ? i + 20_000 + 1 : -1);
        }
    }

    @Test
    void onlyOneProcessAndReferencesCanBeRecorded() {
        TraceRecorder recorder = new TraceRecorder("workload [x]");
        recorder.spawn("a");
        assertThatThrownBy(() -> recorder.spawn("b")).isInstanceOf(UnsupportedOperationException.class)
            .hasMessage("mmkit trace records the references of one process; workload [x] called spawn a second time (b),"
                + " which a trace cannot record");
        assertThatThrownBy(() -> recorder.fork(1)).hasMessageContaining("called fork");
        assertThatThrownBy(() -> recorder.mmap(1, 0, 4096, 0, 0, -1, 0)).hasMessageContaining("called mmap");
    }
}
