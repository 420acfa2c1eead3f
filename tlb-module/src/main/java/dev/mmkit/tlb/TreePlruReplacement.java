package dev.mmkit.tlb;

/**
 * Tree pseudo-LRU, the approximation of LRU that set-associative caches and TLBs build in
 * hardware: one bit per inner node of a binary tree over the ways, {@code ways − 1} bits
 * per set instead of a full order.
 *
 * <h2>Layout</h2>
 * The nodes of a set's tree are numbered as a heap: node 1 is the root, node {@code n} has
 * children {@code 2n} (left) and {@code 2n+1} (right); the leaves {@code ways .. 2·ways−1}
 * are the ways {@code 0 .. ways−1}. For 4 ways:
 * <pre>
 *            [1]
 *          /     \
 *       [2]       [3]
 *      /   \     /   \
 *   way0  way1 way2  way3
 * </pre>
 * A node's bit says where the victim search goes: 0 = left, 1 = right. Two forms hold the
 * bits:
 * <ul>
 *   <li>packed (up to 32 ways): a set's bits in one int, node {@code n} at bit {@code n}
 *       (bit 0 unused);</li>
 *   <li>one byte per node (any number of ways), {@code bits[set * ways + node]} (slot
 *       {@code set * ways} unused).</li>
 * </ul>
 *
 * <h2>Algorithm</h2>
 * <ul>
 *   <li>[touch]/[fill] of way w: walk from the root to w's leaf; at every node on the path
 *       point the bit away from w (1 if w lies in the left subtree, 0 if in the right). In
 *       the packed form the path's nodes and the values they take depend on w alone, so
 *       they are computed once per way ({@code pathMask}, {@code pathBits}) and the walk
 *       is one and-or on the set's word.</li>
 *   <li>[victim]: walk from the root following the bits; the leaf reached is the victim.
 *       It is never the most recently used way, and is the least recently used one
 *       whenever the accesses so far were balanced.</li>
 * </ul>
 * The number of ways must be a power of two.
 */
final class TreePlruReplacement extends Replacement {
    /** The most ways the packed form holds: 31 nodes and the unused bit 0 in an int. */
    static final int MAX_PACKED_WAYS = 32;

    /** The byte-per-node form's state; null in the packed form. */
    private final byte[] bits;
    /** The packed form's state, one word per set; null in the byte-per-node form. */
    private final int[] packed;
    /** Per way: the nodes on its path (packed form). */
    private final int[] pathMask;
    /** Per way: the values a touch of it writes into those nodes (packed form). */
    private final int[] pathBits;

    TreePlruReplacement(int sets, int ways) {
        this(sets, ways, ways <= MAX_PACKED_WAYS);
    }

    /** @param packed the one-word-per-set form (up to 32 ways) instead of a byte per node */
    TreePlruReplacement(int sets, int ways, boolean packed) {
        super(sets, ways);
        if (Integer.bitCount(ways) != 1) {
            throw new IllegalArgumentException("ways: " + ways + " (expected: a power of two for plru)");
        }
        if (packed && ways > MAX_PACKED_WAYS) {
            throw new IllegalArgumentException("ways: " + ways + " (expected: at most " + MAX_PACKED_WAYS + " for the packed form)");
        }
        this.bits = packed ? null : new byte[sets * ways];
        this.packed = packed ? new int[sets] : null;
        this.pathMask = packed ? new int[ways] : null;
        this.pathBits = packed ? new int[ways] : null;
        if (packed) {
            for (int way = 0; way < ways; way++) {
                for (int node = ways + way; node > 1; node >>>= 1) {
                    int parent = node >>> 1;
                    pathMask[way] |= 1 << parent;
                    if ((node & 1) == 0) { // w is in parent's left subtree: point right
                        pathBits[way] |= 1 << parent;
                    }
                }
            }
        }
    }

    @Override
    void touch(int set, int slot) {
        pointAway(set, slot);
    }

    @Override
    void fill(int set, int slot) {
        pointAway(set, slot);
    }

    private void pointAway(int set, int slot) {
        int way = slot & (ways - 1);
        int[] p = packed;
        if (p != null) {
            p[set] = p[set] & ~pathMask[way] | pathBits[way];
            return;
        }
        int base = slot - way;
        int node = ways + way;
        while (node > 1) {
            int parent = node >>> 1;
            boolean isLeftChild = (node & 1) == 0;
            bits[base + parent] = (byte) (isLeftChild ? 1 : 0);
            node = parent;
        }
    }

    @Override
    int victim(int set) {
        int node = 1;
        if (packed != null) {
            int word = packed[set];
            while (node < ways) {
                node = 2 * node + (word >>> node & 1);
            }
            return node - ways;
        }
        int base = set * ways;
        while (node < ways) {
            node = 2 * node + bits[base + node];
        }
        return node - ways;
    }

    @Override
    String name() {
        return "plru";
    }
}
