package dev.mmkit.paging.swap;

import dev.mmkit.api.backing.BackingStore;
import dev.mmkit.api.hw.Page;
import dev.mmkit.api.hw.PhysicalMemory;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * A backing store over a real file: page {@code index} lives at byte
 * {@code index * 4096}. Reads and writes are positional ({@link FileChannel#read(ByteBuffer, long)}),
 * through one reused page buffer, so they neither move a file pointer nor allocate.
 *
 * <p>A page past the end of the file reads as zeros; a write stops at the file's length (a
 * last partial page keeps its length); the file grows only through {@link #setLength}.
 *
 * <h2>Clustered reads</h2>
 * A read of the page right after the previous one (a sequential reader: read-ahead, a
 * swap-in cluster) fetches up to {@value #CLUSTER_PAGES} pages from that page on in one
 * call into a direct buffer, as a disk's track buffer does; the next pages are copied from
 * it. A write or a length change that touches the cluster drops it, so a read never sees
 * stale bytes. Random reads stay one page, one call.
 *
 * <h2>Fault injection</h2>
 * A store may be given {@link FailRange}s ({@code mmkit.machine.backing.fail}): a read or
 * write of a page that overlaps one fails with an {@link IOException} naming the store, the
 * page and the configuration entry, before anything moves, so the file and the frame stay
 * as they were and every other page works, as with a bad sector.
 */
final class FileBackingStore implements BackingStore {
    private final Path path;
    private final FileChannel channel;
    private final PhysicalMemory memory;
    private final byte[] page = new byte[Page.SIZE];
    private final ByteBuffer buffer = ByteBuffer.wrap(page);
    private final List<FailRange> faults;
    private long length;
    static final int CLUSTER_PAGES = 32;
    private final ByteBuffer cluster = ByteBuffer.allocateDirect(CLUSTER_PAGES * Page.SIZE);
    /** The first page the cluster holds, −1 when empty. */
    private long clusterStart = -1;
    /** Bytes of the file the cluster holds from {@link #clusterStart}. */
    private int clusterBytes;
    private long lastRead = -2;

    FileBackingStore(Path path, PhysicalMemory memory, List<FailRange> faults) throws IOException {
        this.path = path;
        this.memory = memory;
        this.faults = faults;
        this.channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        this.length = channel.size();
    }

    @Override
    public String name() {
        return path.toString();
    }

    @Override
    public long length() {
        return length;
    }

    @Override
    public void setLength(long bytes) throws IOException {
        if (bytes < 0) {
            throw new IllegalArgumentException("length: " + bytes + " (expected: >= 0)");
        }
        clusterStart = -1;
        if (bytes < length) {
            channel.truncate(bytes);
        } else if (bytes > length) {
            channel.write(ByteBuffer.allocate(1), bytes - 1);
        }
        length = bytes;
    }

    /**
     * One injected fault: pages overlapping bytes [offset, offset + length) of every store
     * whose path ends with {@code path} fail to read and/or write.
     *
     * @param origin what the error message names ({@code mmkit.machine.backing.fail[0]})
     */
    record FailRange(String path, long offset, long length, boolean read, boolean write, String origin) {
        boolean covers(long index) {
            long from = index * Page.SIZE;
            return from < offset + length && from + Page.SIZE > offset;
        }
    }

    private void inject(long index, boolean write) throws IOException {
        for (FailRange f : faults) {
            if ((write ? f.write() : f.read()) && f.covers(index)) {
                throw new IOException(name() + ": page " + index + ": " + (write ? "write" : "read")
                    + " failed: injected I/O error (" + f.origin() + ")");
            }
        }
    }

    @Override
    public void readPage(long index, long pfn) throws IOException {
        if (!faults.isEmpty()) {
            inject(index, false);
        }
        boolean sequential = index == lastRead + 1;
        lastRead = index;
        long pos = index * Page.SIZE;
        int n;
        if (clusterStart >= 0 && index >= clusterStart && index < clusterStart + CLUSTER_PAGES) {
            n = fromCluster(index);
        } else if (sequential && pos < length) {
            fillCluster(index);
            n = fromCluster(index);
        } else {
            buffer.clear();
            n = 0;
            try {
                while (buffer.hasRemaining() && pos + n < length) {
                    int r = channel.read(buffer, pos + n);
                    if (r < 0) {
                        break;
                    }
                    n += r;
                }
            } catch (IOException e) {
                throw new IOException(name() + ": page " + index + ": read failed: " + e.getMessage(), e);
            }
        }
        java.util.Arrays.fill(page, n, Page.SIZE, (byte) 0);
        memory.write(Page.address(pfn), page, 0, Page.SIZE);
    }

    /** Reads up to {@link #CLUSTER_PAGES} pages from {@code index} in one call. */
    private void fillCluster(long index) throws IOException {
        long pos = index * Page.SIZE;
        clusterStart = -1;
        cluster.clear();
        cluster.limit((int) Math.min(cluster.capacity(), length - pos));
        try {
            while (cluster.hasRemaining()) {
                if (channel.read(cluster, pos + cluster.position()) < 0) {
                    break;
                }
            }
        } catch (IOException e) {
            throw new IOException(name() + ": page " + index + ": read failed: " + e.getMessage(), e);
        }
        clusterBytes = cluster.position();
        clusterStart = index;
    }

    /** Copies page {@code index} out of the cluster into {@link #page}; returns the file's bytes in it. */
    private int fromCluster(long index) {
        int off = (int) (index - clusterStart) * Page.SIZE;
        int n = Math.max(0, Math.min(Page.SIZE, clusterBytes - off));
        if (n > 0) {
            cluster.get(off, page, 0, n);
        }
        return n;
    }

    private void dropCluster(long index) {
        if (clusterStart >= 0 && index >= clusterStart && index < clusterStart + CLUSTER_PAGES) {
            clusterStart = -1;
        }
    }

    @Override
    public void writePage(long index, long pfn) throws IOException {
        long pos = index * Page.SIZE;
        if (pos >= length) {
            throw new IOException(name() + ": page " + index + ": beyond the end of the store (" + length + " bytes)");
        }
        if (!faults.isEmpty()) {
            inject(index, true);
        }
        dropCluster(index);
        memory.read(Page.address(pfn), page, 0, Page.SIZE);
        buffer.clear();
        buffer.limit((int) Math.min(Page.SIZE, length - pos));
        try {
            while (buffer.hasRemaining()) {
                channel.write(buffer, pos + buffer.position());
            }
        } catch (IOException e) {
            throw new IOException(name() + ": page " + index + ": write failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void sync() throws IOException {
        channel.force(false);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
