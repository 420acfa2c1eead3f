package dev.mmkit.pagecache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.slab.KmemCache;
import dev.mmkit.machine.StandaloneMachine;
import dev.mmkit.paging.TestMachine;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

// The tagged radix tree against a TreeMap model: every operation, heights growing and shrinking, verify() after each step.
class RadixTreeModelFuzzTest {
    static final class Item {
        long pfn;
        boolean dirty;
        boolean wb;

        Item(long pfn) {
            this.pfn = pfn;
        }
    }

    static java.util.stream.LongStream seeds() {
        return java.util.stream.LongStream.rangeClosed(1, Long.getLong("fuzz.seeds", 4));
    }

    private long randomIndex(SplittableRandom rnd, TreeMap<Long, Item> model) {
        int k = rnd.nextInt(10);
        if (k < 3 && !model.isEmpty()) {
            // an existing key, or near one
            long base = model.ceilingKey(rnd.nextLong(model.lastKey() + 1));
            return Math.max(0, Math.min(RadixTree.MAX_INDEX, base + rnd.nextInt(5) - 2));
        }
        if (k < 6) {
            return rnd.nextInt(200);
        }
        if (k < 8) {
            return rnd.nextInt(70_000);
        }
        int bits = 1 + rnd.nextInt(51);
        long v = rnd.nextLong() & ((1L << bits) - 1);
        return Math.min(v, RadixTree.MAX_INDEX);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void treeMatchesModel(long seed) {
        StandaloneMachine m = TestMachine.build("mmkit.machine.memory.size = 64MiB\nmmkit.machine.zones = [ { name = Normal } ]");
        KmemCache cache = m.slab().createCache("radix_tree_node", RadixTree.NODE_SIZE, 8, 0, null);
        RadixTree tree = new RadixTree(cache);
        TreeMap<Long, Item> model = new TreeMap<>();
        SplittableRandom rnd = new SplittableRandom(seed);
        long[] idx = new long[64];
        long[] pfns = new long[64];
        List<String> log = new ArrayList<>();
        for (int op = 0; op < Integer.getInteger("fuzz.ops", 5000); op++) {
            int k = rnd.nextInt(100);
            long index = randomIndex(rnd, model);
            String what;
            try {
                if (k < 30) {
                    what = "insert " + index;
                    log.add(what);
                    long pfn = rnd.nextLong(1L << 40);
                    assertThat(tree.preload()).isTrue();
                    if (model.containsKey(index)) {
                        boolean threw = false;
                        try {
                            tree.insert(index, pfn);
                        } catch (IllegalStateException e) {
                            threw = true;
                        }
                        assertThat(threw).as(what + " twice").isTrue();
                    } else {
                        tree.insert(index, pfn);
                        model.put(index, new Item(pfn));
                    }
                } else if (k < 50) {
                    what = "delete " + index;
                    log.add(what);
                    Item it = model.remove(index);
                    assertThat(tree.delete(index)).as(what).isEqualTo(it == null ? -1 : it.pfn);
                } else if (k < 60) {
                    what = "lookup " + index;
                    Item it = model.get(index);
                    assertThat(tree.lookup(index)).as(what).isEqualTo(it == null ? -1 : it.pfn);
                } else if (k < 75) {
                    int tag = rnd.nextInt(2);
                    what = "tagSet " + index + " " + tag;
                    log.add(what);
                    Item it = model.get(index);
                    assertThat(tree.tagSet(index, tag)).as(what).isEqualTo(it != null);
                    if (it != null) {
                        if (tag == 0) {
                            it.dirty = true;
                        } else {
                            it.wb = true;
                        }
                    }
                } else if (k < 88) {
                    int tag = rnd.nextInt(2);
                    what = "tagClear " + index + " " + tag;
                    log.add(what);
                    tree.tagClear(index, tag);
                    Item it = model.get(index);
                    if (it != null) {
                        if (tag == 0) {
                            it.dirty = false;
                        } else {
                            it.wb = false;
                        }
                    }
                } else {
                    int tag = rnd.nextInt(3);
                    int max = 1 + rnd.nextInt(64);
                    long first = rnd.nextInt(4) == 0 ? rnd.nextLong(-5, Long.MAX_VALUE) : index;
                    what = "gang " + first + " tag " + tag + " max " + max;
                    int n = tree.gangLookup(first, tag, idx, pfns, max);
                    List<Long> exp = new ArrayList<>();
                    for (Map.Entry<Long, Item> e : model.tailMap(Math.max(0, first), true).entrySet()) {
                        if (exp.size() == max) {
                            break;
                        }
                        Item it = e.getValue();
                        if (tag == 2 || (tag == 0 && it.dirty) || (tag == 1 && it.wb)) {
                            exp.add(e.getKey());
                        }
                    }
                    assertThat(n).as(what).isEqualTo(exp.size());
                    for (int i = 0; i < n; i++) {
                        assertThat(idx[i]).as(what + " #" + i).isEqualTo(exp.get(i));
                        assertThat(pfns[i]).as(what + " #" + i).isEqualTo(model.get(exp.get(i)).pfn);
                    }
                }
                for (int t = 0; t < 2; t++) {
                    boolean any = false;
                    for (Item it : model.values()) {
                        any |= t == 0 ? it.dirty : it.wb;
                    }
                    assertThat(tree.tagged(t)).as("tagged " + t + " after " + what).isEqualTo(any);
                }
                Long probe = model.isEmpty() ? null : model.floorKey(index);
                if (probe != null) {
                    Item it = model.get(probe);
                    assertThat(tree.tagGet(probe, 0)).isEqualTo(it.dirty);
                    assertThat(tree.tagGet(probe, 1)).isEqualTo(it.wb);
                }
                assertThat(tree.verify()).as("items after " + what).isEqualTo(model.size());
                long want = model.isEmpty() ? 0 : heightFor(model.lastKey());
                assertThat(tree.height()).as("height after " + what).isEqualTo((int) want);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("seed " + seed + " op " + op + " last: "
                    + log.subList(Math.max(0, log.size() - 10), log.size()), e);
            }
        }
        tree.destroy();
        assertThat(cache.activeObjects()).isZero();
    }

    static int heightFor(long index) {
        int h = 1;
        while (index > RadixTree.maxIndex(h)) {
            h++;
        }
        return h;
    }
}
