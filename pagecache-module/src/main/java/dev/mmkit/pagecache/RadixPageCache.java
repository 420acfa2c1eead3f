package dev.mmkit.pagecache;

import dev.mmkit.api.machine.Machine;
import dev.mmkit.api.machine.MemMap;
import dev.mmkit.api.machine.PageFlags;
import dev.mmkit.api.machine.Settings;
import dev.mmkit.api.machine.VmStat;
import dev.mmkit.api.page.PageAllocator;
import dev.mmkit.api.pagecache.AddressSpace;
import dev.mmkit.api.pagecache.PageCache;
import dev.mmkit.api.reclaim.Vmscan;
import dev.mmkit.api.slab.KmemCache;
import dev.mmkit.api.slab.SlabFlags;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * The page cache {@code radix}: one {@link FileAddressSpace} per file, each indexed by a
 * tagged {@link RadixTree}, over real files under the files directory.
 *
 * <h2>Files</h2>
 * A path names a file relative to the files directory ({@code directory}, relative to the
 * run directory); a path that is absolute or climbs out with {@code ..} is refused. The
 * file is opened through the machine's backing store provider, so fault injection
 * ({@code mmkit.machine.backing.fail}) applies to it. Address-space ids (the MemMap
 * {@code mapping} of their pages) are 1, 2, ... in the order files were first opened.
 *
 * <h2>The dirty list ({@code wb->b_dirty})</h2>
 * Files with dirty pages, in the order they became dirty ({@code dirtied_when}): the
 * writeback primitive and the flusher take the oldest first, as Linux's
 * {@code move_expired_inodes} does. Age is a file's, not a page's: a file dirtied long ago
 * is written whole, including pages dirtied since, as in Linux.
 *
 * <h2>Reclaim</h2>
 * Pages enter the replacement policy when read ({@code Vmscan.lruAdd}); the core unmaps the
 * policy's file victims and hands them to {@link #reclaimPage}, which drops clean pages and
 * writes dirty ones first when the caller may call into the file system.
 *
 * <h2>Time</h2>
 * Each read request (a read-ahead window, or a single page) costs one {@code cost.page-io}
 * of virtual time to the {@code read(2)} that waited for it: read-ahead turns many page
 * reads into few requests. Faults are charged by the core.
 *
 * <h2>With {@code memory.backing = none}</h2>
 * Page contents are not kept, so no file byte is read or written (files keep their
 * length); every count and flag is as with bytes.
 */
final class RadixPageCache implements PageCache {
    final Machine machine;
    final VmStat vmstat;
    final boolean keepsData;
    private final MemMap memMap;
    private final String directory;
    private final long raPages;
    private final List<FileAddressSpace> files = new ArrayList<>();
    private final Map<String, FileAddressSpace> byPath = new HashMap<>();
    /** {@code b_dirty}: dirty files in {@code dirtied_when} order. */
    private final LinkedHashSet<FileAddressSpace> dirtyInodes = new LinkedHashSet<>();
    private Path filesDir;
    private KmemCache nodeCache;
    private PageAllocator allocator;
    private Vmscan vmscan;
    private Boolean hasFlusher;

    long pagesRead;
    long pagesWritten;
    long readErrors;
    long writeErrors;
    long ioRequestsCharged;

    /** @param settings the {@code mmkit.machine.page-cache} block */
    RadixPageCache(Machine machine, Settings settings) {
        this.machine = machine;
        this.vmstat = machine.vmstat();
        this.memMap = machine.memMap();
        this.keepsData = machine.memory().keepsUserData();
        this.directory = settings.getString("directory");
        this.raPages = settings.getBytes("read-ahead-max") / dev.mmkit.api.hw.Page.SIZE;
    }

    // ------------------------------------------------------------------ collaborators

    KmemCache nodeCache() {
        if (nodeCache == null) {
            nodeCache = machine.slab().createCache("radix_tree_node", RadixTree.NODE_SIZE, 8,
                SlabFlags.SLAB_RECLAIM_ACCOUNT, null);
        }
        return nodeCache;
    }

    PageAllocator allocator() {
        if (allocator == null) {
            allocator = machine.pageAllocator();
        }
        return allocator;
    }

    Vmscan vmscan() {
        if (vmscan == null) {
            vmscan = machine.memoryManager().vmscan();
        }
        return vmscan;
    }

    private Path filesDir() throws IOException {
        if (filesDir == null) {
            filesDir = Files.createDirectories(machine.runDirectory().resolve(directory));
        }
        return filesDir;
    }

    // ------------------------------------------------------------------ files

    @Override
    public AddressSpace open(String path, boolean create) throws IOException {
        String key = normalize(path);
        FileAddressSpace as = byPath.get(key);
        if (as != null) {
            return as;
        }
        Path file = filesDir().resolve(key);
        // path_openat's errors: a component that is a file is ENOTDIR, the file itself a directory EISDIR
        for (Path dir = file.getParent(); dir != null && dir.startsWith(filesDir()) && !dir.equals(filesDir()); dir = dir.getParent()) {
            if (Files.exists(dir) && !Files.isDirectory(dir)) {
                throw new NotDirectoryException(path);
            }
        }
        if (Files.isDirectory(file)) {
            throw new FileSystemException(path, null, "Is a directory");
        }
        if (!Files.exists(file)) {
            if (!create) {
                throw new NoSuchFileException(path);
            }
            Files.createDirectories(file.getParent());
        }
        as = new FileAddressSpace(this, files.size() + 1, key, machine.openBackingStore(file), raPages);
        files.add(as);
        byPath.put(key, as);
        return as;
    }

