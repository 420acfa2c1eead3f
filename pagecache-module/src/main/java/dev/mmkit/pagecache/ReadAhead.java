package dev.mmkit.pagecache;

/**
 * On-demand read-ahead of one file ({@code struct file_ra_state} and
 * {@code ondemand_readahead} of Linux's {@code mm/readahead.c}).
 *
 * <h2>The window</h2>
 * <pre>
 *            |&lt;------------- size -------------&gt;|
 *            |               |&lt;--- async_size ---&gt;|
 *   ---------+---------------+--------------------+---------
 *          start          marker
 * </pre>
 * A window of {@code size} pages from {@code start} is read in one request. Its first page
 * of the last {@code async_size} pages is the marker (Linux's {@code PG_readahead}): when a
 * reader reaches it, the next window is read before the reader needs it (asynchronous
 * read-ahead), so a sequential reader never waits after the first window.
 *
 * <h2>Algorithm: [onDemand(index, reqSize, hitMarker)]</h2>
 * <ol>
 *   <li>Start of the file: an initial window ({@link #initSize}: the request rounded up
 *       to a power of two, ×4 while small, ×2 while medium, at most {@code max}).</li>
 *   <li>The reader hit the marker, or asks for the page right after the window (or right
 *       at its marker): sequential. The next window starts where this one ends and grows
 *       ({@link #nextSize}: ×4 while below max/16, ×2 while at most max/2, else max); all
 *       of it is asynchronous.</li>
 *   <li>The page right after the previous read ({@code prev_index}): a new sequential
 *       stream, an initial window from here.</li>
 *   <li>Anything else is random: only the requested pages are read, and the window
 *       collapses (size 0), so random readers never read ahead.</li>
 * </ol>
 * A window whose first page is the one asked for and which is all asynchronous would hit
 * its own marker at once: the next window is merged into it ({@code readit:}), so the
 * reader gets one synchronous part and one asynchronous part in a single request.
 *
 * <h2>Work counted</h2>
 * {@link #windows} requests issued, {@link #pagesReadAhead} pages read beyond what was
 * asked, {@link #asyncHits} marker hits, {@link #randomReads} collapses.
 */
final class ReadAhead {
    /** What a window read does: reads the pages of [start, start + size) not yet cached, marking {@code marker}. */
    @FunctionalInterface
    interface Reader {
        /** @return pages actually read */
        long read(long start, long size, long marker);
    }

    private final long max;
    long start;
    long size;
    long asyncSize;
    /** The index of the marker page, or −1. */
    long marker = -1;
    /** The last page read ({@code prev_pos >> PAGE_SHIFT}), −1 before the first. */
    long prevIndex = -1;

    long windows;
    long pagesReadAhead;
    long asyncHits;
    long randomReads;

    /** @param max the largest window, in pages ({@code ra_pages}); 0 disables read-ahead */
    ReadAhead(long max) {
        this.max = max;
    }

    /** {@code get_init_ra_size}. */
    static long initSize(long req, long max) {
        long size = Long.highestOneBit(Math.max(1, req));
        if (size < req) {
            size <<= 1;
        }
        if (size <= max / 32) {
            size *= 4;
        } else if (size <= max / 4) {
            size *= 2;
        } else {
            size = max;
        }
        return size;
    }

    /** {@code get_next_ra_size}. */
    static long nextSize(long cur, long max) {
        if (cur < max / 16) {
            return 4 * cur;
        }
        if (cur <= max / 2) {
            return 2 * cur;
        }
        return max;
    }

    /**
     * {@code page_cache_sync_readahead} (a miss) or {@code page_cache_async_readahead}
     * (a hit on the marker) for a read of {@code reqSize} pages at {@code index}.
     */
    void onDemand(long index, long reqSize, boolean hitMarker, Reader reader) {
        if (max == 0) {
            reader.read(index, reqSize, -1);
            windows++;
            prevIndex = index + reqSize - 1;
            return;
        }
        if (hitMarker) {
            asyncHits++;
            marker = -1;
        }
        boolean sequential = size > 0 && (index == start + size - asyncSize || index == start + size);
        if (index == 0 && !hitMarker) {
            initial(index, reqSize);
        } else if (sequential || hitMarker) {
            if (!sequential) {
                // a marker of another window: carry on from the page after the hit
                start = index + 1;
                size = Math.min(max, reqSize + 1);
            } else {
                start += size;
            }
            size = nextSize(size, max);
            asyncSize = size;
        } else if (reqSize > max || index == prevIndex + 1 || index == prevIndex) {
            initial(index, reqSize);
        } else {
            // random: read what was asked, and forget the window
            randomReads++;
            size = 0;
            asyncSize = 0;
            marker = -1;
            windows++;
            reader.read(index, reqSize, -1);
            prevIndex = index + reqSize - 1;
            return;
        }
        submit(reqSize, index, reader);
    }

    private void initial(long index, long reqSize) {
        start = index;
        size = initSize(reqSize, max);
        asyncSize = size > reqSize ? size - reqSize : size;
    }

    /** {@code ra_submit}: one request for the window; the marker goes on its asynchronous part. */
    private void submit(long reqSize, long index, Reader reader) {
        if (index == start && size == asyncSize) {
            // readit: the reader would hit this window's own marker at once; merge the next window
            long add = nextSize(size, max);
            if (size + add <= max) {
                asyncSize = add;
                size += add;
            } else {
                size = max;
                asyncSize = max >> 1;
            }
        }
        marker = asyncSize > 0 ? start + size - asyncSize : -1;
        windows++;
        long read = reader.read(start, size, marker);
        long asked = index >= start && index < start + size ? Math.min(reqSize, start + size - index) : 0;
        pagesReadAhead += Math.max(0, read - asked);
        prevIndex = Math.max(prevIndex, index + reqSize - 1);
    }

    /** Records a read that found its pages cached (for the sequential test of the next miss). */
    void accessed(long lastIndex) {
        prevIndex = lastIndex;
    }
}
