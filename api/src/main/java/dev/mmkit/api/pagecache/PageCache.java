package dev.mmkit.api.pagecache;

import java.io.IOException;
import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * The page cache: an {@link AddressSpace} per open file, the dirty-page bookkeeping the
 * flusher needs, and the hooks reclaim uses to drop or write back file pages.
 */
@ConsumerType
public interface PageCache {
    /** The address space of the file at {@code path} (relative to the files directory), creating the file if asked. */
    AddressSpace open(String path, boolean create) throws IOException;

    /** The address space with this id ({@code page->mapping}). */
    AddressSpace byId(int id);

    List<? extends AddressSpace> addressSpaces();

    /** Pages cached in all files (meminfo's {@code Cached}). */
    long nrPages();

    long nrDirty();

    long nrWriteback();

    /**
     * The flusher's primitive: writes back up to {@code maxPages} pages that were dirtied
     * before {@code dirtiedBefore} (virtual nanoseconds), oldest first; returns pages written.
     */
    long writeback(long dirtiedBefore, long maxPages);

    /**
     * Reclaim's primitive: drops a clean, unmapped cached page, writing it first if dirty
     * and {@code mayWrite}. Returns whether the frame was freed.
     */
    boolean reclaimPage(long pfn, boolean mayWrite);

    /** Writes every dirty page of every file and closes them (clean shutdown). */
    void shutdown() throws IOException;
}
