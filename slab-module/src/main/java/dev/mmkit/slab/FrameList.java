package dev.mmkit.slab;

import java.util.Arrays;

/**
 * A doubly linked list of slabs threaded through per-frame link arrays, as Linux threads
 * slabs through {@code page->slab_list}: SLUB's per-node partial list, SLOB's
 * small/medium/large page lists. The links of all lists of one allocator share one pair
 * of arrays ({@link Links}), indexed by the slab's first pfn; a slab is on at most one
 * list. {@code -1} ends a list.
 */
final class FrameList {
    /** The link arrays: {@code next[pfn]}, {@code prev[pfn]}, and whether a pfn is on a list. */
    static final class Links {
        private int[] next = new int[0];
        private int[] prev = new int[0];
        private boolean[] linked = new boolean[0];

        /** Makes room for frames up to {@code nrFrames}. */
        void ensure(long nrFrames) {
            if (next.length < nrFrames) {
                int n = (int) nrFrames;
                int old = next.length;
                next = Arrays.copyOf(next, n);
                prev = Arrays.copyOf(prev, n);
                linked = Arrays.copyOf(linked, n);
                Arrays.fill(next, old, n, -1);
                Arrays.fill(prev, old, n, -1);
            }
        }

        boolean isLinked(long pfn) {
            return pfn < linked.length && linked[(int) pfn];
        }
    }

    private final Links links;
    private final String name;
    private int head = -1;
    private int tail = -1;
    private int count;

    FrameList(Links links, String name) {
        this.links = links;
        this.name = name;
    }

    int count() {
        return count;
    }

    /** The first slab, or -1. */
    long first() {
        return head;
    }

    /** The slab after {@code pfn}, or -1. */
    long next(long pfn) {
        return links.next[(int) pfn];
    }

    void addHead(long pfn) {
        int p = check(pfn);
        links.prev[p] = -1;
        links.next[p] = head;
        if (head >= 0) {
            links.prev[head] = p;
        } else {
            tail = p;
        }
        head = p;
        count++;
    }

    void addTail(long pfn) {
        int p = check(pfn);
        links.next[p] = -1;
        links.prev[p] = tail;
        if (tail >= 0) {
            links.next[tail] = p;
        } else {
            head = p;
        }
        tail = p;
        count++;
    }

    private int check(long pfn) {
        int p = (int) pfn;
        if (links.linked[p]) {
            throw new IllegalStateException("page 0x" + Long.toHexString(pfn) + ": already on a slab list (adding to " + name + ")");
        }
        links.linked[p] = true;
        return p;
    }

    void remove(long pfn) {
        int p = (int) pfn;
        if (!links.linked[p]) {
            throw new IllegalStateException("page 0x" + Long.toHexString(pfn) + ": not on a slab list (removing from " + name + ")");
        }
        int n = links.next[p];
        int pr = links.prev[p];
        if (pr >= 0) {
            links.next[pr] = n;
        } else {
            head = n;
        }
        if (n >= 0) {
            links.prev[n] = pr;
        } else {
            tail = pr;
        }
        links.next[p] = -1;
        links.prev[p] = -1;
        links.linked[p] = false;
        count--;
    }

    /** Removes and returns the first slab, or -1. */
    long pollFirst() {
        int p = head;
        if (p >= 0) {
            remove(p);
        }
        return p;
    }

    /** Moves {@code pfn}, on this list, to its tail (SLOB's next-fit rotation). */
    void moveToTail(long pfn) {
        remove(pfn);
        addTail(pfn);
    }

    /**
     * {@code list_rotate_to_front}: makes {@code pfn}, on this list, the first entry, the
     * entries before it moving behind the old tail in their order.
     */
    void rotateToFront(long pfn) {
        int p = (int) pfn;
        if (p == head) {
            return;
        }
        int newTail = links.prev[p];
        links.next[tail] = head;
        links.prev[head] = tail;
        links.next[newTail] = -1;
        links.prev[p] = -1;
        head = p;
        tail = newTail;
    }

    /** Walks the list both ways, checking links and count; returns the members. */
    long[] verify() {
        long[] members = new long[count];
        int n = 0;
        int prev = -1;
        for (int p = head; p >= 0; p = links.next[p]) {
            if (n == count) {
                throw new IllegalStateException(name + ": more slabs than its count " + count + " (a cycle?)");
            }
            if (links.prev[p] != prev) {
                throw new IllegalStateException(name + ": page 0x" + Integer.toHexString(p) + " has prev 0x"
                    + Integer.toHexString(links.prev[p]) + " (expected: 0x" + Integer.toHexString(prev) + ")");
            }
            if (!links.linked[p]) {
                throw new IllegalStateException(name + ": page 0x" + Integer.toHexString(p) + " is on the list but not marked linked");
            }
            members[n++] = p;
            prev = p;
        }
        if (n != count || tail != prev) {
            throw new IllegalStateException(name + ": " + n + " slabs walked (expected: " + count + "), tail 0x"
                + Integer.toHexString(tail) + " (expected: 0x" + Integer.toHexString(prev) + ")");
        }
        return members;
    }
}
