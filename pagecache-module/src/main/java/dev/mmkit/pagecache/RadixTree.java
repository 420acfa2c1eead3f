package dev.mmkit.pagecache;

import dev.mmkit.api.hw.Page;
import dev.mmkit.api.page.Gfp;
import dev.mmkit.api.slab.KmemCache;

/**
 * The page cache's index: a tagged radix tree from page index to pfn, after Linux's
 * {@code lib/radix-tree.c} (2.6 to 4.19, before the XArray).
 *
 * <h2>Layout</h2>
 * <pre>
 *  height 2: root ──► node [64 slots]                     covers index 0 .. 64²−1
 *                      │ slot = (index >>> 6) &amp; 63
 *                      ▼
 *                     node [64 slots] ──► pfn             slot = index &amp; 63
 * </pre>
 * Every node has {@code RADIX_TREE_MAP_SIZE} = 2^{@value #MAP_SHIFT} = 64 slots. A tree of
 * height h covers indices 0 .. 64^h − 1 ({@code radix_tree_maxindex}); an empty tree has
 * height 0 and no node. Interior nodes hold child nodes, leaves (the nodes at height 1)
 * hold items: pfns, kept as pfn + 1 so that 0 means an empty slot.
 *
 * <h2>Tags</h2>
 * Each node keeps one 64-bit word per tag ({@link #TAG_DIRTY}, {@link #TAG_WRITEBACK}):
 * bit i is set when slot i holds a tagged item (leaf) or a child with any item so tagged
 * (interior). Setting a tag sets the bit on the whole path from the root; clearing it
 * clears upwards while a node's word becomes 0 ({@code radix_tree_tag_clear}). A gang
 * lookup by tag therefore descends only into subtrees whose bit is set and skips clean
 * ones. A third word, {@code present}, marks the occupied slots: it serves the untagged
 * gang lookup and counts the node's items ({@code count}).
 *
 * <h2>Operations</h2>
 * <ol>
 *   <li>[insert(index, pfn)] {@code radix_tree_extend}: while the index is beyond the
 *       height's reach, a new root takes the old one as slot 0 (carrying its tags up) and
 *       the height grows by one. Then descend, creating missing nodes.</li>
 *   <li>[delete(index)] clear the item and its tags; free every node left empty on the
 *       way up; then {@code radix_tree_shrink}: while the root has only slot 0 used, its
 *       child becomes the root and the height drops by one.</li>
 *   <li>[lookup(index)] one slot per level: {@code (index >>> shift) & 63}, shift from
 *       6 × (height − 1) down to 0; no allocation.</li>
 * </ol>
 *
 * <h2>Memory</h2>
 * Nodes are objects of the slab cache {@code radix_tree_node} (576 bytes, Linux's
 * {@code struct radix_tree_node} on x86-64), so they show in {@code /proc/slabinfo} and
 * meminfo's Slab. As {@code radix_tree_preload} does, {@link #preload} fills a small pool
 * of nodes <em>before</em> an insert starts, so that the allocation (which may reclaim,
 * and reclaim may delete from this very tree) never happens in the middle of one.
 */
final class RadixTree {
    static final int MAP_SHIFT = 6;
    static final int MAP_SIZE = 1 << MAP_SHIFT;
    static final int MAP_MASK = MAP_SIZE - 1;
    /** Pages differing from the file. */
    static final int TAG_DIRTY = 0;
    /** Pages being written. */
    static final int TAG_WRITEBACK = 1;
    /** Not a tag: the occupied slots (used by the untagged gang lookup). */
    static final int PRESENT = 2;
    /** The largest index a page cache uses: the last page of a file of {@code Long.MAX_VALUE} bytes. */
    static final long MAX_INDEX = Long.MAX_VALUE >>> Page.SHIFT;
    /** Height enough for {@link #MAX_INDEX} (51 bits → 9 levels of 6). */
    static final int MAX_HEIGHT = 9;
    /** {@code sizeof(struct radix_tree_node)} on x86-64. */
    static final int NODE_SIZE = 576;
    /**
     * {@code RADIX_TREE_PRELOAD_SIZE} ({@code RADIX_TREE_MAX_PATH * 2 - 1}): the nodes one insert
     * may need at worst: growing a tree of height 1 to {@link #MAX_HEIGHT} takes
     * {@code MAX_HEIGHT - 1} new roots, and the path from the new root down to the leaf
     * {@code MAX_HEIGHT - 1} more.
     */
    static final int PRELOAD_SIZE = 2 * MAX_HEIGHT - 1;

