package dev.mmkit.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

// Checks that rejection-inversion draws Zipf's law: a chi-square goodness-of-fit test against k^-alpha / H(n, alpha) with a fixed seed.
class ZipfSamplerTest {
    /** The chi-square critical value for 49 degrees of freedom at p = 0.001 (tables). */
    private static final double CHI2_49_P001 = 85.351;

    @ParameterizedTest
    @ValueSource(doubles = {0.5, 0.99, 1.0, 1.2, 2.0})
    void frequenciesFollowZipfsLaw(double alpha) {
        int n = 50;
        int draws = 200_000;
        ZipfSampler sampler = new ZipfSampler(n, alpha);
        SplittableRandom random = new SplittableRandom(42);
        long[] counts = new long[n + 1];
        for (int i = 0; i < draws; i++) {
            long k = sampler.sample(random);
            assertThat(k).isBetween(1L, (long) n);
            counts[(int) k]++;
        }
        double harmonic = 0;
        for (int k = 1; k <= n; k++) {
            harmonic += Math.pow(k, -alpha);
        }
        double chi2 = 0;
        for (int k = 1; k <= n; k++) {
            double expected = draws * Math.pow(k, -alpha) / harmonic;
            chi2 += (counts[k] - expected) * (counts[k] - expected) / expected;
        }
        assertThat(chi2).as("chi-square of %s draws, alpha %s", draws, alpha).isLessThan(CHI2_49_P001);
        // Rank 1 against rank 2: their ratio is 2^alpha.
        assertThat((double) counts[1] / counts[2]).isCloseTo(Math.pow(2, alpha), org.assertj.core.data.Offset.offset(0.1 * Math.pow(2, alpha)));
    }

    @Test
    void theSameSeedGivesTheSameSequence() {
        ZipfSampler sampler = new ZipfSampler(1_000_000, 1.1);
        SplittableRandom a = new SplittableRandom(7);
        SplittableRandom b = new SplittableRandom(7);
        for (int i = 0; i < 10_000; i++) {
            assertThat(sampler.sample(a)).isEqualTo(sampler.sample(b));
        }
    }

    @Test
    void oneElementAlwaysAnswersRankOne() {
        ZipfSampler sampler = new ZipfSampler(1, 1.0);
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < 100; i++) {
            assertThat(sampler.sample(random)).isEqualTo(1);
        }
    }

    @Test
    void rejectsBadParameters() {
        assertThatThrownBy(() -> new ZipfSampler(0, 1.0)).hasMessage("n: 0 (expected: at least 1)");
        assertThatThrownBy(() -> new ZipfSampler(10, 0)).hasMessage("alpha: 0.0 (expected: > 0)");
    }
}
