package dev.mmkit.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import dev.mmkit.api.hw.Access;
import dev.mmkit.api.machine.Characteristic;
import dev.mmkit.api.workload.WorkloadException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

// Checks the oracleGeneral reader on records built byte by byte: layout, next-access conversion, streaming across buffers, errors by record.
class OracleGeneralTraceTest {
    @TempDir
    Path dir;

    /** Records of {time, objId, size, nextAccessVtime}, little-endian, 24 bytes each. */
    private static byte[] records(long[]... rows) {
        ByteBuffer b = ByteBuffer.allocate(24 * rows.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long[] r : rows) {
            b.putInt((int) r[0]).putLong(r[1]).putInt((int) r[2]).putLong(r[3]);
        }
        return b.array();
    }

    @Test
    void replaysPagesWithTheirNextAccess() throws Exception {
        // Trace A B A C: libCacheSim's traceConv numbers requests from 1, so A's next access is request 3.
        Path trace = Files.write(dir.resolve("t.oracleGeneral"), records(
            new long[] {100, 0xA, 4096, 3},
            new long[] {101, 0xB, 4096, -1},
            new long[] {102, 0xA, 4096, -1},
            new long[] {103, 0xC, 512, Long.MAX_VALUE}));
        OracleGeneralTrace source = new OracleGeneralTrace(trace, "og");
        assertThat(source.characteristics()).containsExactly(Characteristic.FUTURE);
        assertThat(source.expectedReferences()).isEqualTo(4);

        FakeKernel kernel = new FakeKernel();
        source.run(kernel);
        assertThat(kernel.calls).containsExactly("spawn og");
        assertThat(kernel.refs).extracting(FakeKernel.Ref::vaddr, FakeKernel.Ref::access, FakeKernel.Ref::nextAccess)
            .containsExactly(
                tuple(0xA000L, Access.READ, 2L),
                tuple(0xB000L, Access.READ, Long.MAX_VALUE),
                tuple(0xA000L, Access.READ, Long.MAX_VALUE),
                tuple(0xC000L, Access.READ, Long.MAX_VALUE));
    }

