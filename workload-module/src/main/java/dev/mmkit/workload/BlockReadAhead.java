package dev.mmkit.workload;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * A file read ahead of its consumer, block by block, on a thread of its own: double
 * buffering, as {@code read-ahead} does for a process that reads sequentially.
 *
 * <h2>Algorithm</h2>
 * At most {@code blocks} byte arrays circulate between two queues. The reader thread
 * takes a free array (making a new one while there are fewer), fills it from the file (a read may return less than asked, so
 * it reads until the array is full or the file ends) and queues it as filled; the consumer
 * takes filled arrays in file order ({@link #next}) and gives each back when it is done
 * with it ({@link #release}). The reader is at most {@code blocks} arrays ahead and waits
 * for a free one; the consumer waits only when the reader has fallen behind. A block
 * shorter than its array is the file's last (an empty one when the file ends exactly at a
 * block boundary).
 *
 * <p>A replay copies a few hundred MB out of the host's page cache, a system call and two
 * copies per block (through the channel's direct buffer): on the reader's thread that work
 * runs on another CPU, beside the simulation rather than inside it. The blocks' contents,
 * and so every count, are the same as reading them in turn.
 *
 * <p>The file is opened by the constructor, so a missing or unreadable file fails there, on
 * the caller's thread. A read error on the reader's thread is handed over in file order and
 * thrown by the {@link #next} that reaches it, naming the file. {@link #close} stops the
 * reader wherever it is (a consumer may stop early) and closes the file.
 */
final class BlockReadAhead implements AutoCloseable {
    /** A filled array and how many of its bytes the file gave; or the error that ended the reading. */
    private record Block(byte[] bytes, int length, IOException error) {
    }

    private final Path path;
    private final int blockSize;
    private final int blocks;
    private final FileChannel channel;
    private final BlockingQueue<byte[]> free;
    private final BlockingQueue<Block> filled;
    private final Thread reader;
    private volatile boolean closed;

    /** The bytes of the block {@link #next} returned last, and their number. */
    private byte[] bytes;
    private int length;

    BlockReadAhead(Path path, int blockSize, int blocks) throws IOException {
        if (blockSize <= 0 || blocks < 2) {
            throw new IllegalArgumentException("blockSize " + blockSize + ", blocks " + blocks
                + " (expected: a positive size and at least 2 blocks)");
        }
        this.path = path;
        this.channel = FileChannel.open(path, StandardOpenOption.READ);
        this.blockSize = blockSize;
        this.blocks = blocks;
        this.free = new ArrayBlockingQueue<>(blocks);
        this.filled = new ArrayBlockingQueue<>(blocks + 1); // the blocks, and an error after them
        this.reader = new Thread(this::readAhead, "mmkit-read-ahead " + path.getFileName());
        reader.setDaemon(true);
        reader.start();
    }

    private void readAhead() {
        int allocated = 0;
        try (FileChannel in = channel) {
            while (!closed) {
                // the arrays are made here, as they are first needed: a short file needs one
                byte[] array = allocated < blocks ? new byte[blockSize] : free.take();
                allocated = Math.min(allocated + 1, blocks);
                ByteBuffer buffer = ByteBuffer.wrap(array);
                while (buffer.hasRemaining() && in.read(buffer) >= 0) {
                    // fill the whole block: records never straddle two, and a short block is the last
                }
                filled.put(new Block(array, buffer.position(), null));
                if (buffer.hasRemaining()) {
                    return;
                }
            }
        } catch (InterruptedException | ClosedByInterruptException e) {
            // closed by the consumer
        } catch (IOException e) {
            if (!closed) {
                filled.add(new Block(null, 0, e));
            }
        }
    }

    /**
     * Waits for the next block; its contents are {@link #bytes()} up to {@link #length()}.
     * False when the last block was returned already.
     */
    boolean next() throws IOException {
        if (bytes != null && length < bytes.length) {
            return false;
        }
        Block block;
        try {
            block = filled.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException(path + ": interrupted while waiting for the trace");
        }
        if (block.error != null) {
            throw new IOException(path + ": " + block.error.getMessage(), block.error);
        }
        bytes = block.bytes;
        length = block.length;
        return true;
    }

    byte[] bytes() {
        return bytes;
    }

    int length() {
        return length;
    }

    /** Gives the current block's array back to the reader, to be filled again. */
    void release() {
        if (length == bytes.length) {
            free.add(bytes);
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        reader.interrupt();
        try {
            reader.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        channel.close();
    }
}
