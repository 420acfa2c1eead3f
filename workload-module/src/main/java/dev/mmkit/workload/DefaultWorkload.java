package dev.mmkit.workload;

import dev.mmkit.api.hw.Page;
import dev.mmkit.api.workload.Kernel;
import dev.mmkit.api.workload.Mman;
import dev.mmkit.api.workload.WorkloadException;
import dev.mmkit.api.workload.WorkloadSource;

/**
 * The workload of {@code mmkit run} with no arguments: a short program that walks the whole
 * machine through the {@link Kernel} and checks that memory keeps what is stored in it.
 *
 * <h2>What it does, in order</h2>
 * <ol>
 *   <li><b>init</b> starts; its heap grows twice through {@code brk}, a stack is mapped
 *       ({@code MAP_GROWSDOWN}) and filled from the top; every word stored is loaded back.</li>
 *   <li><b>fork</b>: the child reads the parent's heap (shared copy-on-write), overwrites it,
 *       and the parent checks that its own values did not change (the copy happened).</li>
 *   <li><b>mmap / mprotect / munmap</b>: init maps a region, fills it, makes it read-only,
 *       reads it, and unmaps two pages in the middle (one VMA becomes two).</li>
 *   <li><b>exec</b>: the child becomes <b>worker</b> with a fresh address space and stores into
 *       {@code pressure} × RAM of anonymous memory, one word per page, then loads every word
 *       back, newest first: more memory than RAM, so reclaim swaps pages out and the loads
 *       swap them in.
 *       Then it unmaps half of it.</li>
 *   <li><b>segv</b>: another child of init maps a read-only page and stores to it; the store
 *       must kill it with SIGSEGV.</li>
 *   <li><b>files</b> (only when the machine has a page cache: {@code open} answering a
 *       negative errno such as -19, ENODEV, skips this part): init writes a file with
 *       {@code pwrite}, reads it back with {@code pread}, maps it {@code MAP_SHARED}, checks
 *       the mapped words, stores through the mapping and sees the store with {@code pread};
 *       a <b>reader</b> process maps the same file privately, checks it, and writes its
 *       private copy.</li>
 * </ol>
 * A load that returns another value than was stored is a {@link WorkloadException}
 * {@code data mismatch at pid P vaddr 0x...}. With {@code memory.backing = none} page
 * contents are not kept, so values are stored and loaded but not compared. A process that
 * the machine kills (out of memory) ends its part of the program; the report shows why.
 * The OOM killer picks the largest process, not always the one that faulted, so every part
 * starts by asking whether its process is still alive (a call naming a dead process would
 * throw). A fork, exec or spawn that finds no memory (-ENOMEM) skips the part that needed
 * it; only init's spawn failing is an error ({@code cannot start init: out of memory}), and
 * a dead init ends the parts that are its own or forked from it. init, worker and reader
 * stay alive, so that the report shows their maps.
 */
final class DefaultWorkload implements WorkloadSource {
    private static final int PAGE = Page.SIZE;
    private static final int RW = Mman.PROT_READ | Mman.PROT_WRITE;
    private static final int ANON = Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS;
    static final String FILE_NAME = "default-workload.dat";
    static final int FILE_PAGES = 16;

    private final long pressurePages;
    private final boolean checkData;
    private final long seed;

    /**
     * @param ramBytes the machine's memory size
     * @param pressure how many times RAM the worker touches
     * @param checkData whether page contents are kept, so loads can be compared
     * @param seed mixed into every stored value
     */
    DefaultWorkload(long ramBytes, double pressure, boolean checkData, long seed) {
        this.pressurePages = Math.max(1, (long) (ramBytes / PAGE * pressure));
        this.checkData = checkData;
        this.seed = seed;
    }

    @Override
    public long expectedReferences() {
        return 2 * pressurePages + 1000;
    }