    /** The path relative to the files directory, refusing paths that leave it. */
    static String normalize(String path) throws IOException {
        if (path == null || path.isEmpty()) {
            throw new NoSuchFileException("", null, "file path: empty"); // ENOENT, as for open("")
        }
        Path p = Path.of(path).normalize();
        if (p.isAbsolute() || p.toString().isEmpty() || p.startsWith("..")) {
            throw new IOException("file path [" + path + "]: must stay inside the files directory");
        }
        return p.toString().replace('\\', '/');
    }

    @Override
    public FileAddressSpace byId(int id) {
        return id >= 1 && id <= files.size() ? files.get(id - 1) : null;
    }

    @Override
    public List<? extends AddressSpace> addressSpaces() {
        return Collections.unmodifiableList(files);
    }

    @Override
    public long nrPages() {
        long n = 0;
        for (FileAddressSpace f : files) {
            n += f.nrPages();
        }
        return n;
    }

    @Override
    public long nrDirty() {
        long n = 0;
        for (FileAddressSpace f : files) {
            n += f.nrDirty;
        }
        return n;
    }

    @Override
    public long nrWriteback() {
        long n = 0;
        for (FileAddressSpace f : files) {
            n += f.nrWriteback;
        }
        return n;
    }

    // ------------------------------------------------------------------ dirty files

    void inodeDirtied(FileAddressSpace as) {
        dirtyInodes.add(as);
    }

    void inodeClean(FileAddressSpace as) {
        as.dirtiedWhen = -1;
        dirtyInodes.remove(as);
    }

    /** The dirty files, oldest first (a copy: writing them changes the list). */
    List<FileAddressSpace> dirtyInodes() {
        return new ArrayList<>(dirtyInodes);
    }

    /** {@code balance_dirty_pages_ratelimited}: tells the writeback daemon, when there is one. */
    void balanceDirtyPages(long dirtied) {
        if (hasFlusher == null) {
            Settings s = machine.settings();
            hasFlusher = s.has("reclaim.writeback.impl") && !s.getString("reclaim.writeback.impl").equals("none");
        }
        if (hasFlusher) {
            machine.writebackDaemon().dirtied(dirtied);
        }
    }

    /** A {@code read(2)} waited for {@code requests} I/O requests. */
    void chargeIo(long requests) {
        if (requests > 0) {
            ioRequestsCharged += requests;
            machine.clock().advance(requests * machine.cost().pageIo());
        }
    }

    @Override
    public long writeback(long dirtiedBefore, long maxPages) {
        long written = 0;
        for (FileAddressSpace as : dirtyInodes()) {
            if (written >= maxPages || as.dirtiedWhen >= dirtiedBefore) {
                break;
            }
            written += as.writepages(maxPages - written, true, null);
        }
        return written;
    }

    @Override
    public boolean reclaimPage(long pfn, boolean mayWrite) {
        if (memMap.testFlag(pfn, PageFlags.PG_ANON)) {
            return false;
        }
        FileAddressSpace as = byId(memMap.mapping(pfn));
        if (as == null) {
            return false;
        }
        long index = memMap.index(pfn);
        if (as.findPage(index) != pfn) {
            return false;
        }
        return as.reclaim(index, pfn, mayWrite);
    }

    @Override
    public void shutdown() throws IOException {
        IOException first = null;
        for (FileAddressSpace as : files) {
            try {
                as.close();
            } catch (IOException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** The cache's own work, for reports and tests. */
    Map<String, Long> counters() {
        Map<String, Long> c = new LinkedHashMap<>();
        long windows = 0;
        long ahead = 0;
        long async = 0;
        long random = 0;
        for (FileAddressSpace f : files) {
            windows += f.ra.windows;
            ahead += f.ra.pagesReadAhead;
            async += f.ra.asyncHits;
            random += f.ra.randomReads;
        }
        c.put("files", (long) files.size());
        c.put("pages_read", pagesRead);
        c.put("pages_written", pagesWritten);
        c.put("ra_windows", windows);
        c.put("ra_pages", ahead);
        c.put("ra_async_hits", async);
        c.put("ra_random_reads", random);
        c.put("read_io_requests", ioRequestsCharged);
        c.put("read_errors", readErrors);
        c.put("write_errors", writeErrors);
        return c;
    }

    /** Re-derives every file's invariants and the dirty list's. */
    void verify() {
        for (FileAddressSpace as : files) {
            as.verify();
            if ((as.nrDirty > 0) != dirtyInodes.contains(as)) {
                throw new IllegalStateException(as.path() + ": " + as.nrDirty + " dirty pages but "
                    + (dirtyInodes.contains(as) ? "on" : "off") + " the dirty list");
            }
        }
        long prev = Long.MIN_VALUE;
        for (FileAddressSpace as : dirtyInodes) {
            if (as.dirtiedWhen < prev) {
                throw new IllegalStateException("dirty list out of dirtied_when order at " + as.path());
            }
            prev = as.dirtiedWhen;
        }
    }
}
