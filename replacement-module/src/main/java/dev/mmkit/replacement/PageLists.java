package dev.mmkit.replacement;

import dev.mmkit.api.hw.Page;
import dev.mmkit.api.replacement.PageReferences;
import java.util.Arrays;

/**
 * A few circular doubly linked lists of pages threaded through arrays indexed by pfn, as
 * Linux threads {@code struct page.lru}: the building block of every list-based policy in
 * this bundle (one list for LRU and clock, two for VMS and the free-list clock, four for
 * Linux's anon/file active/inactive lists).
 *
 * <h2>Layout</h2>
 * <pre>
 *   head[l] ──► a ──next──► b ──next──► c ──next──┐      list[pfn] = l + 1 (0: on none)
 *               ▲ ◄─prev──    ◄─prev──            │      aux[pfn]  = one byte for the policy
 *               └─────────────────────────────────┘      (Nth chance's sweep count)
 * </pre>
 * A list is a ring: its tail is the head's prev, so appending, taking the head, moving a
 * page from anywhere to anywhere and rotating the head ({@link #rotate}: a clock hand's
 * step) are O(1) and allocate nothing. Next and prev sit side by side in one array, so a
 * page's links share a cache line. Ten bytes per frame. The arrays cover the frames seen
 * so far and grow by half again (never past physical memory), so that the per-process
 * instances of a resident limit stay small on a large machine.
 *
 * <p>Pfns are {@code int}s inside: at most 2<sup>30</sup> frames (4 TiB of 4 KiB pages).
 */
final class PageLists {
    static final long MAX_FRAMES = 1L << 30;
    private final String owner;
    private final String[] names;
    private final long nrFrames;
    private final int[] head;
    private final long[] size;
    /** {@code links[2 pfn]} = next, {@code links[2 pfn + 1]} = prev: both in one cache line. */
    private int[] links = new int[0];
    private byte[] list = new byte[0];
    private byte[] aux = new byte[0];

    /**
     * @param owner the policy, for messages ({@code "VMS"})
     * @param names the lists' names, for messages ({@code "active"}, {@code "second-chance"})
     */
    PageLists(String owner, long nrFrames, String... names) {
        if (nrFrames <= 0 || nrFrames > MAX_FRAMES) {
            throw new IllegalArgumentException("nrFrames: " + nrFrames + " (expected: 1-" + MAX_FRAMES + ")");
        }
        this.owner = owner;
        this.names = names.clone();
        this.nrFrames = nrFrames;
        this.head = new int[names.length];
        Arrays.fill(head, -1);
        this.size = new long[names.length];
    }

    /** The pfn as an index, growing the arrays to cover it; out of memory is an error naming it. */
    private int slot(long pfn) {
        if (pfn < 0 || pfn >= nrFrames) {
            throw new IndexOutOfBoundsException("page " + Page.hex(pfn) + ": outside memory (0x0-" + Page.hex(nrFrames - 1) + ")");
        }
        if (pfn >= list.length) {
            int want = (int) Math.min(nrFrames, Math.max(pfn + 1, Math.max(1024, list.length + (list.length >> 1))));
            links = Arrays.copyOf(links, 2 * want);
            list = Arrays.copyOf(list, want);
            aux = Arrays.copyOf(aux, want);
        }
        return (int) pfn;
    }

    String name(int l) {
        return names[l];
    }

    /** The list {@code pfn} is on, −1 for none. */
    int listOf(long pfn) {
        return pfn >= 0 && pfn < list.length ? list[(int) pfn] - 1 : -1;
    }

    long size(int l) {
        return size[l];
    }

    /** The head of list {@code l} (the oldest, or the clock hand), −1 when empty. */
    long head(int l) {
        return head[l];
    }

    /** The tail of list {@code l} (the newest), −1 when empty. */
    long tail(int l) {
        return head[l] < 0 ? -1 : links[2 * head[l] + 1];
    }

    /**
     * The first pages of list {@code l} from its head on (the oldest, or the pages under a
     * clock hand), at most {@code max} of them into {@code out}; returns how many. Changes nothing.
     */
    int peek(int l, long[] out, int max) {
        int n = (int) Math.min(Math.min(max, size[l]), out.length);
        int p = head[l];
        for (int i = 0; i < n; i++) {
            out[i] = p;
            p = links[2 * p];
        }
        return n;
    }

    /** The page after {@code pfn} on its ring. */
    long next(long pfn) {
        return links[2 * (int) pfn];
    }

    /** Appends {@code pfn}, which must be on no list, at the tail of list {@code l}. */
    void addTail(int l, long pfn) {
        int p = slot(pfn);
        if (list[p] != 0) {
            throw new IllegalStateException("page " + Page.hex(pfn) + ": already on the " + owner + " "
                + names[list[p] - 1] + " list");
        }
        int h = head[l];
        if (h < 0) {
            links[2 * p] = p;
            links[2 * p + 1] = p;
            head[l] = p;
        } else {
            int t = links[2 * h + 1];
            links[2 * t] = p;
            links[2 * p + 1] = t;
            links[2 * p] = h;
            links[2 * h + 1] = p;
        }
        list[p] = (byte) (l + 1);
        size[l]++;
    }