    @Override
    public void run(Kernel kernel) {
        int init = kernel.spawn("init");
        if (init < 0) {
            throw new WorkloadException("cannot start init: out of memory (errno " + init + ")");
        }

        // Heap: brk(0) answers the current break; grow it twice.
        long heap = kernel.brk(init, 0);
        long heapPages = grow(kernel, init, heap, 32);
        if (!fill(kernel, init, heap, heapPages, 1) || !check(kernel, init, heap, heapPages, 1)) {
            return;
        }
        long more = grow(kernel, init, heap + heapPages * PAGE, 32);
        if (!fill(kernel, init, heap + heapPages * PAGE, more, 2) || !check(kernel, init, heap, heapPages, 1)) {
            return;
        }
        heapPages += more;

        // Stack: a growsdown mapping, filled from the top as a stack is.
        long stackPages = 16;
        long stack = kernel.mmap(init, 0, stackPages * PAGE, RW, ANON | Mman.MAP_GROWSDOWN, -1, 0);
        if (stack >= 0) {
            for (long i = stackPages - 1; i >= 0; i--) {
                if (!kernel.store(init, stack + i * PAGE + PAGE - 8, 8, value(3, i))) {
                    return;
                }
            }
            for (long i = 0; i < stackPages; i++) {
                if (!expect(kernel, init, stack + i * PAGE + PAGE - 8, value(3, i))) {
                    return;
                }
            }
        }

        // fork: the child shares the heap copy-on-write, then writes its own copy. A fork
        // without memory (-ENOMEM) leaves no child: the parts of the program that need one
        // are skipped.
        if (!kernel.alive(init)) {
            return;
        }
        int child = kernel.fork(init);
        long shared = Math.min(heapPages, 32);
        if (child >= 0 && check(kernel, child, heap, shared, 1) && fill(kernel, child, heap, shared, 4)) {
            check(kernel, child, heap, shared, 4);
        }
        if (check(kernel, init, heap, shared, 1)) {
            region(kernel, init);
        }

        // exec: the child becomes the worker that puts the machine under memory pressure (an
        // exec without memory, -ENOMEM, leaves the child as it was: no worker then).
        if (child >= 0 && kernel.alive(child) && kernel.execve(child, "worker") == 0) {
            pressure(kernel, child);
        }

        // A store to a read-only page kills with SIGSEGV.
        if (kernel.alive(init)) {
            segv(kernel, init);
        }

        // Files through the page cache, when the machine has one.
        if (kernel.alive(init)) {
            files(kernel, init);
        }
    }

    /** mmap, mprotect read-only, munmap from the middle. */
    private void region(Kernel kernel, int init) {
        long regionPages = 8;
        long region = kernel.mmap(init, 0, regionPages * PAGE, RW, ANON, -1, 0);
        if (region >= 0) {
            if (!fill(kernel, init, region, regionPages, 5)) {
                return;
            }
            kernel.mprotect(init, region, regionPages * PAGE, Mman.PROT_READ);
            if (!kernel.alive(init) || !check(kernel, init, region, regionPages, 5)) {
                return;
            }
            kernel.munmap(init, region + 3 * PAGE, 2 * PAGE);
        }
    }

    /** Grows the break by up to {@code pages}; answers the pages it grew by. */
    private static long grow(Kernel kernel, int pid, long from, long pages) {
        long to = kernel.brk(pid, from + pages * PAGE);
        return to > from ? (to - from) / PAGE : 0;
    }

    private void pressure(Kernel kernel, int pid) {
        if (!kernel.alive(pid)) {
            return; // exec could not build the new address space
        }
        long pages = pressurePages;
        long area = kernel.mmap(pid, 0, pages * PAGE, RW, ANON, -1, 0);
        while (area < 0 && pages > 1) {
            pages /= 2;
            area = kernel.mmap(pid, 0, pages * PAGE, RW, ANON, -1, 0);
        }
        if (area < 0) {
            return;
        }
        if (!fill(kernel, pid, area, pages, 6)) {
            return;
        }
        // Newest first: the pages still resident are checked before the swapped ones are
        // faulted back in, so each swapped page is read once (a forward pass would make
        // FIFO or LRU swap every page, a loop one page longer than memory).
        for (long i = pages - 1; i >= 0; i--) {
            if (!expect(kernel, pid, area + i * PAGE + slot(i), value(6, i))) {
                return;
            }
        }
        kernel.munmap(pid, area + (pages / 2) * PAGE, (pages - pages / 2) * PAGE);
    }

