package dev.mmkit.pagecache;

import dev.mmkit.api.hw.Page;
import dev.mmkit.api.machine.MemMap;
import dev.mmkit.api.machine.PageFlags;
import dev.mmkit.api.machine.VmItem;
import dev.mmkit.api.machine.VmStat;
import dev.mmkit.api.mm.MemoryManager;
import dev.mmkit.api.workload.Mman;
import dev.mmkit.machine.StandaloneMachine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A model-based fuzz of a whole machine with bytes: several processes, two real files, pread/pwrite/ftruncate/fsync,
 * shared and private file mappings (copy on write must never reach the file), fork/exit, memory pressure from an
 * anonymous hog, the flusher on virtual time; every read checked against a byte-array model, the page cache's
 * counters against vmstat after each step, and the file on disk after every fsync and after shutdown.
 */
class PageCacheMachineFuzzTest {
    private static final int PAGE = Page.SIZE;
    private static final int MAX_SIZE = 1536 << 10;
    private static final int MAX_IO = 40 << 10;
    private static final int FILES = 2;
    private static final long MS = 1_000_000L;

    static LongStream seeds() {
        long first = Long.getLong("fuzz.first", 1);
        return LongStream.range(first, first + Long.getLong("fuzz.seeds", 3));
    }

    private Path files;

    @AfterEach
    void deleteFiles() throws IOException {
        Machines.delete(files);
    }

    static final class FileModel {
        final String name;
        byte[] data = new byte[MAX_SIZE + PAGE];
        int size;

        FileModel(String name) {
            this.name = name;
        }

        /** The bytes of page {@code idx} as the page cache holds them (zero past the end). */
        byte[] page(long idx) {
            return Arrays.copyOfRange(data, (int) idx * PAGE, (int) idx * PAGE + PAGE);
        }
    }

    static final class Mapping {
        final long addr;
        final int file;
        final long firstIndex;
        final int pages;
        final boolean shared;
        /** Per page: 0 unmapped, else the PROT_ bits. */
        final int[] prot;
        final Map<Long, byte[]> cow = new HashMap<>();
        /** Per private copy: the bytes [0, known) the model knows (the file's when copied). */
        final Map<Long, Integer> known = new HashMap<>();
        final Map<Long, java.util.BitSet> storedPastKnown = new HashMap<>();

        Mapping(long addr, int file, long firstIndex, int pages, boolean shared, int prot) {
            this.addr = addr;
            this.file = file;
            this.firstIndex = firstIndex;
            this.pages = pages;
            this.shared = shared;
            this.prot = new int[pages];
            Arrays.fill(this.prot, prot);
        }

        Mapping copy() {
            Mapping m = new Mapping(addr, file, firstIndex, pages, shared, 0);
            System.arraycopy(prot, 0, m.prot, 0, pages);
            for (Map.Entry<Long, byte[]> e : cow.entrySet()) {
                m.cow.put(e.getKey(), e.getValue().clone());
            }
            m.known.putAll(known);
            for (Map.Entry<Long, java.util.BitSet> e : storedPastKnown.entrySet()) {
                m.storedPastKnown.put(e.getKey(), (java.util.BitSet) e.getValue().clone());
            }
            return m;
        }

        boolean empty() {
            for (int x : prot) {
                if (x != 0) {
                    return false;
                }
            }
            return true;
        }
    }

    static final class Proc {
        final int pid;
        final int[] fds = new int[FILES];
        final List<Mapping> maps = new ArrayList<>();

        Proc(int pid) {
            this.pid = pid;
        }
    }

    private final ArrayDeque<String> log = new ArrayDeque<>();
    private long seed;
    private int op;
    private StandaloneMachine m;
    private MemoryManager mm;
    private final FileModel[] model = new FileModel[FILES];
    private final List<Proc> procs = new ArrayList<>();

    private void record(String what) {
        if (log.size() == 60) {
            log.removeFirst();
        }
        log.addLast(op + ": " + what);
    }

    private AssertionError failure(String what, Throwable cause) {
        return new AssertionError("seed " + seed + ", operation " + op + ": " + what + "\nlast operations:\n"
            + String.join("\n", log), cause);
    }

