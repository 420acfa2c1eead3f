package dev.mmkit.paging.fifo;

import dev.mmkit.api.hw.Page;
import dev.mmkit.api.replacement.ReplacementPolicy;

/**
 * First in, first out: the victim is the page that has been resident longest, whatever
 * its use. The simplest policy of the lecture, and the one that shows Belady's anomaly
 * (1,2,3,4,1,2,5,1,2,3,4,5 faults 9 times with 3 frames and 10 times with 4).
 *
 * <h2>Layout</h2>
 * A queue threaded through two arrays indexed by pfn, so that nothing is allocated per
 * page and a page can leave from the middle in O(1) ({@link #remove}: unmapped, its process
 * exited):
 * <pre>
 *   head ──► pfn a ──next──► pfn b ──next──► pfn c ◄── tail
 *            (oldest)  ◄─prev──      ◄─prev──  (newest)
 * </pre>
 * {@code next[pfn]} and {@code prev[pfn]} hold pfn + 1 (0 is the end of the queue), and a
 * bit per frame says whether it is queued: 8 bytes and a bit per frame. The arrays cover
 * the frames seen so far and grow by half again (never past physical memory), so the
 * instances of per-process resident limits stay small on a large machine.
 *
 * <h2>Algorithm</h2>
 * <ul>
 *   <li>[add(pfn)]: link at the tail.</li>
 *   <li>[evict()]: unlink the head and return it.</li>
 *   <li>[remove(pfn)]: unlink wherever it is.</li>
 * </ul>
 */
final class FifoPolicy implements ReplacementPolicy {
    private final long nrFrames;
    private int[] next;
    private int[] prev;
    private long[] queued;
    private int head;
    private int tail;
    private long size;

    FifoPolicy(long nrFrames) {
        this.nrFrames = nrFrames;
    }

    private int slot(long pfn) {
        if (pfn < 0 || pfn >= nrFrames) {
            throw new IndexOutOfBoundsException("pfn " + Page.hex(pfn) + " outside memory (0x0-" + Page.hex(nrFrames - 1) + ")");
        }
        if (next == null || pfn >= next.length) {
            grow(pfn);
        }
        return (int) pfn;
    }

    /**
     * Makes room for {@code pfn}: the arrays cover the frames seen so far (a per-process
     * instance on a large machine stays small), growing by half again up to all of memory.
     */
    private void grow(long pfn) {
        int size = next == null ? 0 : next.length;
        int want = (int) Math.min(nrFrames, Math.max(pfn + 1, Math.max(1024, size + (size >> 1))));
        next = next == null ? new int[want] : java.util.Arrays.copyOf(next, want);
        prev = prev == null ? new int[want] : java.util.Arrays.copyOf(prev, want);
        queued = queued == null ? new long[(want + 63) >>> 6] : java.util.Arrays.copyOf(queued, (want + 63) >>> 6);
    }

    private boolean isQueued(int p) {
        if (queued == null || p >= next.length) {
            return false;
        }
        return (queued[p >>> 6] & (1L << p)) != 0;
    }

    @Override
    public void add(long pfn) {
        int p = slot(pfn);
        if (isQueued(p)) {
            throw new IllegalStateException("page " + Page.hex(pfn) + ": already in the FIFO queue");
        }
        queued[p >>> 6] |= 1L << p;
        next[p] = 0;
        prev[p] = tail;
        if (tail == 0) {
            head = p + 1;
        } else {
            next[tail - 1] = p + 1;
        }
        tail = p + 1;
        size++;
    }

    @Override
    public void remove(long pfn) {
        int p = slot(pfn);
        if (!isQueued(p)) {
            throw new IllegalStateException("page " + Page.hex(pfn) + ": not in the FIFO queue");
        }
        unlink(p);
    }

    private void unlink(int p) {
        int n = next[p];
        int b = prev[p];
        if (b == 0) {
            head = n;
        } else {
            next[b - 1] = n;
        }
        if (n == 0) {
            tail = b;
        } else {
            prev[n - 1] = b;
        }
        next[p] = 0;
        prev[p] = 0;
        queued[p >>> 6] &= ~(1L << p);
        size--;
    }

    @Override
    public long evict() {
        if (head == 0) {
            return -1;
        }
        int p = head - 1;
        unlink(p);
        return p;
    }

    @Override
    public long size() {
        return size;
    }

    /** Walks the queue both ways and recounts it. */
    @Override
    public void verify() {
        long forward = 0;
        int last = 0;
        for (int p = head; p != 0; p = next[p - 1]) {
            if (prev[p - 1] != last) {
                throw new IllegalStateException("FIFO: page " + Page.hex(p - 1) + " has prev " + (prev[p - 1] - 1)
                    + " (expected: " + (last - 1) + ")");
            }
            if (!isQueued(p - 1)) {
                throw new IllegalStateException("FIFO: page " + Page.hex(p - 1) + " linked but not marked queued");
            }
            last = p;
            if (++forward > size) {
                throw new IllegalStateException("FIFO: more than " + size + " pages linked (a cycle?)");
            }
        }
        if (last != tail) {
            throw new IllegalStateException("FIFO: tail " + (tail - 1) + " (expected: " + (last - 1) + ")");
        }
        long marked = 0;
        if (queued != null) {
            for (long w : queued) {
                marked += Long.bitCount(w);
            }
        }
        if (forward != size || marked != size) {
            throw new IllegalStateException("FIFO: size " + size + " but " + forward + " linked and " + marked + " marked");
        }
    }
}
