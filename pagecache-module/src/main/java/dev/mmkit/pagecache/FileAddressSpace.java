package dev.mmkit.pagecache;

import dev.mmkit.api.backing.BackingStore;
import dev.mmkit.api.hw.Page;
import dev.mmkit.api.machine.MemMap;
import dev.mmkit.api.machine.PageFlags;
import dev.mmkit.api.machine.VmItem;
import dev.mmkit.api.page.Gfp;
import dev.mmkit.api.page.PageAllocator;
import dev.mmkit.api.pagecache.AddressSpace;
import dev.mmkit.api.pagecache.NoMemoryException;
import java.io.IOException;

/**
 * One file's {@code struct address_space}: its cached pages in a {@link RadixTree} by page
 * index, its size ({@code i_size}), its read-ahead state, and its write-error sequence.
 *
 * <h2>A cached page</h2>
 * A frame from the page allocator ({@code page_cache_alloc}: {@code GFP_HIGHUSER_MOVABLE})
 * whose MemMap {@code mapping} is {@link #id()} and {@code index} its page index, with
 * {@code PG_uptodate} once read. The cache holds one reference; each PTE that maps it holds
 * one more (the memory-manager core takes them). It is counted in {@code NR_FILE_PAGES}
 * and handed to the replacement policy ({@code Vmscan.lruAdd}) once its contents are valid,
 * so clean pages are reclaimed like any other, mapped or not. {@code PG_locked} is set while
 * its I/O runs: reclaim never takes a locked page.
 *
 * <h2>Dirty and writeback state (filemap.c / page-writeback.c)</h2>
 * {@link #setPageDirty} sets {@code PG_dirty} and the tree's DIRTY tag and counts
 * {@code NR_DIRTY} and {@code nr_dirtied}; the first dirty page puts the file on the
 * cache's dirty list, stamped with the time ({@code inode->dirtied_when}). Writing a page
 * ({@link #writePage}) first write-protects and cleans the PTEs of a mapped page
 * ({@code clear_page_dirty_for_io}: {@code Vmscan.pageMkclean}), so that the next store
 * through a shared mapping faults and dirties it again; then it clears the dirty state, sets {@code PG_writeback}, the WRITEBACK tag
 * and {@code NR_WRITEBACK}, puts the bytes up to {@code i_size} in the file and counts
 * {@code pgpgout} (in KiB, 4 per page, as {@code /proc/vmstat} prints sectors / 2);
 * {@link #endWriteback} ends it ({@code nr_written}). A synchronous writer (fsync, reclaim,
 * shutdown) ends it at once; the flusher ends it when its device finishes.
 *
 * <h2>Errors ({@code errseq_t})</h2>
 * A read that fails leaves nothing in the cache and is reported to the caller. A write that
 * fails marks the page {@code PG_error} and advances the file's error sequence
 * ({@code mapping_set_error}); the page is left clean, as Linux leaves it. {@link #fsync}
 * reports an error that happened since the last report once, and then succeeds again: the
 * file's sequence is compared with the one last reported, as {@code errseq_check_and_advance}
 * does. The SPI has no open-file object, so the sample is the file's, not each descriptor's
 * (Linux before 4.13, {@code AS_EIO}): of two processes, the first fsync sees the error.
 *
 * <h2>Re-entrance</h2>
 * Allocating a frame or a tree node may reclaim, and reclaim may drop pages of this very
 * file. So every operation allocates first (the frame, then {@link RadixTree#preload}),
 * then changes the tree without allocating, and looks a page up again after any
 * allocation rather than trusting a pfn it had before.
 */
final class FileAddressSpace implements AddressSpace {
    private static final int KIB_PER_PAGE = Page.SIZE / 1024;
    private static final int BATCH = 32;

