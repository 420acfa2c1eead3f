package dev.mmkit.api.page;

/**
 * The two fragmentation measures Linux exports in {@code /sys/kernel/debug/extfrag/},
 * computed from a zone's free blocks per order. Both are reported in thousandths, as the
 * kernel prints them ({@code 0.993}).
 *
 * <h2>Unusable free space index</h2>
 * The share of free memory that cannot satisfy a request of 2^order pages because it is in
 * smaller blocks [1]: {@code (free - Σ_{i≥order} 2^i · nr_free[i]) / free}; 1000 when no page
 * is free (Linux: "no free memory is interpreted as all free memory is unusable").
 *
 * <h2>External fragmentation index</h2>
 * {@code __fragmentation_index}: for a request that fails, whether the cause is lack of
 * memory (towards 0) or fragmentation (towards 1000): {@code 1000 − (1000 + 1000·free/2^order)
 * / blocks}, where blocks counts free blocks of every order; −1000 when a block of the
 * order is free (the request would succeed), 0 when nothing is free. As in the kernel, the
 * value can fall below 0 when few blocks hold much memory (one free order-0 page, order 1:
 * 1000 − 1500 / 1 = −500).
 *
 * <p>[1] M. Gorman, A. Whitcroft, "The What, The Why and the Where To of Anti-Fragmentation", OLS 2006.
 */
public final class Fragmentation {
    private Fragmentation() {
    }

    /** Unusable free space index for {@code order}, in thousandths (0–1000). */
    public static int unusableIndex(Zone zone, int maxOrder, int order) {
        long free = 0;
        long suitable = 0;
        for (int o = 0; o < maxOrder; o++) {
            long pages = zone.nrFree(o) << o;
            free += pages;
            if (o >= order) {
                suitable += pages;
            }
        }
        if (free == 0) {
            return 1000;
        }
        return (int) ((free - suitable) * 1000 / free);
    }

    /** External fragmentation index for {@code order}, in thousandths (−1000, or at most 1000, negative when few blocks hold much memory). */
    public static int extfragIndex(Zone zone, int maxOrder, int order) {
        long free = 0;
        long blocks = 0;
        long suitable = 0;
        for (int o = 0; o < maxOrder; o++) {
            long n = zone.nrFree(o);
            blocks += n;
            free += n << o;
            if (o >= order) {
                suitable += n;
            }
        }
        if (blocks == 0) {
            return 0;
        }
        if (suitable > 0) {
            return -1000;
        }
        long requested = 1L << order;
        return (int) (1000 - (1000 + free * 1000 / requested) / blocks);
    }

    /** Thousandths as Linux prints them: {@code 0.993}, {@code -1.000}. */
    public static String format(int thousandths) {
        String sign = thousandths < 0 ? "-" : "";
        int abs = Math.abs(thousandths);
        return String.format("%s%d.%03d", sign, abs / 1000, abs % 1000);
    }
}
