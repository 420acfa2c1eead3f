package dev.mmkit.api.reclaim;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * The dirty-page flusher (pdflush, today's flusher threads): writes back pages dirty for
 * longer than dirty_expire every dirty_writeback interval, starts at once when dirty memory
 * passes the background threshold, and throttles writers above the dirty threshold. Runs
 * on the machine's virtual clock through the page cache's writeback primitive.
 */
@ConsumerType
public interface WritebackDaemon {
    /**
     * {@code balance_dirty_pages}: a writer has just dirtied pages. May start background
     * writeback, and may throttle the writer by advancing virtual time.
     */
    void dirtied(long nrPages);
}
