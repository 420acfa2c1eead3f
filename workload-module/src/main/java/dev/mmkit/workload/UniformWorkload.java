package dev.mmkit.workload;

import java.util.random.RandomGenerator;

/**
 * Uniform random references: each picks one of the region's pages with equal probability
 * and a random 8-byte word in it. No locality at all: the hit ratio of any replacement
 * policy tends to {@code frames / pages}, the baseline the lecture compares against.
 */
final class UniformWorkload extends SyntheticWorkload {
    UniformWorkload(long pages, long references, double writeRatio, RandomGenerator random) {
        super("uniform", pages, references, writeRatio, random);
    }

    @Override
    long nextOffset(long i) {
        return pageOffset(random.nextLong(pages)) + (random.nextInt(512) << 3);
    }
}
