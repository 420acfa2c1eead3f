package dev.mmkit.workload;

import java.util.random.RandomGenerator;

/**
 * A loop over the region, one reference per page: pages 0, 1, ..., pages−1, 0, 1, ... With
 * more pages than frames LRU and FIFO miss on every reference (each page is evicted just
 * before it is needed again) while OPT and random replacement keep part of the loop: the
 * textbook case where recency is the wrong guess.
 */
final class LoopWorkload extends SyntheticWorkload {
    LoopWorkload(long pages, long references, double writeRatio, RandomGenerator random) {
        super("loop", pages, references, writeRatio, random);
    }

    @Override
    long nextOffset(long i) {
        return pageOffset(i % pages);
    }
}
