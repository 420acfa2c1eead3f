package dev.mmkit.api.backing;

import java.io.IOException;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A device of pages on real storage: the swap file, or one file under the page cache.
 * Pages move between a slot of the store and a frame of simulated physical memory.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>{@link #readPage} fills the whole frame; bytes past the store's length read as 0.</li>
 *   <li>{@link #writePage} writes the frame's bytes up to the store's length (a file's last
 *       page is partial); a store never grows by itself: {@link #setLength} grows it.</li>
 *   <li>An I/O error leaves the store and the frame as they were for every other page and
 *       is thrown as {@link IOException} naming the store and the page.</li>
 * </ul>
 */
@ConsumerType
public interface BackingStore extends AutoCloseable {
    /** What messages call it: the file's path. */
    String name();

    /** Length in bytes. */
    long length();

    void setLength(long bytes) throws IOException;

    void readPage(long index, long pfn) throws IOException;

    void writePage(long index, long pfn) throws IOException;

    /** Makes every written page durable ({@code fsync}). */
    void sync() throws IOException;

    @Override
    void close() throws IOException;
}
