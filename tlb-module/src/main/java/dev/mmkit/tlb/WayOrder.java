package dev.mmkit.tlb;

/**
 * The order of the four ways of a set, packed in one byte: the state of LRU (ordered by
 * last use) and FIFO (ordered by fill) on the 4-way fast path, where a set's whole order
 * fits in the bits a timestamp per way would take for one way.
 *
 * <h2>Layout</h2>
 * <pre>
 *    7   6   5   4   3   2   1   0
 *  +-------+-------+-------+-------+
 *  | rank 3| rank 2| rank 1| rank 0|    rank 0: the most recent way; rank 3: the oldest
 *  +-------+-------+-------+-------+    each field: a way number, 0-3
 * </pre>
 * A fresh set is {@link #INITIAL}: way 3 at rank 0 down to way 0 at rank 3. So ways never
 * used rank below every used one, and among themselves the lowest way is the oldest: the
 * tie rule of the timestamp form (the lowest way among equal, never-set stamps).
 *
 * <h2>Algorithm</h2>
 * <ul>
 *   <li>[toFront(order, way)]: the ways above {@code way}'s rank move one rank down and
 *       {@code way} takes rank 0. The 256 × 4 results are a table built once, so the
 *       update is one load.</li>
 *   <li>[newest(order)]: the way at rank 0, the low two bits. Moving it to the front
 *       leaves the order as it is, so a use of the newest way needs neither the table
 *       nor a store: one test.</li>
 *   <li>[oldest(order)]: the way at rank 3, the top two bits.</li>
 * </ul>
 * With a timestamp per way, stamps taken from one counter at the same events, the way at
 * rank 3 is the way with the smallest stamp: both orders are the order of the last event
 * of each way.
 */
final class WayOrder {
    static final int WAYS = 4;
    /** Ranks 0-3 hold ways 3, 2, 1, 0. */
    static final byte INITIAL = (byte) (3 | 2 << 2 | 1 << 4);
    private static final int RANK_BITS = 2;
    private static final int RANK_MASK = (1 << RANK_BITS) - 1;
    /** {@code TO_FRONT[order << 2 | way]}: the order after {@code way} moved to rank 0. */
    private static final byte[] TO_FRONT = new byte[256 * WAYS];

    static {
        for (int order = 0; order < 256; order++) {
            for (int way = 0; way < WAYS; way++) {
                TO_FRONT[order << RANK_BITS | way] = (byte) moveToFront(order, way);
            }
        }
    }

    private WayOrder() {
    }

    /** One fresh order per set. */
    static byte[] newSets(int sets) {
        byte[] orders = new byte[sets];
        java.util.Arrays.fill(orders, INITIAL);
        return orders;
    }

    /** The order after {@code way} became the most recent. */
    static byte toFront(byte order, int way) {
        return TO_FRONT[(order << RANK_BITS | way & RANK_MASK) & TO_FRONT.length - 1]; // the mask proves the index in bounds
    }

    /** The way at rank 0: the most recent. */
    static int newest(byte order) {
        return order & RANK_MASK;
    }

    /** The way at rank 3: the least recent. */
    static int oldest(byte order) {
        return (order & 0xFF) >>> 3 * RANK_BITS;
    }

    /** The way at {@code rank}. */
    static int wayAt(byte order, int rank) {
        return (order >>> rank * RANK_BITS) & RANK_MASK;
    }

    /** The table's entry, computed: remove {@code way} from its rank, shift the more recent ranks down by one, put it at rank 0. */
    private static int moveToFront(int order, int way) {
        int rank = 0;
        while (rank < WAYS - 1 && ((order >>> rank * RANK_BITS) & RANK_MASK) != way) {
            rank++;
        }
        int below = order & ((1 << rank * RANK_BITS) - 1); // ranks 0 .. rank-1
        int above = order & ~((1 << (rank + 1) * RANK_BITS) - 1); // ranks rank+1 .. 3
        return (above | below << RANK_BITS | way) & 0xFF;
    }
}
