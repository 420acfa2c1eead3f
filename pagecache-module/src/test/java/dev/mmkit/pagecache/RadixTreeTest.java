package dev.mmkit.pagecache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mmkit.api.slab.KmemCache;
import dev.mmkit.machine.StandaloneMachine;
import dev.mmkit.paging.TestMachine;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

// The tagged radix tree against lib/radix-tree.c's rules: 64-way nodes, height by the largest index, tags upwards.
class RadixTreeTest {
    private KmemCache nodes;
    private RadixTree tree;

    @BeforeEach
    void setUp() {
        StandaloneMachine m = TestMachine.build("mmkit.machine.memory.size = 8MiB\nmmkit.machine.zones = [ { name = Normal } ]");
        nodes = m.slab().createCache("radix_tree_node", RadixTree.NODE_SIZE, 8, 0, null);
        tree = new RadixTree(nodes);
    }

    private void put(long index, long pfn) {
        assertThat(tree.preload()).isTrue();
        tree.insert(index, pfn);
    }

    @Test
    void heightGrowsAndShrinksWithTheLargestIndex() {
        // radix_tree_maxindex: 64^h - 1
        assertThat(RadixTree.maxIndex(1)).isEqualTo(63);
        assertThat(RadixTree.maxIndex(2)).isEqualTo(4095);
        assertThat(RadixTree.maxIndex(3)).isEqualTo(262_143);
        assertThat(tree.height()).isZero();
        put(0, 100);
        assertThat(tree.height()).isEqualTo(1);
        put(63, 101);
        assertThat(tree.height()).isEqualTo(1);
        put(64, 102);
        assertThat(tree.height()).isEqualTo(2);
        put(262_144, 103);
        assertThat(tree.height()).isEqualTo(4);
        // root, its slot-0 chain down to the leaves of 0..63 and 64..127, and the chain to 262144:
        // root(h4) → [0] h3 → [0] h2 → leaves {0-63},{64-127}; root → [1] h3 → [0] h2 → leaf
        assertThat(tree.nodes()).isEqualTo(1 + 2 + 2 + 3);
        assertThat(tree.verify()).isEqualTo(4);
        assertThat(tree.delete(262_144)).isEqualTo(103);
        assertThat(tree.height()).isEqualTo(2);
        assertThat(tree.nodes()).isEqualTo(3);
        assertThat(tree.delete(64)).isEqualTo(102);
        assertThat(tree.height()).isEqualTo(1);
        assertThat(tree.delete(0)).isEqualTo(100);
        assertThat(tree.delete(63)).isEqualTo(101);
        assertThat(tree.height()).isZero();
        assertThat(tree.nodes()).isZero();
        assertThat(tree.verify()).isZero();
    }

    @Test
    void nodesAreSlabObjects() {
        for (int i = 0; i < 4096; i++) {
            put(i, i);
        }
        // 64 leaves and one root, plus the preload pool of PRELOAD_SIZE nodes
        assertThat(tree.nodes()).isEqualTo(65);
        assertThat(nodes.activeObjects()).isEqualTo(65 + RadixTree.PRELOAD_SIZE);
        tree.destroy();
        assertThat(nodes.activeObjects()).isZero();
    }

    @Test
    void lookupFindsWhatWasInsertedAndNothingElse() {
        put(5, 50);
        put(70_000, 7);
        assertThat(tree.lookup(5)).isEqualTo(50);
        assertThat(tree.lookup(70_000)).isEqualTo(7);
        assertThat(tree.lookup(6)).isEqualTo(-1);
        assertThat(tree.lookup(1L << 40)).isEqualTo(-1);
        assertThat(tree.lookup(-1)).isEqualTo(-1);
        assertThatThrownBy(() -> put(5, 51)).isInstanceOf(IllegalStateException.class).hasMessageContaining("index 5: already present");
        assertThat(tree.lookup(5)).isEqualTo(50);
    }