    private void segv(Kernel kernel, int parent) {
        int victim = kernel.fork(parent);
        if (victim < 0) {
            return;
        }
        // an exec without memory leaves the child a copy of its parent: a store still faults
        kernel.execve(victim, "segv");
        if (!kernel.alive(victim)) {
            return;
        }
        long page = kernel.mmap(victim, 0, PAGE, Mman.PROT_READ, ANON, -1, 0);
        if (page < 0) {
            if (kernel.alive(victim)) {
                kernel.exit(victim);
            }
            return;
        }
        long loaded = kernel.load(victim, page, 8);
        if (!kernel.alive(victim)) {
            return;
        }
        if (loaded != 0 && checkData) {
            throw new WorkloadException("data mismatch at pid " + victim + " vaddr " + Page.hex(page)
                + ": expected 0x0 (a fresh anonymous page), got another value");
        }
        if (kernel.store(victim, page, 8, 1) || kernel.alive(victim)) {
            throw new WorkloadException("store to read-only page at pid " + victim + " vaddr " + Page.hex(page)
                + " did not fault (expected: SIGSEGV)");
        }
    }

    private void files(Kernel kernel, int pid) {
        int fd = kernel.open(pid, FILE_NAME, true);
        if (fd < 0) {
            return; // no page cache (ENODEV) or no files directory: the machine runs without files
        }
        byte[] buffer = new byte[PAGE];
        for (int p = 0; p < FILE_PAGES; p++) {
            if (!kernel.alive(pid)) {
                return; // a page-cache allocation OOM-killed it
            }
            fillPage(buffer, p);
            int n = kernel.pwrite(pid, fd, buffer, PAGE, (long) p * PAGE);
            if (n != PAGE) {
                throw new WorkloadException("pwrite of " + FILE_NAME + " page " + p + " by pid " + pid + ": " + n
                    + " (expected: " + PAGE + ")");
            }
        }
        for (int p = 0; p < FILE_PAGES; p++) {
            if (!kernel.alive(pid)) {
                return;
            }
            int n = kernel.pread(pid, fd, buffer, PAGE, (long) p * PAGE);
            if (n != PAGE) {
                throw new WorkloadException("pread of " + FILE_NAME + " page " + p + " by pid " + pid + ": " + n
                    + " (expected: " + PAGE + ")");
            }
            if (checkData) {
                for (int w = 0; w < PAGE / 8; w++) {
                    long got = word(buffer, w);
                    if (got != fileValue(p, w)) {
                        throw new WorkloadException("data mismatch in " + FILE_NAME + " at offset " + Page.hex((long) p * PAGE + w * 8L)
                            + " read by pid " + pid + ": expected " + Page.hex(fileValue(p, w)) + ", got " + Page.hex(got));
                    }
                }
            }
        }
        if (!kernel.alive(pid)) {
            return;
        }
        long map = kernel.mmap(pid, 0, (long) FILE_PAGES * PAGE, RW, Mman.MAP_SHARED, fd, 0);
        if (map >= 0) {
            for (int p = 0; p < FILE_PAGES; p++) {
                if (!expect(kernel, pid, map + (long) p * PAGE + 8 * (p % 512), fileValue(p, p % 512))) {
                    return;
                }
            }
            long stored = value(7, 0);
            if (!kernel.store(pid, map, 8, stored)) {
                return;
            }
            int n = kernel.pread(pid, fd, buffer, 8, 0);
            if (n == 8 && checkData && word(buffer, 0) != stored) {
                throw new WorkloadException("data mismatch in " + FILE_NAME + " at offset 0x0 read by pid " + pid
                    + " after a store through a MAP_SHARED mapping: expected " + Page.hex(stored) + ", got " + Page.hex(word(buffer, 0)));
            }
            if (kernel.alive(pid)) {
                kernel.fsync(pid, fd);
            }
        }

        int reader = kernel.spawn("reader");
        if (reader < 0) {
            kernel.close(pid, fd); // no memory for the reader
            return;
        }
        int rfd = kernel.open(reader, FILE_NAME, false);
        if (rfd >= 0) {
            long rmap = kernel.mmap(reader, 0, (long) FILE_PAGES * PAGE, RW, Mman.MAP_PRIVATE, rfd, 0);
            if (rmap >= 0) {
                for (int p = 1; p < FILE_PAGES; p++) {
                    if (!expect(kernel, reader, rmap + (long) p * PAGE, fileValue(p, 0))) {
                        return;
                    }
                }
                // A private store is copied on write: the file keeps its value.
                if (!kernel.store(reader, rmap + PAGE, 8, value(8, 1)) || !expect(kernel, reader, rmap + PAGE, value(8, 1))) {
                    return;
                }
                int n = kernel.pread(reader, rfd, buffer, 8, PAGE);
                if (n == 8 && checkData && word(buffer, 0) != fileValue(1, 0)) {
                    throw new WorkloadException("data mismatch in " + FILE_NAME + " at offset 0x1000 read by pid " + reader
                        + " after a store through a MAP_PRIVATE mapping: expected " + Page.hex(fileValue(1, 0))
                        + ", got " + Page.hex(word(buffer, 0)));
                }
            }
            if (kernel.alive(reader)) {
                kernel.close(reader, rfd);
            }
        }
        if (kernel.alive(pid)) {
            kernel.close(pid, fd);
        }
    }

