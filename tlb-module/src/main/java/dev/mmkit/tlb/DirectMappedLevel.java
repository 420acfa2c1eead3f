package dev.mmkit.tlb;

/**
 * A direct-mapped TLB level: as many sets as entries, one way each; the low page-number
 * bits name the only entry a page may use. One tag compare, no replacement decision: the
 * cheapest and fastest organisation, used for the tiny "TLB slice" in front of a larger
 * TLB (Taylor, Atkinson and Chinnaswamy, <i>The TLB slice — a low-cost high-speed address
 * translation mechanism</i>, ISCA 1990).
 *
 * <pre>
 *   vaddr:  | page number ........ | index (log2 entries bits) | page offset |
 *   entry[index]: one tag compare with the key
 * </pre>
 *
 * <h2>Algorithm</h2>
 * <ul>
 *   <li>[find]: {@code slot = page number & (entries − 1)}; compare its tag.</li>
 *   <li>[victim]: that slot. Two pages with the same index evict each other on every
 *       alternation (conflict misses), however empty the rest of the TLB is.</li>
 * </ul>
 */
final class DirectMappedLevel extends TlbLevel {
    DirectMappedLevel(String name, int entries) {
        super(name, entries, 1);
        if (Integer.bitCount(entries) != 1) {
            throw new IllegalArgumentException("entries: " + entries + " (expected: a power of two)");
        }
    }

    @Override
    int find(int set, long key, long globalKey) {
        long t = tag[set];
        return t == key || t == globalKey ? set : -1;
    }

    @Override
    int victim(int set) {
        return set;
    }

    @Override
    void touched(int set, int slot) {
        // One way: nothing to order.
    }

    @Override
    void filled(int set, int slot) {
        // Nothing to order.
    }

    @Override
    String organisation() {
        return "direct-mapped";
    }

    @Override
    String replacement() {
        return "none";
    }
}
