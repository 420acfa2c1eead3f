package dev.mmkit.api.pagecache;

import java.io.IOException;

/**
 * A read or write of the page cache found no frame for the first page it needed, even after
 * reclaim ({@code -ENOMEM} from {@code filemap_read} or {@code grab_cache_page_write_begin}):
 * nothing of the call happened. Not an I/O error; the system call returns ENOMEM, not EIO.
 *
 * @since 1.1
 */
public class NoMemoryException extends IOException {
    private static final long serialVersionUID = 1L;

    public NoMemoryException(String message) {
        super(message);
    }
}
