package dev.mmkit.paging.swap;

import dev.mmkit.api.backing.BackingStore;
import dev.mmkit.api.hw.Page;
import dev.mmkit.api.hw.PhysicalMemory;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A backing store over a real file: page {@code index} lives at byte
 * {@code index * 4096}. Reads and writes are positional ({@link FileChannel#read(ByteBuffer, long)}),
 * through one reused page buffer, so they neither move a file pointer nor allocate.
 *
 * <p>A page past the end of the file reads as zeros; a write stops at the file's length (a
 * last partial page keeps its length); the file grows only through {@link #setLength}.
 */
final class FileBackingStore implements BackingStore {
    private final Path path;
    private final FileChannel channel;
    private final PhysicalMemory memory;
    private final byte[] page = new byte[Page.SIZE];
    private final ByteBuffer buffer = ByteBuffer.wrap(page);
    private long length;

    FileBackingStore(Path path, PhysicalMemory memory) throws IOException {
        this.path = path;
        this.memory = memory;
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
        if (bytes < length) {
            channel.truncate(bytes);
        } else if (bytes > length) {
            channel.write(ByteBuffer.allocate(1), bytes - 1);
        }
        length = bytes;
    }

    @Override
    public void readPage(long index, long pfn) throws IOException {
        long pos = index * Page.SIZE;
        buffer.clear();
        int n = 0;
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
        java.util.Arrays.fill(page, n, Page.SIZE, (byte) 0);
        memory.write(Page.address(pfn), page, 0, Page.SIZE);
    }

    @Override
    public void writePage(long index, long pfn) throws IOException {
        long pos = index * Page.SIZE;
        if (pos >= length) {
            throw new IOException(name() + ": page " + index + ": beyond the end of the store (" + length + " bytes)");
        }
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
