package dev.mmkit.replacement;

import dev.mmkit.api.hw.Page;
import dev.mmkit.api.machine.Characteristic;
import dev.mmkit.api.replacement.ReplacementPolicy;
import java.util.Arrays;
import java.util.Set;

/**
 * Belady's MIN (OPT) [1]: the victim is the page whose next reference lies furthest in the
 * future; a page never referenced again goes first. No policy faults less, so OPT is the
 * lower bound the others are measured against. It needs the future, which only a trace
 * can give (libCacheSim's oracleGeneral carries each request's next access): it declares
 * {@link Characteristic#FUTURE}, and the machine refuses to run it on a workload that does
 * not provide it.
 *
 * <h2>Layout</h2>
 * An indexed binary max-heap of the resident pages, keyed by next access:
 * <pre>
 *   heap[0 .. n)   pfns, heap[0] the page used furthest in the future
 *   pos[pfn]       index in heap + 1 (0: not tracked)
 *   key[pfn]       the page's next access, Long.MAX_VALUE for never
 * </pre>
 * Order is (key, then lower pfn first), a total order, so the victim does not depend on
 * the heap's history. {@code pos} and {@code key} are per frame (12 bytes), the heap per
 * resident page (4 bytes); the arrays grow with the frames seen, never per event.
 *
 * <h2>Algorithm</h2>
 * <ul>
 *   <li>[referenced(pfn, t)]: {@code key[pfn] = t}, sift up or down: O(log n).</li>
 *   <li>[add(pfn)]: insert with an unknown next access (the machine calls
 *       {@code referenced} with the real one right after the fault); a victim the machine
 *       could not evict and adds back gets its key back.</li>
 *   <li>[evict()]: take {@code heap[0]}: O(log n).</li>
 *   <li>[remove(pfn)]: swap with the last heap slot, sift it: O(log n).</li>
 * </ul>
 * A page whose next access is unknown (a reference without one: a load or store through
 * the kernel interface) ranks just after the pages never used again, before every page
 * whose next use is known: the known future is what OPT protects.
 *
 * <p>[1] L. A. Belady, "A study of replacement algorithms for a virtual-storage computer",
 * IBM Systems Journal 5(2), 1966.
 */
final class OptPolicy implements ReplacementPolicy {
    /** A next access that is not known: ranks right after never. */
    static final long UNKNOWN = Long.MAX_VALUE - 1;

    private final long nrFrames;
    private int[] heap = new int[16];
    private int size;
    private int[] pos = new int[0];
    private long[] key = new long[0];
    /** The last victim and its key, restored if the machine adds it back (it could not evict it). */
    private long lastVictim = -1;
    private long lastVictimKey;

    OptPolicy(long nrFrames) {
        if (nrFrames <= 0 || nrFrames > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("nrFrames: " + nrFrames + " (expected: 1-" + Integer.MAX_VALUE + ")");
        }
        this.nrFrames = nrFrames;
    }

    @Override
    public Set<Characteristic> characteristics() {
        return Set.of(Characteristic.FUTURE);
    }

    private int slot(long pfn) {
        if (pfn < 0 || pfn >= nrFrames) {
            throw new IndexOutOfBoundsException("page " + Page.hex(pfn) + ": outside memory (0x0-" + Page.hex(nrFrames - 1) + ")");
        }
        if (pfn >= pos.length) {
            int want = (int) Math.min(nrFrames, Math.max(pfn + 1, Math.max(1024, pos.length + (pos.length >> 1))));
            pos = Arrays.copyOf(pos, want);
            key = Arrays.copyOf(key, want);
        }
        return (int) pfn;
    }

    private boolean tracked(long pfn) {
        return pfn >= 0 && pfn < pos.length && pos[(int) pfn] != 0;
    }

    /** Whether page {@code a} should go before page {@code b}. */
    private boolean before(int a, int b) {
        return key[a] > key[b] || (key[a] == key[b] && a < b);
    }

    @Override
    public void add(long pfn) {
        int p = slot(pfn);
        if (pos[p] != 0) {
            throw new IllegalStateException("page " + Page.hex(pfn) + ": already tracked by OPT");
        }
        key[p] = pfn == lastVictim ? lastVictimKey : UNKNOWN;
        lastVictim = -1;
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, (int) Math.min(nrFrames, (long) size * 2));
        }
        heap[size] = p;
        pos[p] = ++size;
        siftUp(size - 1);
    }

    @Override
    public void referenced(long pfn, long nextAccess) {
        if (!tracked(pfn)) {
            return;
        }
        int p = (int) pfn;
        long k = nextAccess < 0 ? UNKNOWN : nextAccess;
        long old = key[p];
        key[p] = k;
        if (k > old) {
            siftUp(pos[p] - 1);
        } else if (k < old) {
            siftDown(pos[p] - 1);
        }
    }

    @Override
    public void remove(long pfn) {
        if (!tracked(pfn)) {
            slot(pfn);
            throw new IllegalStateException("page " + Page.hex(pfn) + ": not tracked by OPT (remove)");
        }
        removeAt(pos[(int) pfn] - 1);
    }

    @Override
    public long evict() {
        if (size == 0) {
            return -1;
        }
        int victim = heap[0];
        lastVictim = victim;
        lastVictimKey = key[victim];
        removeAt(0);
        return victim;
    }

    private void removeAt(int i) {
        int p = heap[i];
        int last = heap[--size];
        pos[p] = 0;
        if (i < size) {
            heap[i] = last;
            pos[last] = i + 1;
            siftUp(i);
            siftDown(pos[last] - 1);
        }
    }

    private void siftUp(int i) {
        int p = heap[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            int q = heap[parent];
            if (!before(p, q)) {
                break;
            }
            heap[i] = q;
            pos[q] = i + 1;
            i = parent;
        }
        heap[i] = p;
        pos[p] = i + 1;
    }

    private void siftDown(int i) {
        int p = heap[i];
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            int c = heap[child];
            int right = child + 1;
            if (right < size && before(heap[right], c)) {
                child = right;
                c = heap[child];
            }
            if (!before(c, p)) {
                break;
            }
            heap[i] = c;
            pos[c] = i + 1;
            i = child;
        }
        heap[i] = p;
        pos[p] = i + 1;
    }

    /** The next access OPT holds for a tracked page (for tests). */
    long nextAccessOf(long pfn) {
        return tracked(pfn) ? key[(int) pfn] : -1;
    }

    @Override
    public long size() {
        return size;
    }

    /** Checks the heap order at every slot, each slot's back pointer, and recounts the tracked pages. */
    @Override
    public void verify() {
        for (int i = 0; i < size; i++) {
            int p = heap[i];
            if (pos[p] != i + 1) {
                throw new IllegalStateException("OPT: heap slot " + i + " holds page " + Page.hex(p) + " whose position is "
                    + (pos[p] - 1));
            }
            if (i > 0 && before(p, heap[(i - 1) >>> 1])) {
                throw new IllegalStateException("OPT: page " + Page.hex(p) + " (next access " + key[p]
                    + ") sits below page " + Page.hex(heap[(i - 1) >>> 1]) + " (next access " + key[heap[(i - 1) >>> 1]] + ")");
            }
        }
        long marked = 0;
        for (int v : pos) {
            if (v != 0) {
                marked++;
            }
        }
        if (marked != size) {
            throw new IllegalStateException("OPT: size " + size + " but " + marked + " pages have a heap position");
        }
    }
}
