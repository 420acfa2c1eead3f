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
 * The file is read a block of {@value #WINDOW} records (384 KiB) at a time into one reused
 * direct buffer, little-endian, and the records are read in place from it: no allocation
 * per record, and a trace of any length runs in constant memory. The buffer is direct so
 * that the read copies each block once, from the kernel into it; into a heap array the
 * channel reads through a direct buffer of its own and then copies the block again (the
 * Zipf trace at fifo@1000: 2,328 → 2,276 instructions per reference over its second five
 * million records, each block through the host's L2 once instead of twice, and the replay
 * faster in 7 of 8 alternated rounds; a mapped file's reads cost more here). The block
 * is large because each read is a system call, dear in a virtual machine: ten million
 * records in blocks of 24 KiB took 10,000 reads and about 0.1 s more than in blocks of 384
 * KiB (fifo@1000, whole runs alternated). Larger blocks gained no more (1.5 MiB and 6 MiB
 * within the runs' spread), and the blocks pass through the host's L2 with the machine's
 * page tables.
 *
 * <p>Before each record whose index is a multiple of {@value #PREFETCH}, the replay hands
 * that record and the next ones of the block, {@value #PREFETCH} at most, to
 * {@link Kernel#prefetch}: the machine reads ahead the host memory they will need (see
 * there), and nothing simulated changes.
 * Hints of 32 records gave the machine twice as many loads in flight per hint as hints of
 * 16, and half the hints: ms per 250,000 references at the steady rate, 3 alternated
 * rounds, 16 against 32, fifo@100000 42-42.5 against 37-39, fifo@10000 47.5-52 against
 * 45.5-49, lru@10000 51-52.5 against 48, lru@100000 55-63 against 56-57.5, clock@1000 64-68
 * against 63-64, fifo@1000 45-47 against 44-46 (4 rounds); hints of 8 were slower (49-51.5),
 * of 64 and 128 no faster than 32.
 *
 * <p>[1] J. Yang, Y. Yue, K. V. Rashmi, "A large scale analysis of hundreds of in-memory
 * cache clusters at Twitter", OSDI 2020; libCacheSim, github.com/1a1a11a/libCacheSim.
 */
final class OracleGeneralTrace implements WorkloadSource {
    static final int RECORD_SIZE = 24;
    /** Records read at a time: 384 KiB of the file per read. */
    static final int WINDOW = 1 << 14;
    /** Records per {@link Kernel#prefetch} hint. */
    static final int PREFETCH = 32;
    private static final long MAX_PAGE_NUMBER = (1L << (64 - Page.SHIFT)) - 1;

    private final Path path;
    private final String processName;
    private final int window;
    private final int prefetch;
    /** Records until the next hint: a count down, not the index modulo {@link #prefetch} (a 64-bit division per record). */
    private int untilHint;

    OracleGeneralTrace(Path path, String processName) {
        this(path, processName, WINDOW, PREFETCH);
    }

    /** With blocks of {@code window} records and hints of {@code prefetch} (0: none); tests vary them. */
    OracleGeneralTrace(Path path, String processName, int window, int prefetch) {
        this.path = path;
        this.processName = processName;
        this.window = window;
        this.prefetch = prefetch;
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
        ByteBuffer buffer = ByteBuffer.allocateDirect(window * RECORD_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        long[] ahead = new long[prefetch];
        int pid = -1;
        long index = 0;
        untilHint = 0;
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            while (true) {
                buffer.clear();
                while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
                    // fill the whole block: fewer reads, and records never straddle two
                }
                int filled = buffer.position();
                int end = filled - filled % RECORD_SIZE;
                for (int at = 0; at < end; at += RECORD_SIZE) {
                    pid = reference(kernel, pid, source, buffer, at, end, index, ahead);
                    if (pid < 0) {
                        return;
                    }
                    index++;
                }
                if (filled < buffer.capacity()) {
                    if (filled != end) {
                        throw WorkloadException.atRecord(source, index, "truncated record: " + (filled - end) + " of "
                            + RECORD_SIZE + " bytes");
                    }
                    return;
                }
            }
        }
    }

    /**
     * Record {@code index}, at {@code at} of the block: checked, the process started at the
     * first ({@code pid} −1 until then), the hint given every {@link #prefetch} records, the
     * reference made. Returns the process's pid, or −1 when the reference killed it.
     *
     * <p>Apart from {@link #run}'s loop so that the JIT compiles it as a method, by the calls
     * it counts: C1 after a few hundred records, C2 after some tens of thousands. Inside the
     * loop it ran in the interpreter until the loop's back edges made C1 compile an OSR
     * version, 60,000 records in, and in C1's profiling code until C2's, about 510,000 in
     * (-XX:+LogCompilation of a fifo@1000 replay). The first million references of the Zipf
     * trace took 450-473 ms so, against 460-530 (bench/RESULTS.md).
     */
    private int reference(Kernel kernel, int pid, String source, ByteBuffer block, int at, int end, long index, long[] ahead) {
        long objId = block.getLong(at + 4);
        long nextVtime = block.getLong(at + 16);
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
            if (pid < 0) {
                throw WorkloadException.atRecord(source, index, "cannot start process " + processName
                    + ": out of memory (errno " + pid + ")");
            }
        }
        if (prefetch > 0 && --untilHint < 0) {
            untilHint = prefetch - 1;
            prefetch(kernel, pid, block, at, end, ahead);
        }
        return kernel.access(pid, objId << Page.SHIFT, Access.READ, nextAccess) ? pid : -1;
    }

    /** Hints the pages of the records from {@code at} on, as many as {@code ahead} holds, within the block. */
    private static void prefetch(Kernel kernel, int pid, ByteBuffer block, int at, int end, long[] ahead) {
        int n = 0;
        for (int r = at; r < end && n < ahead.length; r += RECORD_SIZE) {
            ahead[n++] = block.getLong(r + 4) << Page.SHIFT;
        }
        kernel.prefetch(pid, ahead, n);
    }
}
