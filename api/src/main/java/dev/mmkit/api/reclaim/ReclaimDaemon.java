package dev.mmkit.api.reclaim;

import dev.mmkit.api.page.Zone;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * When and how much to reclaim: kswapd's background reclaim and the direct reclaim of
 * allocations that may block, both driving {@link Vmscan}. Runs on the machine's virtual
 * clock (periodic work is a clock timer), deterministically.
 */
@ConsumerType
public interface ReclaimDaemon {
    /** {@code wakeup_kswapd}: a zone fell below its low watermark during an allocation of 2^order. */
    void wakeup(Zone zone, int order);

    /**
     * {@code try_to_free_pages}: an allocation that may block is below the min watermark.
     * Counts allocstall, in total and in {@code allocstall_<zone>} of {@code gfp}'s highest zone;
     * returns pages reclaimed (0: nothing could be reclaimed).
     */
    long directReclaim(int gfp, int order, Zone preferred);

    /**
     * Whether kswapd has given up on the node: {@code pgdat->kswapd_failures >=
     * MAX_RECLAIM_RETRIES}, {@code /proc/zoneinfo}'s {@code node_unreclaimable}. While it
     * has, wakeups are ignored and reclaim is left to the allocations (direct reclaim); one
     * that reclaims pages revives kswapd. False for a daemon that never gives up.
     */
    default boolean nodeUnreclaimable() {
        return false;
    }
}
