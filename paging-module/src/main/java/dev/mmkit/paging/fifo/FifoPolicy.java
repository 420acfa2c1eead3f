package dev.mmkit.paging.fifo;

import dev.mmkit.api.hw.Page;
import dev.mmkit.api.replacement.ReplacementPolicy;

/**
 * First in, first out: the victim is the page that has been resident longest, whatever
 * its use. The simplest policy of the lecture, and the one that shows Belady's anomaly
 * (1,2,3,4,1,2,5,1,2,3,4,5 faults 9 times with 3 frames and 10 times with 4).
 *
 * <h2>Layout</h2>
 * A queue threaded through one array indexed by pfn, so that nothing is allocated per
 * page and a page can leave from the middle in O(1) ({@link #remove}: unmapped, its process
 * exited):
 * <pre>
 *   head ──► pfn a ──next──► pfn b ──next──► pfn c ◄── tail
 *            (oldest)  ◄─prev──      ◄─prev──  (newest)
 * </pre>
 * {@code links[2 pfn]} (next) and {@code links[2 pfn + 1]} (prev) hold pfn + 1 (0 is the end
 * of the queue), side by side so that a page's two links share one host cache line (the
 * head's unlink at every eviction touches one line, not two), and a bit per frame says
 * whether it is queued: 8 bytes and a bit per frame. The arrays cover
 * the frames seen so far and grow by half again (never past physical memory), so the
 * instances of per-process resident limits stay small on a large machine.
 *
 * <h2>Algorithm</h2>
 * <ul>
 *   <li>[add(pfn)]: link at the tail.</li>
 *   <li>[evict()]: unlink the head and return it.</li>
 *   <li>[remove(pfn)]: unlink wherever it is.</li>
 *   <li>[candidates]: the queue from its head, the next victims in order.</li>
 * </ul>
 */
final class FifoPolicy implements ReplacementPolicy {
    private final long nrFrames;
    /** {@code links[2 p]}: next of pfn p, {@code links[2 p + 1]}: its prev; each pfn + 1, 0 for none. */
    private int[] links;
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
        if (links == null || pfn >= links.length >>> 1) {
            grow(pfn);
        }
        return (int) pfn;
    }

    /**
     * Makes room for {@code pfn}: the arrays cover the frames seen so far (a per-process
     * instance on a large machine stays small), growing by half again up to all of memory.
     */
    private void grow(long pfn) {
        int size = links == null ? 0 : links.length >>> 1;
        int want = (int) Math.min(nrFrames, Math.max(pfn + 1, Math.max(1024, size + (size >> 1))));
        links = links == null ? new int[2 * want] : java.util.Arrays.copyOf(links, 2 * want);
        queued = queued == null ? new long[(want + 63) >>> 6] : java.util.Arrays.copyOf(queued, (want + 63) >>> 6);
    }

    private boolean isQueued(int p) {
        if (queued == null || p >= links.length >>> 1) {
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
        links[2 * p] = 0;
        links[2 * p + 1] = tail;
        if (tail == 0) {
            head = p + 1;
        } else {
            links[2 * (tail - 1)] = p + 1;
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
        int n = links[2 * p];
        int b = links[2 * p + 1];
        if (b == 0) {
            head = n;
        } else {
            links[2 * (b - 1)] = n;
        }
        if (n == 0) {
            tail = b;
        } else {
            links[2 * (n - 1) + 1] = b;
        }
        links[2 * p] = 0;
        links[2 * p + 1] = 0;
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

    /** {@inheritDoc} Here the queue from its head: the oldest first. */
    @Override
    public int candidates(long[] out, int max) {
        int n = (int) Math.min(Math.min(max, size), out.length);
        int p = head;
        for (int i = 0; i < n; i++) {
            out[i] = p - 1;
            p = links[2 * (p - 1)];
        }
        return n;
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
        for (int p = head; p != 0; p = links[2 * (p - 1)]) {
            if (links[2 * (p - 1) + 1] != last) {
                throw new IllegalStateException("FIFO: page " + Page.hex(p - 1) + " has prev " + (links[2 * (p - 1) + 1] - 1)
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
