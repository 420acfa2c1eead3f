package dev.mmkit.report;

import dev.mmkit.api.mm.MemoryManager;
import dev.mmkit.api.mm.ProcessInfo;
import dev.mmkit.api.mm.SwapArea;
import dev.mmkit.api.mm.VmArea;
import dev.mmkit.api.page.PageAllocator;
import dev.mmkit.api.page.Watermark;
import dev.mmkit.api.page.Zone;
import dev.mmkit.api.page.ZoneType;
import dev.mmkit.api.reclaim.Vmscan;
import dev.mmkit.api.slab.KmemCache;
import dev.mmkit.api.slab.ObjectConstructor;
import dev.mmkit.api.slab.SlabAllocator;
import dev.mmkit.api.tlb.Tlb;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

// Hand-built test doubles of the collaborators a report reads: zones, allocator, slab caches, TLBs, processes and VMAs.
final class Fakes {
    private Fakes() {
    }

    static final class FakeZone implements Zone {
        final ZoneType type;
        long startPfn;
        long spanned;
        long present;
        long managed;
        long[] nrFree = new long[11];
        long min;
        long low;
        long high;
        long pcpPages;
        int pcpHigh;
        int pcpBatch;
        final Map<String, Long> allocatorStats = new LinkedHashMap<>();

        FakeZone(ZoneType type) {
            this.type = type;
        }

        @Override
        public ZoneType type() {
            return type;
        }

        @Override
        public long startPfn() {
            return startPfn;
        }

        @Override
        public long spannedPages() {
            return spanned;
        }

        @Override
        public long presentPages() {
            return present;
        }

        @Override
        public long managedPages() {
            return managed;
        }

        @Override
        public long freePages() {
            long free = 0;
            for (int o = 0; o < nrFree.length; o++) {
                free += nrFree[o] << o;
            }
            return free;
        }

        @Override
        public long nrFree(int order) {
            return nrFree[order];
        }

        @Override
        public long watermark(Watermark mark) {
            return switch (mark) {
                case MIN -> min;
                case LOW -> low;
                case HIGH -> high;
            };
        }

        @Override
        public long perCpuPages() {
            return pcpPages;
        }

        @Override
        public int perCpuHigh() {
            return pcpHigh;
        }

        @Override
        public int perCpuBatch() {
            return pcpBatch;
        }

        @Override
        public Map<String, Long> allocatorStats() {
            return allocatorStats;
        }
    }

    static final class FakeAllocator implements PageAllocator {
        final List<FakeZone> zones = new ArrayList<>();

        @Override
        public long allocPages(int gfp, int order) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void freePages(long pfn, int order) {
            throw new UnsupportedOperationException();
        }

        @Override
        public int maxOrder() {
            return 11;
        }

        @Override
        public List<FakeZone> zones() {
            return zones;
        }

        @Override
        public Zone zoneOf(long pfn) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void drainPerCpuLists() {
        }

        @Override
        public void verify() {
        }
    }

    record FakeVma(long start, long end, int prot, int flags, long offset, String device, long inode, String name)
        implements VmArea {
    }

    record FakeProcess(int pid, String name, boolean alive, String exitReason, long residentPages, List<FakeVma> maps)
        implements ProcessInfo {
    }

    static final class FakeTlb implements Tlb {
        long hits;
        long misses;
        final Map<String, Long> counters = new LinkedHashMap<>();

        @Override
        public long lookup(long vaddr, int access) {
            return 0;
        }

        @Override
        public void insert(long vaddr, int access, long pte, int pageShift) {
        }

        @Override
        public void switchTo(int asid) {
        }

        @Override
        public void invalidatePage(long vaddr, int asid) {
        }

        @Override
        public void invalidateAsid(int asid) {
        }

        @Override
        public void invalidateAll() {
        }

        @Override
        public long hits() {
            return hits;
        }

        @Override
        public long misses() {
            return misses;
        }