    /**
     * Takes {@code pfn} off its list and returns the list it was on; an error naming the page
     * when it is on none ({@code what} says what the caller was doing).
     */
    int unlink(long pfn, String what) {
        int l = listOf(pfn);
        if (l < 0) {
            throw notTracked(pfn, what);
        }
        unlinkFrom(l, (int) pfn);
        return l;
    }

    private RuntimeException notTracked(long pfn, String what) {
        if (pfn < 0 || pfn >= nrFrames) {
            return new IndexOutOfBoundsException("page " + Page.hex(pfn) + ": outside memory (0x0-" + Page.hex(nrFrames - 1) + ")");
        }
        return new IllegalStateException("page " + Page.hex(pfn) + ": not tracked by " + owner + " (" + what + ")");
    }

    private void unlinkFrom(int l, int p) {
        if (links[2 * p] == p) {
            head[l] = -1;
        } else {
            int n = links[2 * p];
            int b = links[2 * p + 1];
            links[2 * b] = n;
            links[2 * n + 1] = b;
            if (head[l] == p) {
                head[l] = links[2 * p];
            }
        }
        links[2 * p] = 0;
        links[2 * p + 1] = 0;
        list[p] = 0;
        size[l]--;
    }

    /** Takes the head of list {@code l} off it and returns it, −1 when the list is empty. */
    long pollHead(int l) {
        int h = head[l];
        if (h < 0) {
            return -1;
        }
        unlink(h, "poll");
        return h;
    }

    /** Moves {@code pfn} from whichever list it is on to the tail of list {@code l}. */
    void moveToTail(long pfn, int l) {
        int from = listOf(pfn);
        if (from < 0) {
            throw notTracked(pfn, "move to " + names[l]);
        }
        unlinkFrom(from, (int) pfn);
        addTail(l, pfn);
    }

    /** Advances list {@code l}'s head by one: the old head becomes the tail (a clock hand's step). */
    void rotate(int l) {
        if (head[l] >= 0) {
            head[l] = links[2 * head[l]];
        }
    }

    /**
     * A clock hand's sweep over ring {@code l}: while the page under the hand (the head) has
     * its use bit set, clear it and advance. After one full turn every bit is clear, so this
     * takes at most {@code size(l)} steps. Returns the page now under the hand, still on the
     * ring; −1 when the ring is empty.
     */
    long sweep(int l, PageReferences refs) {
        for (long steps = size[l]; steps > 0 && refs.testAndClearReferenced(head[l]); steps--) {
            rotate(l);
        }
        return head[l];
    }

    /** The policy's byte for {@code pfn} (0 until set; kept while the page is on no list). */
    int aux(long pfn) {
        return pfn < aux.length ? aux[(int) pfn] & 0xFF : 0;
    }

    void setAux(long pfn, int value) {
        int p = slot(pfn); // may grow aux: index it after
        aux[p] = (byte) value;
    }

    /**
     * Walks every list both ways, checks that each page's list mark names the list it is
     * linked on, and recounts the sizes against the counters and the marks.
     */
    void verify() {
        long linked = 0;
        for (int l = 0; l < names.length; l++) {
            long forward = 0;
            int h = head[l];
            if (h >= 0) {
                int p = h;
                do {
                    if (list[p] != l + 1) {
                        throw new IllegalStateException(owner + ": page " + Page.hex(p) + " linked on the " + names[l]
                            + " list but marked " + (list[p] == 0 ? "on none" : "on " + names[list[p] - 1]));
                    }
                    int n = links[2 * p];
                    if (links[2 * n + 1] != p) {
                        throw new IllegalStateException(owner + ": " + names[l] + " list: page " + Page.hex(n)
                            + " has prev " + Page.hex(links[2 * n + 1]) + " (expected: " + Page.hex(p) + ")");
                    }
                    if (++forward > size[l]) {
                        throw new IllegalStateException(owner + ": " + names[l] + " list: more than " + size[l]
                            + " pages linked (a cycle that misses the head?)");
                    }
                    p = links[2 * p];
                } while (p != h);
                long backward = 0;
                p = h;
                do {
                    p = links[2 * p + 1];
                    if (++backward > size[l]) {
                        throw new IllegalStateException(owner + ": " + names[l] + " list: more than " + size[l]
                            + " pages linked backwards");
                    }
                } while (p != h);
                if (backward != forward) {
                    throw new IllegalStateException(owner + ": " + names[l] + " list: " + forward + " pages forwards but "
                        + backward + " backwards");
                }
            }
            if (forward != size[l]) {
                throw new IllegalStateException(owner + ": " + names[l] + " list: size " + size[l] + " but " + forward
                    + " pages linked");
            }
            linked += forward;
        }
        long marked = 0;
        for (byte b : list) {
            if (b != 0) {
                marked++;
            }
        }
        if (marked != linked) {
            throw new IllegalStateException(owner + ": " + marked + " pages marked on a list but " + linked + " linked");
        }
    }
}