    @Test
    void streamsAcrossManyBuffers() throws Exception {
        int n = 10_000; // windows of 4096 records: two whole ones and a partial one
        long[][] rows = new long[n][];
        for (int i = 0; i < n; i++) {
            rows[i] = new long[] {i, i % 7, 4096, i + 8 <= n ? i + 8 : -1};
        }
        Path trace = Files.write(dir.resolve("long.oracleGeneral"), records(rows));
        FakeKernel kernel = new FakeKernel();
        new OracleGeneralTrace(trace, "og", 4096, OracleGeneralTrace.PREFETCH).run(kernel);
        assertThat(kernel.refs).hasSize(n);
        assertThat(kernel.refs.get(5000).vaddr()).isEqualTo((5000 % 7) * 4096L);
        assertThat(kernel.refs.get(5000).nextAccess()).isEqualTo(5007L);
        assertThat(kernel.refs.get(4095).vaddr()).isEqualTo((4095 % 7) * 4096L);
        assertThat(kernel.refs.get(4096).vaddr()).isEqualTo((4096 % 7) * 4096L);
        assertThat(kernel.refs.get(n - 1).nextAccess()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void hintsEachRecordsPageOnceBeforeItsReference() throws Exception {
        int n = 20; // blocks of 8 records, hints of 4: five hints of four pages, the last block a partial one
        long[][] rows = new long[n][];
        for (int i = 0; i < n; i++) {
            rows[i] = new long[] {i, 100 + i * 3, 4096, -1};
        }
        Path trace = Files.write(dir.resolve("hints.oracleGeneral"), records(rows));
        FakeKernel kernel = new FakeKernel();
        new OracleGeneralTrace(trace, "og", 8, 4).run(kernel);
        assertThat(kernel.refs).hasSize(n);
        assertThat(kernel.prefetches).hasSize(5);
        for (int h = 0; h < 5; h++) {
            long[] hint = kernel.prefetches.get(h);
            assertThat(hint[0]).as("references made before hint %d", h).isEqualTo(4L * h);
            assertThat(Arrays.copyOfRange(hint, 1, hint.length)).as("hint %d", h).containsExactly(
                (100 + 12L * h) << 12, (103 + 12L * h) << 12, (106 + 12L * h) << 12, (109 + 12L * h) << 12);
        }

        FakeKernel without = new FakeKernel();
        new OracleGeneralTrace(trace, "og", 8, 0).run(without);
        assertThat(without.prefetches).isEmpty();
        assertThat(without.refs).isEqualTo(kernel.refs);
    }

    @Test
    void aHintStopsAtTheEndOfItsBlock() throws Exception {
        long[][] rows = new long[7][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = new long[] {i, i + 1, 4096, -1};
        }
        Path trace = Files.write(dir.resolve("cut-hints.oracleGeneral"), records(rows));
        FakeKernel kernel = new FakeKernel();
        new OracleGeneralTrace(trace, "og", 5, 4).run(kernel);
        // blocks: records 0-4, 5-6; hints at records 0 (0-3) and 4 (4 only: 5 lies in the next block)
        assertThat(kernel.prefetches).extracting(h -> h.length - 1).containsExactly(4, 1);
        assertThat(kernel.prefetches.get(1)).containsExactly(4, 5L << 12);
        assertThat(kernel.refs).hasSize(7);
    }

    @Test
    void aTruncatedRecordAfterWholeWindowsIsReportedByIndex() throws Exception {
        byte[] whole = records(new long[] {0, 1, 4096, -1}, new long[] {1, 2, 4096, -1}, new long[] {2, 3, 4096, -1});
        Path trace = Files.write(dir.resolve("cut.oracleGeneral"), java.util.Arrays.copyOf(whole, whole.length - 5));
        FakeKernel kernel = new FakeKernel();
        assertThatThrownBy(() -> new OracleGeneralTrace(trace, "og", 1, OracleGeneralTrace.PREFETCH).run(kernel))
            .hasMessageContaining("record 2").hasMessageContaining("truncated record: 19 of 24 bytes");
        assertThat(kernel.refs).hasSize(2);
    }

    @Test
    void aTruncatedRecordIsReportedByIndex() throws Exception {
        byte[] bytes = records(new long[] {1, 1, 1, -1}, new long[] {2, 2, 2, -1});
        Path trace = Files.write(dir.resolve("cut.oracleGeneral"), Arrays.copyOf(bytes, 40));
        FakeKernel kernel = new FakeKernel();
        assertThatThrownBy(() -> new OracleGeneralTrace(trace, "og").run(kernel))
            .isInstanceOf(WorkloadException.class)
            .hasMessage(trace + ": record 1: truncated record: 16 of 24 bytes");
        assertThat(kernel.refs).hasSize(1);
    }

    @Test
    void aNextAccessInThePastIsReportedByIndex() throws Exception {
        Path trace = Files.write(dir.resolve("bad.oracleGeneral"), records(
            new long[] {1, 1, 1, 2}, new long[] {2, 1, 1, 2}));
        assertThatThrownBy(() -> new OracleGeneralTrace(trace, "og").run(new FakeKernel()))
            .hasMessage(trace + ": record 1: next access vtime 2 is not after this request (expected: -1 or more than 2)");
    }

    @Test
    void anObjectIdThatIsNoPageNumberIsAnError() throws Exception {
        Path trace = Files.write(dir.resolve("hash.oracleGeneral"), records(new long[] {1, -5L, 1, -1}));
        assertThatThrownBy(() -> new OracleGeneralTrace(trace, "og").run(new FakeKernel()))
            .hasMessageStartingWith(trace + ": record 0: object id 18446744073709551611 is not a page number");
    }
}