    /** Stores one word in each page; false when the process was killed (or was dead already: another's fault may OOM-kill it). */
    private boolean fill(Kernel kernel, int pid, long start, long pages, int tag) {
        if (!kernel.alive(pid)) {
            return false;
        }
        for (long i = 0; i < pages; i++) {
            if (!kernel.store(pid, start + i * PAGE + slot(i), 8, value(tag, i))) {
                return false;
            }
        }
        return true;
    }

    /** Loads the word {@link #fill} stored in each page and compares it; false as {@link #fill}. */
    private boolean check(Kernel kernel, int pid, long start, long pages, int tag) {
        if (!kernel.alive(pid)) {
            return false;
        }
        for (long i = 0; i < pages; i++) {
            if (!expect(kernel, pid, start + i * PAGE + slot(i), value(tag, i))) {
                return false;
            }
        }
        return true;
    }

    /** One load compared with what should be there; false when the process was killed. */
    private boolean expect(Kernel kernel, int pid, long vaddr, long expected) {
        long got = kernel.load(pid, vaddr, 8);
        if (!kernel.alive(pid)) {
            return false;
        }
        if (checkData && got != expected) {
            throw new WorkloadException("data mismatch at pid " + pid + " vaddr " + Page.hex(vaddr)
                + ": expected " + Page.hex(expected) + ", got " + Page.hex(got));
        }
        return true;
    }

    /** Where in page {@code i} its word goes: a different offset per page. */
    private static long slot(long i) {
        return (i * 8) & (PAGE - 1);
    }

    /** The value for page {@code i} of the region tagged {@code tag}: distinct and never 0. */
    long value(int tag, long i) {
        long z = seed + tag * 0x9E3779B97F4A7C15L + i * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 30)) * 0x94D049BB133111EBL;
        z ^= z >>> 31;
        return z == 0 ? 1 : z;
    }

    /** The file's word {@code w} of page {@code p}. */
    long fileValue(int p, int w) {
        return value(9, (long) p * 512 + w);
    }

    private void fillPage(byte[] buffer, int p) {
        for (int w = 0; w < PAGE / 8; w++) {
            long v = fileValue(p, w);
            for (int b = 0; b < 8; b++) {
                buffer[w * 8 + b] = (byte) (v >>> (8 * b));
            }
        }
    }

    private static long word(byte[] buffer, int w) {
        long v = 0;
        for (int b = 7; b >= 0; b--) {
            v = (v << 8) | (buffer[w * 8 + b] & 0xff);
        }
        return v;
    }
}
