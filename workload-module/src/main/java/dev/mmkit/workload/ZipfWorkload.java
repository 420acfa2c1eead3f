package dev.mmkit.workload;

import java.util.random.RandomGenerator;

/**
 * Zipf-distributed references: page {@code k − 1} of the region is referenced with
 * probability proportional to {@code 1 / k^α} ({@link ZipfSampler}), a random 8-byte word in
 * it. The hottest pages are the lowest; α near 1 is typical of web and cache traces, larger
 * α concentrates references on fewer pages. The skew is what lets LRU and its
 * approximations beat random replacement.
 */
final class ZipfWorkload extends SyntheticWorkload {
    private final ZipfSampler sampler;

    ZipfWorkload(long pages, long references, double writeRatio, double alpha, RandomGenerator random) {
        super("zipf", pages, references, writeRatio, random);
        this.sampler = new ZipfSampler(pages, alpha);
    }

    @Override
    long nextOffset(long i) {
        return pageOffset(sampler.sample(random) - 1) + (random.nextInt(512) << 3);
    }
}
