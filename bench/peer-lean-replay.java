import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * peer-lean-replay.java: the least a paging machine does to replay an oracleGeneral trace with
 * FIFO and N resident pages, in plain Java, written apart from mmkit: a floor under the
 * trace-replay targets of issues #6 and #7 for what the host's memory and the JVM cost, not
 * for what the issues ask of the machine.
 *
 * State, all flat arrays: one leaf page-table entry per page (8 bytes, as x86-64's: P | RW |
 * A for a present page, the swap slot << 12 for a swapped one), a swap map of one byte per
 * slot (Linux's swap_map), the swap slot each frame caches (the swap cache), a stack of free
 * frames and a ring of the resident pages in the order they came in.
 *
 * Per reference: read the page's entry; present: set A if clear, done. Otherwise a fault:
 * with N pages resident, evict the ring's oldest: read its entry for the frame, give it a
 * slot if its frame caches none (the next free one from a cursor, counted as a write,
 * pswpout), store the swap entry, free the frame; then take a free frame, and for a swapped
 * page read its slot's byte (a major fault; the slot stays with the page, which is clean:
 * the trace only reads); store the present entry, append the page to the ring.
 *
 * Left out, all of which the machine does per fault: the TLB and its shootdown, the upper
 * levels of the page table, struct page, the page allocator, the reverse map, the VMA, the
 * counters, the policy behind an interface. The fault count equals cachesim's misses and
 * the machine's pgfault (bench/cachesim-peer.py: fifo@1000 on the Zipf trace 8,023,423).
 *
 * Usage:  javac -d /tmp/peer-lean bench/peer-lean-replay.java
 *         java -XX:+UseSerialGC -XX:+UseTransparentHugePages -XX:-UseCompressedOops \
 *              -cp /tmp/peer-lean PeerLeanReplay TRACE N
 * Prints references, faults, major faults, pswpout and the replay's own seconds (file read
 * included); for the whole process run it under /usr/bin/time.
 */
final class PeerLeanReplay {
    private static final int RECORD = 24;
    private static final long P = 1, RW = 2, A = 1L << 5;

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: PeerLeanReplay TRACE N");
            System.exit(2);
        }
        long start = System.nanoTime();
        int n = Integer.parseInt(args[1]);
        long[] pte = new long[1 << 20];
        byte[] swapMap = new byte[1 << 20];
        long[] frameSlot = new long[n];
        int[] free = new int[n];
        for (int i = 0; i < n; i++) {
            free[i] = n - 1 - i;
        }
        int nrFree = n;
        int[] ring = new int[n];
        int head = 0;
        int resident = 0;
        int cursor = 1;
        long refs = 0;
        long faults = 0;
        long major = 0;
        long pswpout = 0;
        int[] pages = new int[4096];
        ByteBuffer buf = ByteBuffer.allocateDirect(RECORD * pages.length).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel ch = FileChannel.open(Path.of(args[0]), StandardOpenOption.READ)) {
            while (true) {
                buf.clear();
                while (buf.hasRemaining() && ch.read(buf) > 0) {
                    // a whole block
                }
                buf.flip();
                if (buf.remaining() % RECORD != 0) {
                    throw new IllegalArgumentException(args[0] + ": ends inside record " + (refs + buf.remaining() / RECORD));
                }
                int m = buf.remaining() / RECORD;
                if (m == 0) {
                    break;
                }
                for (int i = 0; i < m; i++) {
                    long id = buf.getLong(i * RECORD + 4);
                    if (id < 0 || id >= 1 << 28) {
                        throw new IllegalArgumentException("record " + (refs + i) + ": page " + id + " beyond this peer's flat table");
                    }
                    pages[i] = (int) id;
                    if (id >= pte.length) {
                        pte = Arrays.copyOf(pte, Integer.highestOneBit((int) id) << 1);
                    }
                }
                for (int i = 0; i < m; i++) {
                    int vpn = pages[i];
                    refs++;
                    long e = pte[vpn];
                    if ((e & P) != 0) {
                        if ((e & A) == 0) {
                            pte[vpn] = e | A;
                        }
                        continue;
                    }
                    faults++;
                    if (resident == n) {
                        int victim = ring[head];
                        head = head + 1 == n ? 0 : head + 1;
                        resident--;
                        int frame = (int) (pte[victim] >>> 12);
                        long slot = frameSlot[frame];
                        if (slot == 0) {
                            while (cursor < swapMap.length && swapMap[cursor] != 0) {
                                cursor++;
                            }
                            if (cursor == swapMap.length) {
                                swapMap = Arrays.copyOf(swapMap, swapMap.length * 2);
                            }
                            slot = cursor;
                            swapMap[cursor] = 1;
                            pswpout++;
                        }
                        pte[victim] = slot << 12;
                        free[nrFree++] = frame;
                    }
                    int frame = free[--nrFree];
                    long slot = 0;
                    if (e != 0) {
                        slot = e >>> 12;
                        if (swapMap[(int) slot] == 0) {
                            throw new IllegalStateException("page " + vpn + ": swap slot " + slot + " is free");
                        }
                        major++;
                    }
                    frameSlot[frame] = slot;
                    pte[vpn] = ((long) frame << 12) | P | RW | A;
                    int tail = head + resident;
                    ring[tail >= n ? tail - n : tail] = vpn;
                    resident++;
                }
            }
        }
        System.out.printf("references %d faults %d major %d pswpout %d replay %.3f s%n", refs, faults, major, pswpout,
            (System.nanoTime() - start) / 1e9);
    }
}
