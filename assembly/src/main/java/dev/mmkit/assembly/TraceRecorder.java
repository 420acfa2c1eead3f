package dev.mmkit.assembly;

import dev.mmkit.api.hw.Page;
import dev.mmkit.api.workload.Kernel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * A {@link Kernel} that runs nothing: it records the page of every reference a workload
 * makes and writes them as a libCacheSim oracleGeneral trace [1], each record with the
 * position of its page's next reference, so that a synthetic workload (Zipf, loop, ...)
 * becomes a file that both {@code mmkit run --trace oracle-general:FILE} and
 * libCacheSim's {@code cachesim} replay.
 *
 * <h2>Format written</h2>
 * Fixed 24-byte little-endian records, no header, one per reference in order:
 * <pre>
 * offset  0: u32 clock_time          the reference's index (0-based), truncated to 32 bits
 * offset  4: u64 obj_id              the virtual page number (vaddr >>> 12)
 * offset 12: u32 obj_size            4096: one page
 * offset 16: i64 next_access_vtime   1-based position of the page's next reference, -1 never
 * </pre>
 * The 1-based next access is libCacheSim's {@code traceConv} convention, the one the
 * workload module's reader undoes.
 *
 * <h2>Algorithm: [write(out)]</h2>
 * The next access of record i is only known once the trace is complete, so the page
 * numbers are kept in memory (8 bytes per reference) and written in one backward pass:
 * <ol>
 *   <li>From the last record to the first, look the page up in an open-addressing table
 *       of page → position of its latest (that is, next in time) reference; the value found,
 *       plus one, is the record's next access (-1 when absent); store i as the new position.</li>
 *   <li>Records are filled into a buffer from its end and the buffer is written at its
 *       file position with positional writes, so no second array of next accesses exists.</li>
 * </ol>
 * Memory: 8 bytes per reference plus 12 bytes per slot of the table (at most half full).
 *
 * <p>Only single-process reference workloads can be recorded (the format has no process
 * id and no system calls): a second process or any call other than a reference fails with
 * {@link UnsupportedOperationException} naming the call.
 *
 * <p>[1] libCacheSim, github.com/1a1a11a/libCacheSim, {@code oracleGeneralBin.h}.
 */
final class TraceRecorder implements Kernel {
    static final int RECORD_SIZE = 24;
    static final int OBJ_SIZE = Page.SIZE;
    private static final int BLOCK = 1 << 14;

    private final String workload;
    private long[] pages = new long[1 << 16];
    private int count;
    private boolean spawned;

    /** @param workload the workload's name, for messages */
    TraceRecorder(String workload) {
        this.workload = workload;
    }

    /** References recorded so far. */
    long references() {
        return count;
    }

    private void record(long vaddr) {
        if (count == pages.length) {
            if (count == Integer.MAX_VALUE - 8) {
                throw new IllegalStateException("trace of " + workload + ": more than " + count + " references");
            }
            pages = Arrays.copyOf(pages, (int) Math.min(Integer.MAX_VALUE - 8L, 2L * count));
        }
        pages[count++] = vaddr >>> Page.SHIFT;
    }

    /** Writes the trace recorded so far to {@code out} (replaced if it exists). */
    void write(Path out) throws IOException {
        NextAccess next = new NextAccess(Math.max(16, count / 4));
        ByteBuffer buffer = ByteBuffer.allocate(RECORD_SIZE * BLOCK).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel channel = FileChannel.open(out, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            int end = count;
            while (end > 0) {
                int start = Math.max(0, end - BLOCK);
                for (int i = end - 1; i >= start; i--) {
                    long page = pages[i];
                    int later = next.swap(page, i);
                    int at = (i - start) * RECORD_SIZE;
                    buffer.putInt(at, i);
                    buffer.putLong(at + 4, page);
                    buffer.putInt(at + 12, OBJ_SIZE);
                    buffer.putLong(at + 16, later < 0 ? -1 : later + 1L);
                }
                buffer.position(0).limit((end - start) * RECORD_SIZE);
                long position = (long) start * RECORD_SIZE;
                while (buffer.hasRemaining()) {
                    position += channel.write(buffer, position);
                }
                buffer.clear();
                end = start;
            }
        }
    }

