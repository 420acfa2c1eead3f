package dev.mmkit.pagecache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.slab.KmemCache;
import dev.mmkit.machine.StandaloneMachine;
import dev.mmkit.paging.TestMachine;
import org.junit.jupiter.api.Test;

// RadixTree's own comment: preload allocates before an insert because "the allocation (which may reclaim,
// and reclaim may delete from this very tree)". A delete that frees a node while preload is filling the
// pool hands that node to the pool; preload must not then write past the pool's end.
class RadixTreePreloadReclaimTest {
    /** The real cache, whose next allocation first runs {@code reclaim} (as a slab page allocation may). */
    static final class ReclaimingCache implements KmemCache {
        final KmemCache real;
        Runnable reclaim;

        ReclaimingCache(KmemCache real) {
            this.real = real;
        }

        @Override public String name() { return real.name(); }
        @Override public int objectSize() { return real.objectSize(); }
        @Override public int slotSize() { return real.slotSize(); }
        @Override public int flags() { return real.flags(); }

        @Override
        public long alloc(int gfp) {
            Runnable r = reclaim;
            reclaim = null;
            if (r != null) {
                r.run();
            }
            return real.alloc(gfp);
        }

        @Override public void free(long objp) { real.free(objp); }
        @Override public long shrink() { return real.shrink(); }
        @Override public long activeObjects() { return real.activeObjects(); }
        @Override public long totalObjects() { return real.totalObjects(); }
        @Override public int objectsPerSlab() { return real.objectsPerSlab(); }
        @Override public int pagesPerSlab() { return real.pagesPerSlab(); }
        @Override public long activeSlabs() { return real.activeSlabs(); }
        @Override public long totalSlabs() { return real.totalSlabs(); }
        @Override public void verify() { real.verify(); }
    }

    @Test
    void aDeleteDuringPreloadsAllocationDoesNotOverflowThePool() {
        StandaloneMachine m = TestMachine.build("mmkit.machine.memory.size = 8MiB\nmmkit.machine.zones = [ { name = Normal } ]");
        ReclaimingCache cache = new ReclaimingCache(m.slab().createCache("radix_tree_node", RadixTree.NODE_SIZE, 8, 0, null));
        RadixTree tree = new RadixTree(cache);
        assertThat(tree.preload()).isTrue();
        tree.insert(0, 10);
        tree.insert(100, 11); // height 2: a root and two leaves
        long objects = cache.activeObjects();
        assertThat(tree.preload()).isTrue(); // the pool full again
        tree.delete(0); // leaf 0 freed (to the slab: the pool is full)
        tree.insert(0, 10); // a new leaf from the pool: one short
        // preload's one allocation reclaims page 100: its leaf, then the root (shrink) go to the pool first
        cache.reclaim = () -> tree.delete(100);
        assertThat(tree.preload()).isTrue();
        assertThat(tree.verify()).isEqualTo(1);
        assertThat(tree.lookup(0)).isEqualTo(10);
        tree.destroy();
        assertThat(cache.activeObjects()).isZero();
        assertThat(objects).isPositive();
    }
}
