package dev.mmkit.workload;

import java.util.random.RandomGenerator;

/**
 * A sequential scan: reference {@code i} is at byte {@code (i × stride) mod (pages × 4096)}
 * of the region, so each page is touched {@code 4096 / stride} times in a row before the
 * scan moves on, and the scan wraps around at the end. With a small stride it is the best
 * case of spatial locality (one TLB miss and at most one fault per page); run longer than
 * one pass over more pages than RAM it is the classic case that defeats LRU.
 */
final class SequentialWorkload extends SyntheticWorkload {
    private final long stride;
    private final long regionBytes;
    /** The next reference's offset: the scan position, kept instead of a multiplication that could overflow. */
    private long cursor;

    SequentialWorkload(long pages, long references, double writeRatio, long stride, RandomGenerator random) {
        super("sequential", pages, references, writeRatio, random);
        this.stride = stride % pageOffset(pages);
        this.regionBytes = pageOffset(pages);
    }

    @Override
    long nextOffset(long i) {
        if (i == 0) {
            cursor = 0;
        }
        long offset = cursor;
        cursor += stride;
        if (cursor >= regionBytes) {
            cursor -= regionBytes;
        }
        return offset;
    }
}