    /** {@code struct radix_tree_node}. */
    static final class Node {
        /** The node's slab object (physical address). */
        final long objp;
        /** Occupied slots. */
        int count;
        long dirty;
        long writeback;
        long present;
        /** Children (interior nodes) or null. */
        Node[] children;
        /** pfn + 1 per slot (leaves) or null. */
        long[] items;

        Node(long objp) {
            this.objp = objp;
        }

        long bits(int tag) {
            return tag == TAG_DIRTY ? dirty : tag == TAG_WRITEBACK ? writeback : present;
        }

        void setBits(int tag, long value) {
            if (tag == TAG_DIRTY) {
                dirty = value;
            } else if (tag == TAG_WRITEBACK) {
                writeback = value;
            } else {
                present = value;
            }
        }
    }

    private final KmemCache nodeCache;
    private Node root;
    private int height;
    private long maxIndex = -1;
    private long nodes;
    /** Nodes the gang lookups entered (a test sees that clean subtrees are skipped). */
    long nodesVisited;
    private final Node[] pool = new Node[PRELOAD_SIZE];
    private int poolSize;
    // the path of the last descent (reused: no allocation per operation)
    private final Node[] path = new Node[MAX_HEIGHT + 1];
    private final int[] offsets = new int[MAX_HEIGHT + 1];

    /** @param nodeCache the {@code radix_tree_node} slab cache nodes come from */
    RadixTree(KmemCache nodeCache) {
        this.nodeCache = nodeCache;
    }

    /** {@code radix_tree_maxindex(height)}: the largest index a tree of this height holds. */
    static long maxIndex(int height) {
        return height == 0 ? -1 : height * MAP_SHIFT >= 63 ? Long.MAX_VALUE : (1L << (height * MAP_SHIFT)) - 1;
    }

    int height() {
        return height;
    }

    /** Nodes in the tree (not counting the preload pool). */
    long nodes() {
        return nodes;
    }

    // ------------------------------------------------------------------ lookup

    /** {@code radix_tree_lookup}: the pfn at {@code index}, or −1. */
    long lookup(long index) {
        Node n = root;
        if (n == null || index > maxIndex || index < 0) {
            return -1;
        }
        for (int shift = (height - 1) * MAP_SHIFT; shift > 0; shift -= MAP_SHIFT) {
            n = n.children[(int) (index >>> shift) & MAP_MASK];
            if (n == null) {
                return -1;
            }
        }
        return n.items[(int) index & MAP_MASK] - 1;
    }

    // ------------------------------------------------------------------ insert

    /**
     * {@code radix_tree_preload}: makes sure the pool holds enough nodes for one insert at
     * any index. Returns false when the slab cache could not give them.
     */
    boolean preload() {
        while (poolSize < pool.length) {
            long objp = nodeCache.alloc(Gfp.GFP_KERNEL);
            if (objp == 0) {
                return false;
            }
            if (poolSize == pool.length) {
                // the allocation reclaimed, and a delete from this very tree refilled the pool meanwhile
                nodeCache.free(objp);
                break;
            }
            pool[poolSize++] = new Node(objp);
        }
        return true;
    }

    private Node newNode(boolean leaf) {
        if (poolSize == 0) {
            throw new IllegalStateException("radix tree insert without preload");
        }
        Node n = pool[--poolSize];
        pool[poolSize] = null;
        if (leaf) {
            n.items = new long[MAP_SIZE];
        } else {
            n.children = new Node[MAP_SIZE];
        }
        nodes++;
        return n;
    }

    private void freeNode(Node n) {
        nodes--;
        if (poolSize < pool.length) {
            n.count = 0;
            n.dirty = 0;
            n.writeback = 0;
            n.present = 0;
            n.children = null;
            n.items = null;
            pool[poolSize++] = n;
        } else {
            nodeCache.free(n.objp);
        }
    }

    /**
     * {@code radix_tree_insert}: maps {@code index} to {@code pfn}. The caller has preloaded.
     *
     * @throws IllegalStateException when the index is already present ({@code -EEXIST})
     */
    void insert(long index, long pfn) {
        if (index < 0 || index > MAX_INDEX) {
            throw new IllegalArgumentException("index: " + index + " (expected: 0-" + MAX_INDEX + ")");
        }
        if (pfn < 0) {
            throw new IllegalArgumentException("pfn: " + pfn + " (expected: >= 0)");
        }
        extend(index);
        Node n = root;
        for (int shift = (height - 1) * MAP_SHIFT; shift > 0; shift -= MAP_SHIFT) {
            int off = (int) (index >>> shift) & MAP_MASK;
            Node child = n.children[off];
            if (child == null) {
                child = newNode(shift == MAP_SHIFT);
                n.children[off] = child;
                n.count++;
                n.present |= 1L << off;
            }
            n = child;
        }
        int off = (int) index & MAP_MASK;
        if (n.items[off] != 0) {
            throw new IllegalStateException("index " + index + ": already present (pfn " + Page.hex(n.items[off] - 1) + ")");
        }
        n.items[off] = pfn + 1;
        n.count++;
        n.present |= 1L << off;
    }

