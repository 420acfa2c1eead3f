package dev.mmkit.paging;

import dev.mmkit.api.hw.Page;
import dev.mmkit.api.machine.Machine;
import dev.mmkit.api.machine.PageFlags;
import dev.mmkit.api.machine.VmItem;
import dev.mmkit.api.page.Gfp;
import dev.mmkit.api.page.PageAllocator;
import dev.mmkit.api.pagecache.AddressSpace;
import dev.mmkit.api.pagecache.PageCache;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A minimal page cache for testing file mappings until the page-cache module exists: files
 * are byte arrays in memory, cached pages are frames from the page allocator that hold one
 * reference each, dirty pages go back to the array on fsync or reclaim. Like the real page
 * cache, it counts its pages in {@code NR_FILE_PAGES}, puts each page it reads on the LRU ({@code Vmscan.lruAdd}) and takes it off when
 * truncate drops it ({@code Vmscan.lruDel}).
 */
public final class TestPageCache implements PageCache {
    private final Machine machine;
    private final Map<String, File> byPath = new HashMap<>();
    private final List<File> files = new ArrayList<>();
    /** The contents of the files, by path: what a test sets up and checks. */
    public final Map<String, byte[]> disk = new HashMap<>();

    public TestPageCache(Machine machine) {
        this.machine = machine;
    }

    @Override
    public AddressSpace open(String path, boolean create) throws IOException {
        File f = byPath.get(path);
        if (f != null) {
            return f;
        }
        if (!disk.containsKey(path)) {
            if (!create) {
                throw new NoSuchFileException(path);
            }
            disk.put(path, new byte[0]);
        }
        f = new File(files.size() + 1, path);
        files.add(f);
        byPath.put(path, f);
        return f;
    }

    @Override
    public AddressSpace byId(int id) {
        return id >= 1 && id <= files.size() ? files.get(id - 1) : null;
    }

    @Override
    public List<? extends AddressSpace> addressSpaces() {
        return files;
    }

    @Override
    public long nrPages() {
        return files.stream().mapToLong(File::nrPages).sum();
    }

    @Override
    public long nrDirty() {
        return files.stream().mapToLong(f -> f.dirty.size()).sum();
    }

    @Override
    public long nrWriteback() {
        return 0;
    }

    @Override
    public long writeback(long dirtiedBefore, long maxPages) {
        long n = 0;
        for (File f : files) {
            n += f.dirty.size();
            f.flush();
        }
        return n;
    }

    @Override
    public boolean reclaimPage(long pfn, boolean mayWrite) {
        File f = (File) byId(machine.memMap().mapping(pfn));
        if (f == null || machine.memMap().mapcount(pfn) != 0) {
            return false;
        }
        long index = machine.memMap().index(pfn);
        if (f.dirty.contains(index)) {
            if (!mayWrite) {
                return false;
            }
            f.writePage(index);
        }
        f.drop(index);
        return true;
    }

    @Override
    public void shutdown() {
        for (File f : files) {
            f.flush();
        }
    }

    final class File implements AddressSpace {
        final int id;
        final String path;
        final Map<Long, Long> pages = new HashMap<>();
        final Set<Long> dirty = new HashSet<>();

        File(int id, String path) {
            this.id = id;
            this.path = path;
        }

        @Override
        public int id() {
            return id;
        }

        @Override
        public String path() {
            return path;
        }

        @Override
        public long size() {
            return disk.get(path).length;
        }

        @Override
        public long findPage(long index) {
            return pages.getOrDefault(index, -1L);
        }

        @Override
        public long readPage(long index) {
            Long cached = pages.get(index);
            if (cached != null) {
                return cached;
            }
            long pfn = machine.pageAllocator().allocPages(Gfp.GFP_HIGHUSER_MOVABLE, 0);
            if (pfn == PageAllocator.NO_PAGE) {
                return -1;
            }
            byte[] bytes = disk.get(path);
            byte[] page = new byte[Page.SIZE];
            int from = (int) Math.min(bytes.length, index * Page.SIZE);
            int to = Math.min(bytes.length, from + Page.SIZE);
            System.arraycopy(bytes, from, page, 0, to - from);
            machine.memory().write(Page.address(pfn), page, 0, Page.SIZE);
            machine.memMap().setMapping(pfn, id);
            machine.memMap().setIndex(pfn, index);
            machine.memMap().setFlag(pfn, PageFlags.PG_UPTODATE);
            pages.put(index, pfn);
            machine.vmstat().inc(VmItem.NR_FILE_PAGES);
            machine.memoryManager().vmscan().lruAdd(pfn);
            return pfn;
        }

        @Override
        public void setPageDirty(long index) {
            if (pages.containsKey(index)) {
                dirty.add(index);
                machine.memMap().setFlag(pages.get(index), PageFlags.PG_DIRTY);
            }
        }

        void writePage(long index) {
            long pfn = pages.get(index);
            if (machine.memMap().mapcount(pfn) > 0) {
                machine.memoryManager().vmscan().pageMkclean(pfn);
            }
            byte[] bytes = disk.get(path);
            int from = (int) (index * Page.SIZE);
            int n = Math.min(Page.SIZE, bytes.length - from);
            if (n > 0) {
                machine.memory().read(Page.address(pfn), bytes, from, n);
            }
            dirty.remove(index);
            machine.memMap().clearFlag(pfn, PageFlags.PG_DIRTY);
        }

        void drop(long index) {
            long pfn = pages.remove(index);
            dirty.remove(index);
            machine.vmstat().add(VmItem.NR_FILE_PAGES, -1);
            machine.pageAllocator().freePages(pfn, 0);
        }

        void flush() {
            for (Long index : new ArrayList<>(dirty)) {
                writePage(index);
            }
        }

        @Override
        public int read(long pos, byte[] dst, int offset, int length) {
            int n = (int) Math.max(0, Math.min(length, size() - pos));
            for (int i = 0; i < n; i++) {
                long p = pos + i;
                long pfn = readPage(p / Page.SIZE);
                dst[offset + i] = machine.memory().readByte(Page.address(pfn) + p % Page.SIZE);
            }
            return n;
        }

        @Override
        public int write(long pos, byte[] src, int offset, int length) {
            if (pos + length > size()) {
                disk.put(path, Arrays.copyOf(disk.get(path), (int) (pos + length)));
            }
            for (int i = 0; i < length; i++) {
                long p = pos + i;
                long pfn = readPage(p / Page.SIZE);
                machine.memory().writeByte(Page.address(pfn) + p % Page.SIZE, src[offset + i]);
                setPageDirty(p / Page.SIZE);
            }
            return length;
        }

        @Override
        public void truncate(long size) {
            for (Long index : new ArrayList<>(pages.keySet())) {
                if (index * Page.SIZE >= size) {
                    if (machine.memMap().mapcount(pages.get(index)) != 0) {
                        throw new IllegalStateException(path + ": page " + index + " still mapped at truncate");
                    }
                    machine.memoryManager().vmscan().lruDel(pages.get(index));
                    drop(index);
                }
            }
            disk.put(path, Arrays.copyOf(disk.get(path), (int) size));
        }

        @Override
        public void fsync() {
            flush();
        }

        @Override
        public long nrPages() {
            return pages.size();
        }
    }
}
