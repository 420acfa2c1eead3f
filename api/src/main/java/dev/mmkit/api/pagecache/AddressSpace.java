package dev.mmkit.api.pagecache;

import java.io.IOException;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * The cached pages of one file ({@code struct address_space}), found by page index.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>{@link #findPage} only looks; {@link #readPage} reads the page (and, for
 *       sequential access, the read-ahead window) from the file when absent. Both return a
 *       pfn whose MemMap {@code mapping} is {@link #id()} and {@code index} the page index.</li>
 *   <li>{@link #setPageDirty} marks a cached page dirty; writeback later puts it in the file.</li>
 *   <li>{@link #fsync} writes every dirty page and reports an earlier write error once, as
 *       Linux's errseq does.</li>
 * </ul>
 */
@ConsumerType
public interface AddressSpace {
    /** The id kept in a page's MemMap {@code mapping}; never 0. */
    int id();

    /** The file's path relative to the files directory. */
    String path();

    /** The file's size in bytes ({@code i_size}). */
    long size();

    /** {@code find_get_page}: the cached page's pfn, or −1. */
    long findPage(long index);

    /** The page's pfn, read from the file if absent; −1 when no frame could be had. */
    long readPage(long index) throws IOException;

    void setPageDirty(long index);

    /**
     * {@code read(2)} at {@code pos}; returns bytes read (0 at end of file).
     *
     * @throws NoMemoryException when no frame could be had for the first page to read
     */
    int read(long pos, byte[] dst, int offset, int length) throws IOException;

    /**
     * {@code write(2)} at {@code pos}, extending the file as needed; returns bytes written.
     *
     * @throws NoMemoryException when no frame could be had for the first page to write
     */
    int write(long pos, byte[] src, int offset, int length) throws IOException;

    /** {@code truncate(2)}: pages past the new size leave the cache. */
    void truncate(long size) throws IOException;

    /** Writes every dirty page; throws the error a writeback met since the last fsync. */
    void fsync() throws IOException;

    /** Pages cached ({@code nrpages}). */
    long nrPages();
}