    /** {@code radix_tree_extend}: grows the tree until it reaches {@code index}. */
    private void extend(long index) {
        if (root == null) {
            height = 1;
            while (index > maxIndex(height)) {
                height++;
            }
            maxIndex = maxIndex(height);
            root = newNode(height == 1);
            return;
        }
        while (index > maxIndex) {
            Node top = newNode(false);
            top.children[0] = root;
            top.count = 1;
            top.present = 1;
            for (int tag = TAG_DIRTY; tag <= TAG_WRITEBACK; tag++) {
                if (root.bits(tag) != 0) {
                    top.setBits(tag, 1);
                }
            }
            root = top;
            height++;
            maxIndex = maxIndex(height);
        }
    }

    // ------------------------------------------------------------------ delete

    /** Descends to the leaf holding {@code index}, filling {@link #path}; the leaf, or null. */
    private Node descend(long index) {
        Node n = root;
        if (n == null || index > maxIndex || index < 0) {
            return null;
        }
        int level = 0;
        for (int shift = (height - 1) * MAP_SHIFT; shift > 0; shift -= MAP_SHIFT) {
            int off = (int) (index >>> shift) & MAP_MASK;
            path[level] = n;
            offsets[level] = off;
            level++;
            n = n.children[off];
            if (n == null) {
                return null;
            }
        }
        path[level] = n;
        offsets[level] = (int) index & MAP_MASK;
        return n.items[offsets[level]] == 0 ? null : n;
    }

    /** {@code radix_tree_delete}: removes {@code index}; returns its pfn, or −1 when absent. */
    long delete(long index) {
        Node leaf = descend(index);
        if (leaf == null) {
            return -1;
        }
        int level = height - 1;
        int off = offsets[level];
        long pfn = leaf.items[off] - 1;
        leaf.items[off] = 0;
        for (int tag = TAG_DIRTY; tag <= TAG_WRITEBACK; tag++) {
            if ((leaf.bits(tag) & (1L << off)) != 0) {
                clearUp(level, tag);
            }
        }
        // free nodes left empty, bottom up
        while (true) {
            Node n = path[level];
            n.count--;
            n.present &= ~(1L << offsets[level]);
            if (n.count > 0) {
                break;
            }
            if (level == 0) {
                freeNode(n);
                root = null;
                height = 0;
                maxIndex = -1;
                return pfn;
            }
            freeNode(n);
            level--;
            path[level].children[offsets[level]] = null;
        }
        shrink();
        return pfn;
    }

    /** {@code radix_tree_shrink}: while only slot 0 of the root is used, its child becomes the root. */
    private void shrink() {
        while (height > 1 && root.count == 1 && root.children[0] != null) {
            Node old = root;
            root = old.children[0];
            freeNode(old);
            height--;
            maxIndex = maxIndex(height);
        }
    }

    // ------------------------------------------------------------------ tags

    /** {@code radix_tree_tag_set}: tags the item at {@code index} and every node above it; false when absent. */
    boolean tagSet(long index, int tag) {
        Node leaf = descend(index);
        if (leaf == null) {
            return false;
        }
        for (int level = height - 1; level >= 0; level--) {
            Node n = path[level];
            long bit = 1L << offsets[level];
            long bits = n.bits(tag);
            if ((bits & bit) != 0) {
                break;
            }
            n.setBits(tag, bits | bit);
        }
        return true;
    }

    /** {@code radix_tree_tag_clear}: clears the tag of {@code index}, and upwards while nodes lose their last. */
    void tagClear(long index, int tag) {
        Node leaf = descend(index);
        if (leaf != null) {
            clearUp(height - 1, tag);
        }
    }

    private void clearUp(int level, int tag) {
        for (; level >= 0; level--) {
            Node n = path[level];
            long bits = n.bits(tag) & ~(1L << offsets[level]);
            n.setBits(tag, bits);
            if (bits != 0) {
                return;
            }
        }
    }

    /** {@code radix_tree_tag_get}. */
    boolean tagGet(long index, int tag) {
        Node leaf = descend(index);
        return leaf != null && (leaf.bits(tag) & (1L << offsets[height - 1])) != 0;
    }

    /** {@code radix_tree_tagged}: whether any item carries the tag (the root's word). */
    boolean tagged(int tag) {
        return root != null && root.bits(tag) != 0;
    }