    final RadixPageCache cache;
    private final int id;
    private final String path;
    final BackingStore store;
    final RadixTree tree;
    final ReadAhead ra;
    private final MemMap memMap;
    private long size;
    private long nrPages;
    long nrDirty;
    long nrWriteback;
    /** {@code inode->dirtied_when}: when the file became dirty; −1 while clean. */
    long dirtiedWhen = -1;
    /** {@code mapping->wb_err}: write errors met, ever. */
    private long wbErr;
    /** The error count fsync last reported. */
    private long wbErrSeen;
    /** Read-ahead requests while {@link #readPage} runs (one I/O cost each). */
    long ioRequests;
    private final long[] gangIndex = new long[BATCH];
    private final long[] gangPfn = new long[BATCH];

    FileAddressSpace(RadixPageCache cache, int id, String path, BackingStore store, long raPages) {
        this.cache = cache;
        this.id = id;
        this.path = path;
        this.store = store;
        this.tree = new RadixTree(cache.nodeCache());
        this.ra = new ReadAhead(raPages);
        this.memMap = cache.machine.memMap();
        this.size = store.length();
    }

    @Override
    public int id() {
        return id;
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public long nrPages() {
        return nrPages;
    }

    @Override
    public long findPage(long index) {
        return tree.lookup(index);
    }

    // ------------------------------------------------------------------ reading

    @Override
    public long readPage(long index) throws IOException {
        return readPage(index, 1);
    }

    /**
     * {@code filemap_fault} / {@code filemap_get_pages}: the cached page, after read-ahead
     * when it is missing ({@code page_cache_sync_readahead}) or is the window's marker
     * ({@code page_cache_async_readahead}); −1 when no frame could be had.
     */
    long readPage(long index, long reqPages) throws IOException {
        checkIndex(index);
        long pfn = tree.lookup(index);
        if (pfn >= 0) {
            if (index == ra.marker) {
                readAhead(index, reqPages, true);
                pfn = tree.lookup(index);
            }
            if (pfn >= 0) {
                return pfn;
            }
        }
        readAhead(index, reqPages, false);
        pfn = tree.lookup(index);
        if (pfn >= 0) {
            return pfn;
        }
        // read-ahead stopped short of it (an error, no memory) or reclaim took it back: read just this page
        pfn = addPage(index, true);
        if (pfn >= 0) {
            ioRequests++;
        }
        return pfn;
    }

    private void readAhead(long index, long reqPages, boolean hitMarker) {
        ra.onDemand(index, Math.max(1, Math.min(reqPages, Page.pages(size) - index)), hitMarker, this::readWindow);
    }

    /**
     * {@code page_cache_ra_unbounded}: one request reading the window's missing pages. It
     * stops at the first page that cannot be had or read; as in Linux, a read-ahead error is
     * not reported: the reader's own read of the page it needs reports it.
     */
    private long readWindow(long start, long nr, long marker) {
        long last = Math.min(start + nr, Page.pages(size));
        long read = 0;
        for (long i = start; i < last; i++) {
            if (tree.lookup(i) >= 0) {
                continue;
            }
            try {
                if (addPage(i, true) < 0) {
                    break;
                }
                read++;
            } catch (IOException e) {
                break;
            }
        }
        if (read > 0) {
            ioRequests++;
        }
        return read;
    }

    /**
     * {@code add_to_page_cache_lru} + {@code readpage}: a new frame for {@code index}, read
     * from the file (or zeroed when {@code read} is false: the caller overwrites it whole).
     * Returns −1 when no frame or tree node could be had.
     */
    private long addPage(long index, boolean read) throws IOException {
        PageAllocator allocator = cache.allocator();
        long pfn = allocator.allocPages(Gfp.GFP_HIGHUSER_MOVABLE, 0);
        if (pfn == PageAllocator.NO_PAGE) {
            return -1;
        }
        if (!tree.preload()) {
            allocator.freePages(pfn, 0);
            return -1;
        }
        if (tree.lookup(index) >= 0) {
            // reclaim during the allocations cannot add pages, but be exact
            allocator.freePages(pfn, 0);
            return tree.lookup(index);
        }
        tree.insert(index, pfn);
        memMap.setMapping(pfn, id);
        memMap.setIndex(pfn, index);
        memMap.setRefcount(pfn, 1);
        memMap.setFlag(pfn, PageFlags.PG_LOCKED);
        nrPages++;
        cache.vmstat.inc(VmItem.NR_FILE_PAGES);
        if (read) {
            try {
                if (cache.keepsData) {
                    store.readPage(index, pfn);
                }
            } catch (IOException e) {
                memMap.setFlag(pfn, PageFlags.PG_ERROR);
                removePage(index, pfn);
                cache.readErrors++;
                throw e;
            }
            cache.vmstat.add(VmItem.PGPGIN, KIB_PER_PAGE);
            cache.pagesRead++;
        } else {
            cache.machine.memory().clearFrame(pfn);
        }
        memMap.clearFlag(pfn, PageFlags.PG_LOCKED);
        memMap.setFlag(pfn, PageFlags.PG_UPTODATE);
        cache.vmscan().lruAdd(pfn);
        return pfn;
    }

    @Override
    public int read(long pos, byte[] dst, int offset, int length) throws IOException {
        checkRange(pos, length, dst.length - offset);
        long n = Math.max(0, Math.min(length, size - pos));
        long requests = ioRequests;
        int done = 0;
        while (done < n) {
            long p = pos + done;
            long index = p >>> Page.SHIFT;
            int in = (int) (p & Page.OFFSET_MASK);
            int chunk = (int) Math.min(n - done, Page.SIZE - in);
            long pfn;
            try {
                pfn = readPage(index, Page.pages(pos + n) - index);
            } catch (IOException e) {
                if (done == 0) {
                    cache.chargeIo(ioRequests - requests);
                    throw e;
                }
                break; // filemap_read: the bytes already read, the error at the next call
            }
            if (pfn < 0) {
                break;
            }
            cache.machine.memory().read(Page.address(pfn) + in, dst, offset + done, chunk);
            markAccessed(pfn);
            done += chunk;
        }
        if (done > 0) {
            ra.accessed((pos + done - 1) >>> Page.SHIFT);
        }
        cache.chargeIo(ioRequests - requests);
        if (done == 0 && n > 0) {
            throw new NoMemoryException(path + ": no memory for page " + (pos >>> Page.SHIFT));
        }
        return done;
    }

    /** {@code mark_page_accessed}: the software referenced bit the replacement policy reads. */
    private void markAccessed(long pfn) {
        memMap.setFlag(pfn, PageFlags.PG_REFERENCED);
    }

    // ------------------------------------------------------------------ writing

    @Override
    public int write(long pos, byte[] src, int offset, int length) throws IOException {
        checkRange(pos, length, src.length - offset);
        if (length > 0 && pos + length > size) {
            zeroPastEnd(size);
        }
        long requests = ioRequests;
        int done = 0;
        long dirtied = 0;
        while (done < length) {
            long p = pos + done;
            long index = p >>> Page.SHIFT;
            checkIndex(index);
            int in = (int) (p & Page.OFFSET_MASK);
            int chunk = Math.min(length - done, Page.SIZE - in);
            // write_begin: a page written whole, or wholly past the end of the file, needs no read
            long pfn = tree.lookup(index);
            if (pfn < 0) {
                boolean whole = chunk == Page.SIZE || (index << Page.SHIFT) >= size;
                try {
                    pfn = whole ? addPage(index, false) : readPage(index, 1);
                } catch (IOException e) {
                    if (done == 0) {
                        cache.chargeIo(ioRequests - requests);
                        throw e;
                    }
                    break; // generic_perform_write: the bytes already written, the error at the next call
                }
                if (pfn < 0) {
                    break;
                }
            }
            if (memMap.testFlag(pfn, PageFlags.PG_WRITEBACK)) {
                endWriteback(index, pfn); // wait_for_stable_page
            }
            cache.machine.memory().write(Page.address(pfn) + in, src, offset + done, chunk);
            markAccessed(pfn);
            if (setDirty(index, pfn)) {
                dirtied++;
            }
            done += chunk;
            if (pos + done > size) {
                size = pos + done;
            }
        }
        cache.chargeIo(ioRequests - requests);
        if (done == 0 && length > 0) {
            throw new NoMemoryException(path + ": no memory for page " + (pos >>> Page.SHIFT));
        }
        if (dirtied > 0) {
            cache.balanceDirtyPages(dirtied);
        }
        return done;
    }

    @Override
    public void setPageDirty(long index) {
        long pfn = tree.lookup(index);
        if (pfn >= 0) {
            setDirty(index, pfn);
        }
    }

    /** {@code __set_page_dirty_nobuffers}; true when the page was clean. */
    private boolean setDirty(long index, long pfn) {
        if (memMap.testAndSetFlag(pfn, PageFlags.PG_DIRTY)) {
            return false;
        }
        tree.tagSet(index, RadixTree.TAG_DIRTY);
        nrDirty++;
        cache.vmstat.inc(VmItem.NR_DIRTY);
        cache.vmstat.inc(VmItem.NR_DIRTIED);
        if (dirtiedWhen < 0) {
            dirtiedWhen = cache.machine.clock().now();
            cache.inodeDirtied(this);
        }
        return true;
    }

    /**
     * {@code writepage}: puts a dirty page in the file and leaves it under writeback (ended
     * at once when {@code sync}). A write error marks the page and the file's error
     * sequence. Returns false on an error.
     */
    boolean writePage(long index, long pfn, boolean sync) {
        // clear_page_dirty_for_io: the next store through a shared mapping faults and re-dirties
        if (memMap.mapcount(pfn) > 0) {
            cache.vmscan().pageMkclean(pfn);
        }
        if (memMap.testAndClearFlag(pfn, PageFlags.PG_DIRTY)) {
            tree.tagClear(index, RadixTree.TAG_DIRTY);
            nrDirty--;
            cache.vmstat.add(VmItem.NR_DIRTY, -1);
        }
        memMap.setFlag(pfn, PageFlags.PG_WRITEBACK);
        tree.tagSet(index, RadixTree.TAG_WRITEBACK);
        nrWriteback++;
        cache.vmstat.inc(VmItem.NR_WRITEBACK);
        boolean ok = true;
        try {
            if (store.length() < size) {
                store.setLength(size);
            }
            if (cache.keepsData && (index << Page.SHIFT) < size) {
                store.writePage(index, pfn);
            }
            cache.vmstat.add(VmItem.PGPGOUT, KIB_PER_PAGE);
            cache.pagesWritten++;
        } catch (IOException e) {
            memMap.setFlag(pfn, PageFlags.PG_ERROR);
            wbErr++;
            cache.writeErrors++;
            ok = false;
        }
        if (nrDirty == 0) {
            cache.inodeClean(this);
        }
        if (sync) {
            endWriteback(index, pfn);
        }
        return ok;
    }

    /** {@code end_page_writeback}; does nothing for a page not under writeback. */
    void endWriteback(long index, long pfn) {
        if (pfn >= 0 && memMap.testAndClearFlag(pfn, PageFlags.PG_WRITEBACK)) {
            tree.tagClear(index, RadixTree.TAG_WRITEBACK);
            nrWriteback--;
            cache.vmstat.add(VmItem.NR_WRITEBACK, -1);
            cache.vmstat.inc(VmItem.NR_WRITTEN);
        }
    }

    /** Ends the writeback of the page at {@code index}, if it is still cached and under writeback. */
    void endWriteback(long index) {
        endWriteback(index, tree.lookup(index));
    }

    /**
     * {@code write_cache_pages}: writes up to {@code max} dirty pages in index order, found
     * by the DIRTY tag. A synchronous pass ({@code WB_SYNC_ALL}) waits for pages already under
     * writeback and ends each write at once; an asynchronous one skips them and reports the
     * indices it started to {@code started} (may be null).
     *
     * @return pages written
     */
    long writepages(long max, boolean sync, java.util.function.LongConsumer started) {
        long written = 0;
        long next = 0;
        while (written < max) {
            int n = tree.gangLookup(next, RadixTree.TAG_DIRTY, gangIndex, gangPfn, (int) Math.min(BATCH, max - written));
            if (n == 0) {
                break;
            }
            for (int i = 0; i < n; i++) {
                long index = gangIndex[i];
                long pfn = gangPfn[i];
                if (memMap.testFlag(pfn, PageFlags.PG_WRITEBACK)) {
                    if (!sync) {
                        continue;
                    }
                    endWriteback(index, pfn);
                }
                writePage(index, pfn, sync);
                if (started != null) {
                    started.accept(index);
                }
                written++;
            }
            next = gangIndex[n - 1] + 1;
        }
        return written;
    }

    /** {@code filemap_fdatawait}: ends every writeback in flight (the data is already in the file). */
    void waitWriteback() {
        long next = 0;
        while (nrWriteback > 0) {
            int n = tree.gangLookup(next, RadixTree.TAG_WRITEBACK, gangIndex, gangPfn, BATCH);
            if (n == 0) {
                break;
            }
            for (int i = 0; i < n; i++) {
                endWriteback(gangIndex[i], gangPfn[i]);
            }
            next = gangIndex[n - 1] + 1;
        }
    }

    @Override
    public void fsync() throws IOException {
        writepages(Long.MAX_VALUE, true, null);
        waitWriteback();
        if (cache.keepsData) {
            store.sync();
        }
        if (wbErr != wbErrSeen) {
            wbErrSeen = wbErr;
            throw new IOException(path + ": EIO: a writeback of this file failed since the last fsync");
        }
    }

    // ------------------------------------------------------------------ removing

    @Override
    public void truncate(long newSize) throws IOException {
        if (newSize < 0) {
            throw new IllegalArgumentException(path + ": size " + newSize + " (expected: >= 0)");
        }
        // the file first: when it cannot take the new size (a host limit), the call fails and nothing changed
        store.setLength(newSize);
        long first = Page.pages(newSize);
        while (true) {
            int n = tree.gangLookup(first, RadixTree.PRESENT, gangIndex, gangPfn, BATCH);
            if (n == 0) {
                break;
            }
            for (int i = 0; i < n; i++) {
                long pfn = gangPfn[i];
                if (memMap.mapcount(pfn) != 0) {
                    throw new IllegalStateException(path + ": page " + gangIndex[i] + " (pfn " + Page.hex(pfn)
                        + ") still mapped " + memMap.mapcount(pfn) + " times at truncate");
                }
                cache.vmscan().lruDel(pfn);
                removePage(gangIndex[i], pfn);
            }
        }
        // truncate_partial_page when it shrinks, pagecache_isize_extended when it grows
        zeroPastEnd(Math.min(newSize, size));
        size = newSize;
        if (ra.start >= first) {
            ra.size = 0;
            ra.marker = -1;
        }
    }

    /**
     * Zeroes the cached page holding byte {@code end} from there to the page's end. The
     * bytes of the last page past {@code i_size} hold whatever a shared mapping stored there
     * (never the file's); once the file grows over them they must read as zeros (the
     * extended area of {@code ftruncate}, the hole of a write past the end). Truncation
     * zeroes past the new end ({@code truncate_partial_page}), a size that grows past the
     * old one ({@code pagecache_isize_extended} and the EOF folio's zeroing).
     */
    private void zeroPastEnd(long end) {
        int tail = (int) (end & Page.OFFSET_MASK);
        if (tail != 0) {
            long pfn = tree.lookup(end >>> Page.SHIFT);
            if (pfn >= 0) {
                cache.machine.memory().fill(Page.address(pfn) + tail, Page.SIZE - tail, (byte) 0);
            }
        }
    }

    /**
     * Drops a clean, unmapped page the policy chose: written first when dirty and
     * {@code mayWrite}. False when it must stay (mapped, locked, pinned, under writeback,
     * dirty without permission to write, or the write failed).
     */
    boolean reclaim(long index, long pfn, boolean mayWrite) {
        if (memMap.mapcount(pfn) != 0 || memMap.refcount(pfn) != 1
            || memMap.testFlag(pfn, PageFlags.PG_LOCKED | PageFlags.PG_WRITEBACK)) {
            return false;
        }
        if (memMap.testFlag(pfn, PageFlags.PG_DIRTY)) {
            if (!mayWrite) {
                return false;
            }
            cache.vmstat.inc(VmItem.NR_VMSCAN_WRITE);
            if (!writePage(index, pfn, true)) {
                return false;
            }
        }
        removePage(index, pfn);
        return true;
    }

    /** {@code __delete_from_page_cache} + {@code put_page}: the frame goes back to the allocator. */
    private void removePage(long index, long pfn) {
        endWriteback(index, pfn);
        if (memMap.testAndClearFlag(pfn, PageFlags.PG_DIRTY)) {
            nrDirty--;
            cache.vmstat.add(VmItem.NR_DIRTY, -1);
            if (nrDirty == 0) {
                cache.inodeClean(this);
            }
        }
        if (tree.delete(index) != pfn) {
            throw new IllegalStateException(path + ": page " + index + " is not pfn " + Page.hex(pfn) + " in the tree");
        }
        if (ra.marker == index) {
            ra.marker = -1;
        }
        nrPages--;
        cache.vmstat.add(VmItem.NR_FILE_PAGES, -1);
        memMap.setMapping(pfn, 0);
        memMap.setIndex(pfn, 0);
        memMap.setRefcount(pfn, 0);
        cache.allocator().freePages(pfn, 0);
    }

    /** Writes and ends everything, syncs and closes the file (clean shutdown). */
    void close() throws IOException {
        writepages(Long.MAX_VALUE, true, null);
        waitWriteback();
        if (cache.keepsData) {
            store.sync();
        }
        store.close();
    }

    // ------------------------------------------------------------------ checks

    private void checkRange(long pos, int length, int room) {
        if (pos < 0 || length < 0 || length > room) {
            throw new IllegalArgumentException(path + ": pos " + pos + " length " + length + " (buffer room " + room + ")");
        }
    }

    private void checkIndex(long index) {
        if (index < 0 || index > RadixTree.MAX_INDEX) {
            throw new IllegalArgumentException(path + ": page index " + index + " (expected: 0-" + RadixTree.MAX_INDEX + ")");
        }
    }

    /**
     * Re-derives the file's invariants: the tree's own, {@code nrpages}, and for every page
     * its mapping and index, PG_dirty against the DIRTY tag and PG_writeback against the
     * WRITEBACK tag, and the dirty and writeback counts.
     */
    void verify() {
        long items = tree.verify();
        if (items != nrPages) {
            throw new IllegalStateException(path + ": nrpages " + nrPages + " but the tree holds " + items);
        }
        long dirty = 0;
        long writeback = 0;
        long next = 0;
        while (true) {
            int n = tree.gangLookup(next, RadixTree.PRESENT, gangIndex, gangPfn, BATCH);
            if (n == 0) {
                break;
            }
            for (int i = 0; i < n; i++) {
                long index = gangIndex[i];
                long pfn = gangPfn[i];
                if (memMap.mapping(pfn) != id || memMap.index(pfn) != index) {
                    throw new IllegalStateException(path + ": page " + index + " (pfn " + Page.hex(pfn) + ") has mapping "
                        + memMap.mapping(pfn) + " index " + memMap.index(pfn));
                }
                boolean d = memMap.testFlag(pfn, PageFlags.PG_DIRTY);
                boolean w = memMap.testFlag(pfn, PageFlags.PG_WRITEBACK);
                if (d != tree.tagGet(index, RadixTree.TAG_DIRTY) || w != tree.tagGet(index, RadixTree.TAG_WRITEBACK)) {
                    throw new IllegalStateException(path + ": page " + index + " flags " + PageFlags.describe(memMap.flags(pfn))
                        + " disagree with its tags");
                }
                dirty += d ? 1 : 0;
                writeback += w ? 1 : 0;
            }
            next = gangIndex[n - 1] + 1;
        }
        if (dirty != nrDirty || writeback != nrWriteback) {
            throw new IllegalStateException(path + ": " + nrDirty + " dirty and " + nrWriteback + " under writeback counted, but "
                + dirty + " and " + writeback + " found");
        }
        if ((nrDirty > 0) != (dirtiedWhen >= 0)) {
            throw new IllegalStateException(path + ": " + nrDirty + " dirty pages but dirtied_when " + dirtiedWhen);
        }
    }
}
