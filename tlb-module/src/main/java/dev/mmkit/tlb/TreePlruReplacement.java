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
 * A node's bit says where the victim search goes: 0 = left, 1 = right. The bits live in
 * one byte per node, {@code bits[set * ways + node]} (slot {@code set * ways} is unused).
 *
 * <h2>Algorithm</h2>
 * <ul>
 *   <li>[touch]/[fill] of way w: walk from the root to w's leaf; at every node on the path
 *       point the bit away from w (1 if w lies in the left subtree, 0 if in the right).</li>
 *   <li>[victim]: walk from the root following the bits; the leaf reached is the victim.
 *       It is never the most recently used way, and is the least recently used one
 *       whenever the accesses so far were balanced.</li>
 * </ul>
 * The number of ways must be a power of two.
 */
final class TreePlruReplacement extends Replacement {
    private final byte[] bits;

    TreePlruReplacement(int sets, int ways) {
        super(sets, ways);
        if (Integer.bitCount(ways) != 1) {
            throw new IllegalArgumentException("ways: " + ways + " (expected: a power of two for plru)");
        }
        this.bits = new byte[sets * ways];
    }

    @Override
    void touch(int slot) {
        pointAway(slot);
    }

    @Override
    void fill(int slot) {
        pointAway(slot);
    }

    private void pointAway(int slot) {
        int way = slot & (ways - 1);
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
        int base = set * ways;
        int node = 1;
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
