package dev.mmkit.api.page;

/**
 * A zone's free-page thresholds ({@code enum zone_watermarks}). Below {@code LOW} the
 * allocator wakes kswapd, which reclaims until {@code HIGH}; below {@code MIN} only
 * high-priority and atomic allocations succeed and blocking ones reclaim directly.
 */
public enum Watermark {
    MIN,
    LOW,
    HIGH
}
