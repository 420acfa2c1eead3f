package dev.mmkit.workload;

import dev.mmkit.api.hw.Access;
import dev.mmkit.api.hw.Page;
import dev.mmkit.api.machine.Characteristic;
import dev.mmkit.api.workload.Kernel;
import dev.mmkit.api.workload.WorkloadException;
import dev.mmkit.api.workload.WorkloadSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;

/**
 * Replays a libCacheSim oracleGeneral binary trace [1], the format of its published trace
 * collections, with each page's next use: enough for Belady's OPT.
 *
 * <h2>Format</h2>
 * Fixed 24-byte little-endian records, no header:
 * <pre>
 * offset  0: u32 clock_time          wall-clock time of the request (ignored here)
 * offset  4: u64 obj_id              the object: here, a virtual page number
 * offset 12: u32 obj_size            bytes (ignored: the object is one page)
 * offset 16: i64 next_access_vtime   when the object is requested next, or -1 for never
 * </pre>
 * libCacheSim's {@code traceConv} writes {@code next_access_vtime} as the 1-based position
 * in the trace of the next request to the same object ("reference count starts with 1",
 * traceConvOracleGeneral.cpp); its reader treats -1 and INT64_MAX as never.
 *
 * <h2>Replay</h2>
 * Record {@code i} (0-based) is a read of page {@code obj_id} at virtual time {@code i};
 * {@code nextAccess} passed to {@link Kernel#access} is the 0-based record index of the
 * page's next reference ({@code next_access_vtime - 1}), or {@code Long.MAX_VALUE} for
 * never. A next access that is not after the record itself, a page number that does not
 * fit a 64-bit address, or a truncated last record is an error naming the record index.
 *
 * <h2>Streaming</h2>
 * Records are read through one reused heap {@link ByteBuffer} of {@value #BATCH} records:
 * no allocation per record, and a trace of any length runs in constant memory.
 *
 * <p>[1] J. Yang, Y. Yue, K. V. Rashmi, "A large scale analysis of hundreds of in-memory
 * cache clusters at Twitter", OSDI 2020; libCacheSim, github.com/1a1a11a/libCacheSim.
 */
final class OracleGeneralTrace implements WorkloadSource {
    static final int RECORD_SIZE = 24;
    private static final int BATCH = 4096;
    private static final long MAX_PAGE_NUMBER = (1L << (64 - Page.SHIFT)) - 1;

    private final Path path;
    private final String processName;

    OracleGeneralTrace(Path path, String processName) {
        this.path = path;
        this.processName = processName;
    }

    @Override
    public Set<Characteristic> characteristics() {
        return Set.of(Characteristic.FUTURE);
    }

    @Override
    public long expectedReferences() {
        try {
            return Files.size(path) / RECORD_SIZE;
        } catch (IOException e) {
            return -1;
        }
    }

    @Override
    public void run(Kernel kernel) throws IOException {
        String source = path.toString();
        ByteBuffer buffer = ByteBuffer.allocate(RECORD_SIZE * BATCH).order(ByteOrder.LITTLE_ENDIAN);
        int pid = -1;
        long index = 0;
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            boolean eof = false;
            while (!eof) {
                while (buffer.hasRemaining()) {
                    if (channel.read(buffer) < 0) {
                        eof = true;
                        break;
                    }
                }
                buffer.flip();
                while (buffer.remaining() >= RECORD_SIZE) {
                    int at = buffer.position();
                    long objId = buffer.getLong(at + 4);
                    long nextVtime = buffer.getLong(at + 16);
                    buffer.position(at + RECORD_SIZE);
                    if (Long.compareUnsigned(objId, MAX_PAGE_NUMBER) > 0) {
                        throw WorkloadException.atRecord(source, index, "object id " + Long.toUnsignedString(objId)
                            + " is not a page number (expected: at most " + Page.hex(MAX_PAGE_NUMBER) + ")");
                    }
                    long nextAccess;
                    if (nextVtime == -1 || nextVtime == Long.MAX_VALUE) {
                        nextAccess = Long.MAX_VALUE;
                    } else if (nextVtime <= index + 1) {
                        throw WorkloadException.atRecord(source, index, "next access vtime " + nextVtime
                            + " is not after this request (expected: -1 or more than " + (index + 1) + ")");
                    } else {
                        nextAccess = nextVtime - 1;
                    }
                    if (pid < 0) {
                        pid = kernel.spawnAdmitAll(processName);
                    }
                    if (!kernel.access(pid, objId << Page.SHIFT, Access.READ, nextAccess)) {
                        return;
                    }
                    index++;
                }
                if (eof && buffer.hasRemaining()) {
                    throw WorkloadException.atRecord(source, index, "truncated record: " + buffer.remaining()
                        + " of " + RECORD_SIZE + " bytes");
                }
                buffer.compact();
            }
        }
    }
}