    @Test
    void tagsPropagateUpAndClearWhenTheLastGoes() {
        put(3, 1);
        put(5000, 2);
        assertThat(tree.tagged(RadixTree.TAG_DIRTY)).isFalse();
        tree.tagSet(5000, RadixTree.TAG_DIRTY);
        assertThat(tree.tagged(RadixTree.TAG_DIRTY)).isTrue();
        assertThat(tree.tagGet(5000, RadixTree.TAG_DIRTY)).isTrue();
        assertThat(tree.tagGet(3, RadixTree.TAG_DIRTY)).isFalse();
        tree.tagSet(3, RadixTree.TAG_DIRTY);
        tree.verify();
        tree.tagClear(5000, RadixTree.TAG_DIRTY);
        assertThat(tree.tagged(RadixTree.TAG_DIRTY)).isTrue();
        tree.tagClear(3, RadixTree.TAG_DIRTY);
        assertThat(tree.tagged(RadixTree.TAG_DIRTY)).isFalse();
        tree.tagSet(3, RadixTree.TAG_WRITEBACK);
        assertThat(tree.delete(3)).isEqualTo(1);
        assertThat(tree.tagged(RadixTree.TAG_WRITEBACK)).isFalse();
        tree.verify();
    }

    @Test
    void gangLookupByTagSkipsCleanSubtrees() {
        for (int i = 0; i < 64 * 64; i++) {
            put(i, i + 1000);
        }
        tree.tagSet(4000, RadixTree.TAG_DIRTY);
        long[] idx = new long[16];
        long[] pfn = new long[16];
        tree.nodesVisited = 0;
        assertThat(tree.gangLookup(0, RadixTree.TAG_DIRTY, idx, pfn, 16)).isEqualTo(1);
        assertThat(idx[0]).isEqualTo(4000);
        assertThat(pfn[0]).isEqualTo(5000);
        // the root and the one leaf with the tag: 63 clean leaves are never entered
        assertThat(tree.nodesVisited).isEqualTo(2);
        // untagged: in index order from a start, bounded by max
        assertThat(tree.gangLookup(4090, RadixTree.PRESENT, idx, pfn, 16)).isEqualTo(6);
        assertThat(idx[0]).isEqualTo(4090);
        assertThat(idx[5]).isEqualTo(4095);
        assertThat(tree.gangLookup(10, RadixTree.PRESENT, idx, pfn, 3)).isEqualTo(3);
        assertThat(idx).startsWith(10, 11, 12);
    }

    @Test
    void randomOperationsMatchASortedMap() {
        SplittableRandom rnd = new SplittableRandom(7);
        TreeMap<Long, Long> shadow = new TreeMap<>();
        TreeSet<Long> dirty = new TreeSet<>();
        long[] idx = new long[64];
        long[] pfn = new long[64];
        for (int op = 0; op < 20_000; op++) {
            long index = rnd.nextInt(4) == 0 ? rnd.nextLong(1L << 30) : rnd.nextLong(10_000);
            switch (rnd.nextInt(5)) {
                case 0, 1 -> {
                    if (!shadow.containsKey(index)) {
                        put(index, op);
                        shadow.put(index, (long) op);
                    }
                }
                case 2 -> {
                    Long old = shadow.remove(index);
                    assertThat(tree.delete(index)).isEqualTo(old == null ? -1 : old);
                    dirty.remove(index);
                }
                case 3 -> {
                    Map.Entry<Long, Long> e = shadow.ceilingEntry(index);
                    if (e != null) {
                        tree.tagSet(e.getKey(), RadixTree.TAG_DIRTY);
                        dirty.add(e.getKey());
                    }
                }
                default -> {
                    int n = tree.gangLookup(index, RadixTree.TAG_DIRTY, idx, pfn, 64);
                    Long[] expected = dirty.tailSet(index).stream().limit(64).toArray(Long[]::new);
                    assertThat(n).isEqualTo(expected.length);
                    for (int i = 0; i < n; i++) {
                        assertThat(idx[i]).isEqualTo(expected[i]);
                        assertThat(pfn[i]).isEqualTo(shadow.get(expected[i]));
                    }
                }
            }
            if (op % 1000 == 0) {
                assertThat(tree.verify()).isEqualTo(shadow.size());
                long max = shadow.isEmpty() ? -1 : shadow.lastKey();
                int h = 0;
                while (RadixTree.maxIndex(h) < max) {
                    h++;
                }
                // the height is the least that reaches the largest index
                assertThat(tree.height()).isEqualTo(shadow.isEmpty() ? 0 : Math.max(1, h));
            }
        }
        for (Map.Entry<Long, Long> e : shadow.entrySet()) {
            assertThat(tree.lookup(e.getKey())).isEqualTo(e.getValue());
        }
    }
}