    /** page → the latest position stored for it; linear probing, keys kept with a used mark. */
    static final class NextAccess {
        private long[] keys;
        private int[] values;
        private boolean[] used;
        private int size;
        private int mask;

        NextAccess(int expected) {
            int capacity = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
            allocate(capacity);
        }

        private void allocate(int capacity) {
            keys = new long[capacity];
            values = new int[capacity];
            used = new boolean[capacity];
            mask = capacity - 1;
        }

        private static int hash(long key) {
            long h = key * 0x9E3779B97F4A7C15L;
            return (int) (h ^ (h >>> 32));
        }

        /** Stores {@code value} for {@code key}; returns the value it replaces, or −1. */
        int swap(long key, int value) {
            int i = hash(key) & mask;
            while (used[i]) {
                if (keys[i] == key) {
                    int old = values[i];
                    values[i] = value;
                    return old;
                }
                i = (i + 1) & mask;
            }
            used[i] = true;
            keys[i] = key;
            values[i] = value;
            if (++size * 2 > keys.length) {
                grow();
            }
            return -1;
        }

        private void grow() {
            long[] oldKeys = keys;
            int[] oldValues = values;
            boolean[] oldUsed = used;
            allocate(keys.length * 2);
            for (int j = 0; j < oldKeys.length; j++) {
                if (oldUsed[j]) {
                    int i = hash(oldKeys[j]) & mask;
                    while (used[i]) {
                        i = (i + 1) & mask;
                    }
                    used[i] = true;
                    keys[i] = oldKeys[j];
                    values[i] = oldValues[j];
                }
            }
        }
    }

    // ------------------------------------------------------------------ the Kernel

    private UnsupportedOperationException unsupported(String call) {
        return new UnsupportedOperationException("mmkit trace records the references of one process; " + workload
            + " called " + call + ", which a trace cannot record");
    }

    private int spawned(String name) {
        if (spawned) {
            throw unsupported("spawn a second time (" + name + ")");
        }
        spawned = true;
        return 1;
    }

    @Override
    public int spawn(String name) {
        return spawned(name);
    }

    @Override
    public int spawnAdmitAll(String name) {
        return spawned(name);
    }

    @Override
    public boolean access(int pid, long vaddr, int access, long nextAccess) {
        record(vaddr);
        return true;
    }

    @Override
    public long load(int pid, long vaddr, int size) {
        record(vaddr);
        return 0;
    }

    @Override
    public boolean store(int pid, long vaddr, int size, long value) {
        record(vaddr);
        return true;
    }

    @Override
    public int fork(int pid) {
        throw unsupported("fork");
    }

    @Override
    public int execve(int pid, String name) {
        throw unsupported("execve");
    }

    @Override
    public void exit(int pid) {
        throw unsupported("exit");
    }

    @Override
    public long mmap(int pid, long addr, long length, int prot, int flags, int fd, long offset) {
        throw unsupported("mmap");
    }

    @Override
    public int munmap(int pid, long addr, long length) {
        throw unsupported("munmap");
    }

    @Override
    public int mprotect(int pid, long addr, long length, int prot) {
        throw unsupported("mprotect");
    }

    @Override
    public long brk(int pid, long newBrk) {
        throw unsupported("brk");
    }

    @Override
    public int open(int pid, String path, boolean create) {
        throw unsupported("open");
    }

    @Override
    public int close(int pid, int fd) {
        throw unsupported("close");
    }

    @Override
    public int pread(int pid, int fd, byte[] buffer, int length, long pos) {
        throw unsupported("pread");
    }

    @Override
    public int pwrite(int pid, int fd, byte[] buffer, int length, long pos) {
        throw unsupported("pwrite");
    }

    @Override
    public int ftruncate(int pid, int fd, long length) {
        throw unsupported("ftruncate");
    }

    @Override
    public int fsync(int pid, int fd) {
        throw unsupported("fsync");
    }

    @Override
    public boolean alive(int pid) {
        return pid == 1 && spawned;
    }
}