    private void check(boolean ok, String what) {
        if (!ok) {
            throw failure(what, null);
        }
    }

    private Proc spawn() {
        Proc p = new Proc(mm.spawn("p"));
        for (int f = 0; f < FILES; f++) {
            p.fds[f] = mm.open(p.pid, model[f].name, true);
            check(p.fds[f] >= 0, "open failed " + p.fds[f]);
        }
        procs.add(p);
        return p;
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void machineMatchesModel(long seed) throws Exception {
        this.seed = seed;
        SplittableRandom rnd = new SplittableRandom(seed);
        Path shm = Path.of("/dev/shm");
        files = Files.isDirectory(shm) && Files.isWritable(shm) ? Files.createTempDirectory(shm, "mmkit-pcfuzz")
            : Files.createTempDirectory("pcfuzz");
        boolean flusher = seed % 3 != 0;
        String[] ra = {"0", "16KiB", "128KiB"};
        String extra = "mmkit.machine.page-cache.directory = \"" + files.toAbsolutePath() + "\"\n"
            + "mmkit.machine.page-cache.read-ahead-max = " + ra[(int) (seed % 3)] + "\n"
            + "mmkit.machine.reclaim.writeback.dirty-expire = " + (1 + seed % 4) + "s\n"
            + "mmkit.machine.reclaim.writeback.dirty-writeback-interval = 500ms\n"
            + "mmkit.machine.reclaim.writeback.threads = " + (1 + seed % 2) + "\n";
        m = Machines.build(seed % 2 == 0 ? "2MiB" : "3MiB", flusher, extra);
        mm = Machines.mm(m);
        RadixPageCache cache = Machines.cache(m);
        VmStat vm = m.vmstat();
        for (int f = 0; f < FILES; f++) {
            model[f] = new FileModel("d" + f + "/f" + f + ".bin");
        }
        spawn();
        spawn();
        // the hog: anonymous memory that pushes file pages out
        int hog = mm.spawn("hog");
        int hogPages = 256;
        long hogAddr = mm.mmap(hog, 0, (long) hogPages * PAGE, Mman.PROT_READ | Mman.PROT_WRITE,
            Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS, -1, 0);
        check(hogAddr > 0, "hog mmap " + hogAddr);
        long[] hogModel = new long[hogPages];
        byte[] buf = new byte[MAX_IO];
        long pgpgin = 0;
        long pgpgout = 0;
        int ops = Integer.getInteger("fuzz.ops", 4000);
        for (op = 0; op < ops; op++) {
            try {
                step(rnd, buf, hog, hogAddr, hogPages, hogModel);
                cache.verify();
                mm.verify();
                check(vm.get(VmItem.NR_DIRTY) == cache.nrDirty(), "nr_dirty " + vm.get(VmItem.NR_DIRTY) + " but cache " + cache.nrDirty());
                check(vm.get(VmItem.NR_WRITEBACK) == cache.nrWriteback(),
                    "nr_writeback " + vm.get(VmItem.NR_WRITEBACK) + " but cache " + cache.nrWriteback());
                check(vm.get(VmItem.NR_FILE_PAGES) - vm.get(VmItem.NR_SWAPCACHED) == cache.nrPages(),
                    "nr_file_pages " + vm.get(VmItem.NR_FILE_PAGES) + " - swapcached " + vm.get(VmItem.NR_SWAPCACHED)
                        + " but cache " + cache.nrPages());
                check(vm.get(VmItem.NR_MAPPED) == mappedFilePages(), "nr_mapped " + vm.get(VmItem.NR_MAPPED) + " but "
                    + mappedFilePages() + " page-cache pages mapped");
                check(vm.get(VmItem.PGPGIN) >= pgpgin && vm.get(VmItem.PGPGOUT) >= pgpgout, "pgpgin/pgpgout went back");
                check(vm.get(VmItem.NR_DIRTY) >= 0 && vm.get(VmItem.NR_WRITEBACK) >= 0, "negative counter");
                pgpgin = vm.get(VmItem.PGPGIN);
                pgpgout = vm.get(VmItem.PGPGOUT);
            } catch (AssertionError e) {
                throw e;
            } catch (Throwable e) {
                throw failure("threw " + e, e);
            }
        }
        op = ops;
        record("final sync");
        // every file synced: nothing dirty, nothing under writeback, the disk holds the model
        for (int f = 0; f < FILES; f++) {
            check(mm.fsync(procs.get(0).pid, procs.get(0).fds[f]) == 0, "fsync");
            checkDisk(f);
        }
        check(vm.get(VmItem.NR_DIRTY) == 0, "nr_dirty " + vm.get(VmItem.NR_DIRTY) + " after syncing every file");
        check(vm.get(VmItem.NR_WRITEBACK) == 0, "nr_writeback " + vm.get(VmItem.NR_WRITEBACK) + " after syncing every file");
        record("shutdown");
        System.out.println("seed " + seed + ": pgpgin " + vm.get(VmItem.PGPGIN) + " pgpgout " + vm.get(VmItem.PGPGOUT)
            + " pgmajfault " + vm.get(VmItem.PGMAJFAULT) + " nr_vmscan_write " + vm.get(VmItem.NR_VMSCAN_WRITE)
            + " nr_written " + vm.get(VmItem.NR_WRITTEN) + " pswpout " + vm.get(VmItem.PSWPOUT) + " kills " + kills + " past-eof stores " + pastEof
            + " cache " + cache.counters() + (m.settings().getString("reclaim.writeback.impl").equals("flusher")
            ? " flusher periodic " + Machines.flusher(m).periodicRuns + " background " + Machines.flusher(m).backgroundRuns
            + " throttles " + Machines.flusher(m).throttles : ""));
        mm.shutdown();
        for (int f = 0; f < FILES; f++) {
            checkDisk(f);
        }
    }

    private long mappedFilePages() {
        MemMap mem = m.memMap();
        long n = 0;
        for (long pfn = 0; pfn < mem.nrFrames(); pfn++) {
            if (!mem.testFlag(pfn, PageFlags.PG_ANON) && mem.mapping(pfn) != 0 && mem.mapcount(pfn) > 0) {
                n++;
            }
        }
        return n;
    }

    private void checkDisk(int f) {
        FileModel fm = model[f];
        byte[] disk;
        try {
            disk = Files.readAllBytes(files.resolve(fm.name));
        } catch (IOException e) {
            throw failure("read disk", e);
        }
        check(disk.length == fm.size, fm.name + " on disk has " + disk.length + " bytes, expected " + fm.size);
        int i = Arrays.mismatch(disk, 0, fm.size, fm.data, 0, fm.size);
        check(i < 0, fm.name + " on disk at " + Integer.toHexString(i) + ": " + (i < 0 ? 0 : disk[i]) + ", expected "
            + (i < 0 ? 0 : fm.data[i]));
    }

    /** The model of munmap (or of MAP_FIXED replacing): pages of [va, va + n pages) leave every mapping of p. */
    private static void unmapModel(Proc p, long va, int n) {
        long end = va + (long) n * PAGE;
        for (Iterator<Mapping> it = p.maps.iterator(); it.hasNext(); ) {
            Mapping mp = it.next();
            for (int i = 0; i < mp.pages; i++) {
                long a = mp.addr + (long) i * PAGE;
                if (a >= va && a < end) {
                    mp.prot[i] = 0;
                    mp.cow.remove(mp.firstIndex + i);
                    mp.known.remove(mp.firstIndex + i);
                    mp.storedPastKnown.remove(mp.firstIndex + i);
                }
            }
            if (mp.empty()) {
                it.remove();
            }
        }
    }

    private int kills;
    private int pastEof;

    private void killed(Proc p) {
        kills++;
        procs.remove(p);
        if (procs.size() < 2) {
            spawn();
        }
    }

    private void step(SplittableRandom rnd, byte[] buf, int hog, long hogAddr, int hogPages, long[] hogModel) {
        int kind = rnd.nextInt(1000);
        Proc p = procs.get(rnd.nextInt(procs.size()));
        int f = rnd.nextInt(FILES);
        FileModel fm = model[f];
        if (kind < 150) {
            // pread
            int pos = rnd.nextInt(MAX_SIZE + PAGE);
            int len = rnd.nextInt(MAX_IO + 1);
            record("pread f" + f + " " + Integer.toHexString(pos) + " len " + len + " pid " + p.pid);
            int n = mm.pread(p.pid, p.fds[f], buf, len, pos);
            int expected = Math.max(0, Math.min(len, fm.size - pos));
            check(n == expected, "pread returned " + n + ", expected " + expected);
            int i = n <= 0 ? -1 : Arrays.mismatch(buf, 0, n, fm.data, pos, pos + n);
            check(i < 0, "pread at " + Integer.toHexString(pos + i) + ": got " + (i < 0 ? 0 : buf[i]) + ", expected "
                + (i < 0 ? 0 : fm.data[pos + i]));
        } else if (kind < 300) {
            // pwrite, possibly extending the file past a hole
            int pos = rnd.nextInt(4) == 0 ? Math.max(0, Math.min(MAX_SIZE - 1, fm.size - PAGE + rnd.nextInt(2 * PAGE)))
                : rnd.nextInt(MAX_SIZE);
            int len = 1 + rnd.nextInt(Math.min(MAX_IO, MAX_SIZE - pos));
            if (rnd.nextBoolean()) {
                len = Math.min(len, 1 + rnd.nextInt(64));
            }
            for (int i = 0; i < len; i++) {
                buf[i] = (byte) rnd.nextInt();
            }
            record("pwrite f" + f + " " + Integer.toHexString(pos) + " len " + len + " pid " + p.pid);
            int n = mm.pwrite(p.pid, p.fds[f], buf, len, pos);
            check(n == len, "pwrite returned " + n + ", expected " + len);
            System.arraycopy(buf, 0, fm.data, pos, len);
            fm.size = Math.max(fm.size, pos + len);
        } else if (kind < 340) {
            int newSize = switch (rnd.nextInt(4)) {
                case 0 -> 0;
                case 1 -> Math.max(0, Math.min(MAX_SIZE, fm.size + rnd.nextInt(2 * PAGE) - PAGE));
                default -> rnd.nextInt(MAX_SIZE);
            };
            record("ftruncate f" + f + " " + Integer.toHexString(fm.size) + " -> " + Integer.toHexString(newSize));
            check(mm.ftruncate(p.pid, p.fds[f], newSize) == 0, "ftruncate failed");
            if (newSize < fm.size) {
                Arrays.fill(fm.data, newSize, fm.size, (byte) 0);
            }
            fm.size = newSize;
            long first = Page.pages(newSize);
            for (Proc q : procs) {
                for (Mapping mp : q.maps) {
                    if (mp.file == f) {
                        mp.cow.keySet().removeIf(idx -> idx >= first);
                        mp.known.keySet().removeIf(idx -> idx >= first);
                        mp.storedPastKnown.keySet().removeIf(idx -> idx >= first);
                    }
                }
            }
        } else if (kind < 365) {
            record("fsync f" + f + " pid " + p.pid);
            check(mm.fsync(p.pid, p.fds[f]) == 0, "fsync failed");
            checkDisk(f);
        } else if (kind < 420) {
            // mmap
            if (p.maps.size() >= 4) {
                return;
            }
            int pages = 1 + rnd.nextInt(rnd.nextBoolean() ? 8 : 400);
            long firstIndex = rnd.nextInt(Page.pages(MAX_SIZE) > 0 ? (int) Page.pages(MAX_SIZE) : 1);
            if (rnd.nextBoolean()) {
                firstIndex = Math.max(0, Page.pages(fm.size) - 1 - rnd.nextInt(4));
            }
            boolean shared = rnd.nextInt(3) != 0;
            boolean writable = rnd.nextInt(4) != 0;
            int prot = Mman.PROT_READ | (writable ? Mman.PROT_WRITE : 0);
            boolean fixed = !p.maps.isEmpty() && rnd.nextInt(4) == 0;
            long at = 0;
            if (fixed) {
                // MAP_FIXED over (part of) an existing mapping
                Mapping old = p.maps.get(rnd.nextInt(p.maps.size()));
                int from = rnd.nextInt(old.pages);
                pages = Math.min(pages, old.pages - from);
                at = old.addr + (long) from * PAGE;
            }
            record("mmap f" + f + " index " + firstIndex + " pages " + pages + (shared ? " shared" : " private")
                + (writable ? " rw" : " ro") + " pid " + p.pid);
            if (fixed) {
                record("  fixed at " + Long.toHexString(at));
            }
            long addr = mm.mmap(p.pid, at, (long) pages * PAGE, prot, (shared ? Mman.MAP_SHARED : Mman.MAP_PRIVATE)
                | (fixed ? Mman.MAP_FIXED : 0), p.fds[f], firstIndex * PAGE);
            check(addr > 0 && (!fixed || addr == at), "mmap returned " + addr);
            if (fixed) {
                unmapModel(p, at, pages);
            }
            p.maps.add(new Mapping(addr, f, firstIndex, pages, shared, prot));
        } else if (kind < 440) {
            if (p.maps.isEmpty()) {
                return;
            }
            Mapping mp = p.maps.get(rnd.nextInt(p.maps.size()));
            int from = rnd.nextBoolean() ? 0 : rnd.nextInt(mp.pages);
            int n = rnd.nextBoolean() ? mp.pages - from : 1 + rnd.nextInt(mp.pages - from);
            if (rnd.nextInt(3) == 0) {
                int prot = rnd.nextInt(4) == 0 ? Mman.PROT_READ : Mman.PROT_READ | Mman.PROT_WRITE;
                boolean ok = true;
                for (int i = from; i < from + n; i++) {
                    ok &= mp.prot[i] != 0;
                }
                if (!ok) {
                    return;
                }
                record("mprotect " + Long.toHexString(mp.addr) + " pages " + from + "+" + n + " prot " + prot + " pid " + p.pid);
                check(mm.mprotect(p.pid, mp.addr + (long) from * PAGE, (long) n * PAGE, prot) == 0, "mprotect failed");
                for (int i = from; i < from + n; i++) {
                    mp.prot[i] = prot;
                }
                return;
            }
            record("munmap " + Long.toHexString(mp.addr) + " pages " + from + "+" + n + " pid " + p.pid);
            check(mm.munmap(p.pid, mp.addr + (long) from * PAGE, (long) n * PAGE) == 0, "munmap failed");
            unmapModel(p, mp.addr + (long) from * PAGE, n);
        } else if (kind < 640) {
            // loads and stores through a mapping
            if (p.maps.isEmpty()) {
                return;
            }
            Mapping mp = p.maps.get(rnd.nextInt(p.maps.size()));
            FileModel mf = model[mp.file];
            int pg = rnd.nextInt(mp.pages);
            long lastPage = Page.pages(mf.size) - 1 - mp.firstIndex;
            if (rnd.nextInt(3) == 0 && lastPage >= 0 && lastPage < mp.pages) {
                pg = (int) lastPage; // the file's last page: partial, its tail past i_size
            }
            if (mp.prot[pg] == 0 || (mp.firstIndex + pg >= Page.pages(mf.size) && rnd.nextInt(5) != 0)) {
                return;
            }
            long idx = mp.firstIndex + pg;
            boolean store = (mp.prot[pg] & Mman.PROT_WRITE) != 0 && rnd.nextBoolean();
            int count = 1 + rnd.nextInt(rnd.nextBoolean() ? 4 : 200);
            record((store ? "store" : "load") + " x" + count + " f" + mp.file + " page " + idx
                + (mp.shared ? " shared" : " private") + " pid " + p.pid);
            if (idx >= Page.pages(mf.size)) {
                // SIGBUS: the page lies wholly past the end of the file
                boolean alive = store ? mm.store(p.pid, mp.addr + (long) pg * PAGE, 1, 0) : mm.load(p.pid, mp.addr + (long) pg * PAGE, 1) == 0
                    && mm.alive(p.pid);
                check(!alive && !mm.alive(p.pid), "access past the end of the file (page " + idx + ", size " + mf.size
                    + ") did not kill");
                killed(p);
                return;
            }
            // stay inside the file: bytes past i_size in the last page are not the file's
            int limit = (int) Math.min(PAGE, mf.size - idx * PAGE);
            if (store && mp.shared && limit < PAGE && rnd.nextInt(4) == 0) {
                // a store past i_size inside the last page: never the file's, zeros once the file grows over it
                int off = limit + rnd.nextInt(PAGE - limit);
                record("  past eof at " + off);
                pastEof++;
                check(mm.store(p.pid, mp.addr + (long) pg * PAGE + off, 1, 0x5a), "store past eof killed the process");
                return;
            }
            for (int c = 0; c < count; c++) {
                int off = rnd.nextInt(limit);
                long va = mp.addr + (long) pg * PAGE + off;
                long pos = idx * PAGE + off;
                if (store) {
                    byte b = (byte) rnd.nextInt();
                    check(mm.store(p.pid, va, 1, b & 0xff), "store killed the process");
                    if (mp.shared) {
                        mf.data[(int) pos] = b;
                    } else {
                        mp.cow.computeIfAbsent(idx, i -> {
                            // the copy holds the page as the cache has it; past i_size that is unknown to the model
                            byte[] c2 = mf.page(i);
                            mp.known.put(i, (int) Math.min(PAGE, mf.size - i * PAGE));
                            return c2;
                        })[off] = b;
                        if (off >= mp.known.get(idx)) {
                            mp.storedPastKnown.computeIfAbsent(idx, i -> new java.util.BitSet()).set(off);
                        }
                    }
                } else {
                    long got = mm.load(p.pid, va, 1);
                    check(mm.alive(p.pid), "load killed the process");
                    byte[] priv = mp.shared ? null : mp.cow.get(idx);
                    if (priv != null && off >= mp.known.get(idx)
                        && !mp.storedPastKnown.getOrDefault(idx, new java.util.BitSet()).get(off)) {
                        continue;
                    }
                    byte want = priv != null ? priv[off] : mf.data[(int) pos];
                    check((byte) got == want, "load f" + mp.file + " pos " + Long.toHexString(pos) + (priv != null ? " (private copy)" : "")
                        + ": got " + (byte) got + ", expected " + want);
                }
            }
        } else if (kind < 660) {
            if (procs.size() >= 5) {
                Proc victim = procs.get(1 + rnd.nextInt(procs.size() - 1));
                record("exit pid " + victim.pid);
                mm.exit(victim.pid);
                killed(victim);
                return;
            }
            record("fork pid " + p.pid);
            int child = mm.fork(p.pid);
            check(child > 0, "fork " + child);
            Proc c = new Proc(child);
            System.arraycopy(p.fds, 0, c.fds, 0, FILES);
            for (Mapping mp : p.maps) {
                c.maps.add(mp.copy());
            }
            procs.add(c);
        } else if (kind < 760) {
            // the hog touches its memory
            int n = 1 + rnd.nextInt(64);
            record("hog x" + n);
            for (int i = 0; i < n; i++) {
                int pg = rnd.nextInt(hogPages);
                long va = hogAddr + (long) pg * PAGE + 8 * (pg % 100);
                if (rnd.nextBoolean()) {
                    long v = rnd.nextLong();
                    check(mm.store(hog, va, 8, v), "hog store");
                    hogModel[pg] = v;
                } else {
                    check(mm.load(hog, va, 8) == hogModel[pg], "hog load page " + pg);
                }
            }
        } else if (kind < 900) {
            long t = rnd.nextInt(4) == 0 ? rnd.nextLong(3000 * MS) : rnd.nextLong(50 * MS);
            record("advance " + t / MS + " ms");
            m.clock().advance(t);
        } else {
            // sequential read of a stretch (read-ahead)
            int pos = rnd.nextInt(Math.max(1, fm.size));
            int total = rnd.nextInt(256 << 10);
            record("seqread f" + f + " " + Integer.toHexString(pos) + " total " + total);
            while (total > 0) {
                int len = Math.min(total, 1 + rnd.nextInt(PAGE * 3));
                int n = mm.pread(p.pid, p.fds[f], buf, len, pos);
                int expected = Math.max(0, Math.min(len, fm.size - pos));
                check(n == expected, "seq pread returned " + n + ", expected " + expected);
                int i = n <= 0 ? -1 : Arrays.mismatch(buf, 0, n, fm.data, pos, pos + n);
                check(i < 0, "seq pread at " + Integer.toHexString(pos + Math.max(i, 0)));
                if (n <= 0) {
                    break;
                }
                pos += n;
                total -= n;
            }
        }
    }
}