        @Override
        public Map<String, Long> counters() {
            return counters;
        }
    }

    record FakeCache(String name, int objectSize, int slotSize, long activeObjects, long totalObjects,
                     int objectsPerSlab, int pagesPerSlab, long activeSlabs, long totalSlabs) implements KmemCache {
        @Override
        public int flags() {
            return 0;
        }

        @Override
        public long alloc(int gfp) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void free(long objp) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long shrink() {
            return 0;
        }

        @Override
        public void verify() {
        }
    }

    static final class FakeSlab implements SlabAllocator {
        final List<FakeCache> caches = new ArrayList<>();
        long pages;
        long reclaimable;

        @Override
        public KmemCache createCache(String name, int size, int align, int flags, ObjectConstructor ctor) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void destroyCache(KmemCache cache) {
        }

        @Override
        public long kmalloc(long size, int gfp) {
            return 0;
        }

        @Override
        public void kfree(long objp) {
        }

        @Override
        public long shrink() {
            return 0;
        }

        @Override
        public List<FakeCache> caches() {
            return caches;
        }

        @Override
        public long slabPages() {
            return pages;
        }

        @Override
        public long reclaimableSlabPages() {
            return reclaimable;
        }

        @Override
        public void verify() {
        }
    }

    /** A memory manager that only answers what reports read; its Kernel calls are unsupported. */
    static final class FakeMm implements MemoryManager {
        final List<FakeProcess> processes = new ArrayList<>();
        final Map<String, Long> counters = new LinkedHashMap<>();
        long swapTotal;
        long swapFree;
        final List<SwapArea> swapAreas = new ArrayList<>();
        long shmemCommitted;

        @Override
        public List<SwapArea> swapAreas() {
            return swapAreas;
        }

        @Override
        public List<FakeProcess> processes() {
            return processes;
        }

        @Override
        public Vmscan vmscan() {
            throw new UnsupportedOperationException();
        }

        @Override
        public long swapTotalPages() {
            return swapTotal;
        }

        @Override
        public long swapFreePages() {
            return swapFree;
        }

        @Override
        public long shmemCommittedPages() {
            return shmemCommitted;
        }

        @Override
        public Map<String, Long> counters() {
            return counters;
        }

        @Override
        public void shutdown() {
        }

        @Override
        public void verify() {
        }

        @Override
        public int spawn(String name) {
            throw new UnsupportedOperationException();
        }

        @Override
        public int spawnAdmitAll(String name) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean access(int pid, long vaddr, int access, long nextAccess) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long load(int pid, long vaddr, int size) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean store(int pid, long vaddr, int size, long value) {
            throw new UnsupportedOperationException();
        }

        @Override
        public int fork(int pid) {
            throw new UnsupportedOperationException();
        }

        @Override
        public int execve(int pid, String name) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void exit(int pid) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long mmap(int pid, long addr, long length, int prot, int flags, int fd, long offset) {
            throw new UnsupportedOperationException();
        }

        @Override
        public int munmap(int pid, long addr, long length) {
            throw new UnsupportedOperationException();
        }

        @Override
        public int mprotect(int pid, long addr, long length, int prot) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long brk(int pid, long newBrk) {
            throw new UnsupportedOperationException();
        }

        @Override
        public int open(int pid, String path, boolean create) {
            throw new UnsupportedOperationException();
        }

        @Override
        public int close(int pid, int fd) {
            throw new UnsupportedOperationException();
        }

        @Override
        public int pread(int pid, int fd, byte[] buffer, int length, long pos) {
            throw new UnsupportedOperationException();
        }

        @Override
        public int pwrite(int pid, int fd, byte[] buffer, int length, long pos) {
            throw new UnsupportedOperationException();
        }

        @Override
        public int ftruncate(int pid, int fd, long length) {
            throw new UnsupportedOperationException();
        }

        @Override
        public int fsync(int pid, int fd) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean alive(int pid) {
            throw new UnsupportedOperationException();
        }
    }
}