    // ------------------------------------------------------------------ gang lookups

    /**
     * {@code radix_tree_gang_lookup_tag}: up to {@code max} items at or after {@code first}
     * carrying {@code tag} ({@link #PRESENT} for every item), in index order; their indices
     * and pfns go to the arrays. Subtrees whose tag bit is clear are never entered.
     *
     * @return how many were found
     */
    int gangLookup(long first, int tag, long[] indices, long[] pfns, int max) {
        if (root == null || first > maxIndex || max <= 0) {
            return 0;
        }
        return gang(root, (height - 1) * MAP_SHIFT, 0, Math.max(0, first), tag, indices, pfns, max, 0);
    }

    private int gang(Node n, int shift, long base, long from, int tag, long[] indices, long[] pfns, int max, int found) {
        nodesVisited++;
        int off = from <= base ? 0 : (int) ((from - base) >>> shift);
        long bits = n.bits(tag) & (-1L << off);
        while (bits != 0 && found < max) {
            int i = Long.numberOfTrailingZeros(bits);
            bits &= bits - 1;
            long slotBase = base + ((long) i << shift);
            if (shift == 0) {
                indices[found] = slotBase;
                pfns[found] = n.items[i] - 1;
                found++;
            } else {
                found = gang(n.children[i], shift - MAP_SHIFT, slotBase, from, tag, indices, pfns, max, found);
            }
        }
        return found;
    }

    // ------------------------------------------------------------------ invariants

    /**
     * Re-derives every invariant: counts and present bits match the slots, each tag bit of
     * an interior node is set exactly when its child has that tag, no node below the root is
     * empty, the height is the least that reaches the largest index (or the root has more
     * than slot 0 used), and the node count.
     *
     * @return the number of items
     */
    long verify() {
        if (root == null) {
            if (height != 0 || nodes != 0) {
                throw new IllegalStateException("radix tree: empty but height " + height + ", " + nodes + " nodes");
            }
            return 0;
        }
        if (height > 1 && root.count == 1 && root.children[0] != null) {
            throw new IllegalStateException("radix tree: height " + height + " with only slot 0 used at the root (not shrunk)");
        }
        long[] counted = new long[2];
        verify(root, height - 1, counted, true);
        if (counted[1] != nodes) {
            throw new IllegalStateException("radix tree: " + nodes + " nodes counted but " + counted[1] + " reachable");
        }
        return counted[0];
    }

    private static void verify(Node n, int level, long[] counted, boolean isRoot) {
        counted[1]++;
        int used = 0;
        long present = 0;
        long[] tags = new long[2];
        for (int i = 0; i < MAP_SIZE; i++) {
            boolean occupied;
            if (level == 0) {
                occupied = n.items[i] != 0;
                if (occupied) {
                    counted[0]++;
                }
            } else {
                Node c = n.children[i];
                occupied = c != null;
                if (occupied) {
                    verify(c, level - 1, counted, false);
                    for (int tag = TAG_DIRTY; tag <= TAG_WRITEBACK; tag++) {
                        if (c.bits(tag) != 0) {
                            tags[tag] |= 1L << i;
                        }
                    }
                }
            }
            if (occupied) {
                used++;
                present |= 1L << i;
            }
        }
        if (used != n.count || present != n.present) {
            throw new IllegalStateException("radix tree node at level " + level + ": count " + n.count + " but " + used + " slots used");
        }
        if (used == 0 && !isRoot) {
            throw new IllegalStateException("radix tree node at level " + level + ": empty but still linked");
        }
        for (int tag = TAG_DIRTY; tag <= TAG_WRITEBACK; tag++) {
            if ((n.bits(tag) & ~present) != 0) {
                throw new IllegalStateException("radix tree node at level " + level + ": tag " + tag + " set on an empty slot");
            }
            if (level > 0 && n.bits(tag) != tags[tag]) {
                throw new IllegalStateException("radix tree node at level " + level + ": tag " + tag + " word "
                    + Long.toHexString(n.bits(tag)) + " but children say " + Long.toHexString(tags[tag]));
            }
        }
    }

    /** Frees every node (the pool too) back to the slab cache. */
    void destroy() {
        if (root != null) {
            free(root, height - 1);
            root = null;
        }
        height = 0;
        maxIndex = -1;
        nodes = 0;
        while (poolSize > 0) {
            nodeCache.free(pool[--poolSize].objp);
            pool[poolSize] = null;
        }
    }

    private void free(Node n, int level) {
        if (level > 0) {
            for (Node c : n.children) {
                if (c != null) {
                    free(c, level - 1);
                }
            }
        }
        nodeCache.free(n.objp);
    }
}
