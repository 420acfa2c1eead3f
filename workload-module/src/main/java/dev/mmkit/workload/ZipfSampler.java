package dev.mmkit.workload;

import java.util.random.RandomGenerator;

/**
 * Draws ranks 1..n with Zipf's law, P(k) = k^−α / H(n, α), in constant time and memory by
 * rejection-inversion [1].
 *
 * <h2>Algorithm</h2>
 * Let h(x) = x^−α, a decreasing hat over the probabilities, and H its antiderivative
 * (written so that α = 1 needs no special case: H(x) = (x^(1−α) − 1)/(1−α), which tends to
 * log x). The area under h from 1/2 to n + 1/2 is cut into n strips; strip k, from
 * k − 1/2 to k + 1/2, covers at least h(k), the unnormalised probability of rank k.
 * <ol>
 *   <li>Draw u uniformly in [H(n + 1/2), H(3/2) − h(1)): the area under h, with the first
 *       strip shortened to exactly h(1) (so rank 1 is never rejected).</li>
 *   <li>Invert: x = H^−1(u), a point under the hat; k = round(x), clamped to 1..n.</li>
 *   <li>Accept k if it lies within the squeeze ({@code k − x ≤ s}, a constant computed once
 *       so that the whole strip of rank 2's left part is accepted) or if
 *       u ≥ H(k + 1/2) − h(k), i.e. u falls in the part of strip k whose width is h(k).
 *       Otherwise draw again.</li>
 * </ol>
 * The acceptance rate is high for every α, and each draw costs a few logs and exps, not
 * the O(n) table of the inverse-CDF method. {@link #helper1} and {@link #helper2} evaluate
 * log1p(x)/x and expm1(x)/x accurately near 0, which is what makes α near 1 stable.
 *
 * <p>[1] W. Hörmann, G. Derflinger, "Rejection-inversion to generate variates from
 * monotone discrete distributions", ACM TOMACS 6(3), 1996, pp. 169-184.
 */
final class ZipfSampler {
    private final long n;
    private final double alpha;
    private final double hIntegralX1;
    private final double hIntegralN;
    private final double s;

    ZipfSampler(long n, double alpha) {
        if (n < 1) {
            throw new IllegalArgumentException("n: " + n + " (expected: at least 1)");
        }
        if (!(alpha > 0)) {
            throw new IllegalArgumentException("alpha: " + alpha + " (expected: > 0)");
        }
        this.n = n;
        this.alpha = alpha;
        this.hIntegralX1 = hIntegral(1.5) - 1.0;
        this.hIntegralN = hIntegral(n + 0.5);
        this.s = 2.0 - hIntegralInverse(hIntegral(2.5) - h(2.0));
    }

    /** A rank in 1..n. */
    long sample(RandomGenerator random) {
        while (true) {
            double u = hIntegralN + random.nextDouble() * (hIntegralX1 - hIntegralN);
            double x = hIntegralInverse(u);
            long k = (long) (x + 0.5);
            if (k < 1) {
                k = 1;
            } else if (k > n) {
                k = n;
            }
            if (k - x <= s || u >= hIntegral(k + 0.5) - h(k)) {
                return k;
            }
        }
    }

    /** H(x) = (x^(1−α) − 1) / (1 − α), log x when α = 1. */
    private double hIntegral(double x) {
        double logX = Math.log(x);
        return helper2((1.0 - alpha) * logX) * logX;
    }

    /** h(x) = x^−α. */
    private double h(double x) {
        return Math.exp(-alpha * Math.log(x));
    }

    /** H^−1(y). */
    private double hIntegralInverse(double y) {
        double t = y * (1.0 - alpha);
        if (t < -1.0) {
            t = -1.0; // only rounding errors get here
        }
        return Math.exp(helper1(t) * y);
    }

    /** log1p(x) / x, continuous at 0. */
    static double helper1(double x) {
        if (Math.abs(x) > 1e-8) {
            return Math.log1p(x) / x;
        }
        return 1.0 - x * (0.5 - x * (1.0 / 3.0 - 0.25 * x));
    }

    /** expm1(x) / x, continuous at 0. */
    static double helper2(double x) {
        if (Math.abs(x) > 1e-8) {
            return Math.expm1(x) / x;
        }
        return 1.0 + x * 0.5 * (1.0 + x * (1.0 / 3.0) * (1.0 + 0.25 * x));
    }
}
