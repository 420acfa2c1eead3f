package dev.mmkit.slab;

// Exists so the slab flavours can be tested against a small, obviously correct page allocator.

import dev.mmkit.api.machine.Machine;
import dev.mmkit.api.machine.MemMap;
import dev.mmkit.api.machine.VmItem;
import dev.mmkit.api.page.BadPageStateException;
import dev.mmkit.api.page.Gfp;
import dev.mmkit.api.page.PageAllocator;
import dev.mmkit.api.page.Watermark;
import dev.mmkit.api.page.Zone;
import dev.mmkit.api.page.ZoneType;
import java.util.BitSet;
import java.util.List;

/**
 * A test page allocator: one bit per frame, blocks aligned to their order, first fit from
 * the bottom of the requested zone (DMA below {@code dmaFrames}, Normal above, Normal
 * falling back to DMA). Remembers each block's order to refuse a wrong or double free.
 * Stricter than {@code PageAllocator}'s contract on purpose: it refuses a block freed with
 * flags or a mapping still set (Linux's {@code free_pages_check}) instead of resetting it,
 * so that the slab flavours' tests also check that a slab cleans its pages up itself.
 */
final class BitmapPageAllocator implements PageAllocator {
    private final Machine machine;
    private final long nrFrames;
    private final long dmaFrames;
    private final BitSet used = new BitSet();
    private final byte[] orderOf;
    private final BitSet allocated = new BitSet();
    private final List<TestZone> zones;
    /** Allocations left before allocPages fails (to test failure paths); -1 = unlimited. */
    long failAfter = -1;
    /** Orders above this fail, as on a fragmented machine; 11 = none fail. */
    int failAbove = 11;

    BitmapPageAllocator(Machine machine, long dmaFrames) {
        this.machine = machine;
        this.nrFrames = machine.memMap().nrFrames();
        this.dmaFrames = dmaFrames;
        this.orderOf = new byte[(int) nrFrames];
        this.zones = List.of(new TestZone(ZoneType.DMA, 0, dmaFrames), new TestZone(ZoneType.NORMAL, dmaFrames, nrFrames - dmaFrames));
    }

    long usedFrames() {
        return used.cardinality();
    }

    @Override
    public long allocPages(int gfp, int order) {
        if (order < 0 || order >= maxOrder()) {
            throw new IllegalArgumentException("order: " + order + " (expected: 0-" + (maxOrder() - 1) + ")");
        }
        if (failAfter == 0 || order > failAbove) {
            return NO_PAGE;
        }
        if (failAfter > 0) {
            failAfter--;
        }
        long pfn = NO_PAGE;
        if (Gfp.zone(gfp) != ZoneType.DMA) {
            pfn = find(dmaFrames, nrFrames, order);
        }
        if (pfn == NO_PAGE) {
            pfn = find(0, dmaFrames, order);
        }
        if (pfn == NO_PAGE) {
            return NO_PAGE;
        }
        int n = 1 << order;
        used.set((int) pfn, (int) pfn + n);
        allocated.set((int) pfn);
        orderOf[(int) pfn] = (byte) order;
        MemMap memMap = machine.memMap();
        for (int i = 0; i < n; i++) {
            memMap.setRefcount(pfn + i, 1);
            if ((gfp & Gfp.__GFP_ZERO) != 0) {
                machine.memory().clearFrame(pfn + i);
            }
        }
        machine.vmstat().add(pfn < dmaFrames ? VmItem.PGALLOC_DMA : VmItem.PGALLOC_NORMAL, n);
        return pfn;
    }

    private long find(long from, long to, int order) {
        long n = 1L << order;
        for (long pfn = (from + n - 1) & -n; pfn + n <= to; pfn += n) {
            int next = used.nextSetBit((int) pfn);
            if (next < 0 || next >= pfn + n) {
                return pfn;
            }
        }
        return NO_PAGE;
    }

    @Override
    public void freePages(long pfn, int order) {
        if (pfn < 0 || pfn >= nrFrames || !allocated.get((int) pfn)) {
            throw new BadPageStateException(pfn, order, "already free");
        }
        if (orderOf[(int) pfn] != order) {
            throw new BadPageStateException(pfn, order, "allocated with order " + orderOf[(int) pfn]);
        }
        MemMap memMap = machine.memMap();
        int n = 1 << order;
        for (int i = 0; i < n; i++) {
            if (memMap.flags(pfn + i) != 0 || memMap.mapping(pfn + i) != 0) {
                throw new BadPageStateException(pfn + i, order, "flags " + memMap.flags(pfn + i) + " mapping " + memMap.mapping(pfn + i));
            }
            memMap.reset(pfn + i);
        }
        allocated.clear((int) pfn);
        used.clear((int) pfn, (int) pfn + n);
        machine.vmstat().add(VmItem.PGFREE, n);
    }

    @Override
    public int maxOrder() {
        return 11;
    }

    @Override
    public List<? extends Zone> zones() {
        return zones;
    }

    @Override
    public Zone zoneOf(long pfn) {
        return pfn < dmaFrames ? zones.get(0) : zones.get(1);
    }

    @Override
    public void drainPerCpuLists() {
    }

    @Override
    public void verify() {
    }

    private final class TestZone implements Zone {
        private final ZoneType type;
        private final long start;
        private final long pages;

        TestZone(ZoneType type, long start, long pages) {
            this.type = type;
            this.start = start;
            this.pages = pages;
        }

        @Override
        public ZoneType type() {
            return type;
        }

        @Override
        public long startPfn() {
            return start;
        }

        @Override
        public long spannedPages() {
            return pages;
        }

        @Override
        public long presentPages() {
            return pages;
        }

        @Override
        public long managedPages() {
            return pages;
        }

        @Override
        public long freePages() {
            long usedHere = 0;
            for (int i = used.nextSetBit((int) start); i >= 0 && i < start + pages; i = used.nextSetBit(i + 1)) {
                usedHere++;
            }
            return pages - usedHere;
        }

        @Override
        public long nrFree(int order) {
            return 0;
        }

        @Override
        public long watermark(Watermark mark) {
            return 0;
        }

        @Override
        public long perCpuPages() {
            return 0;
        }

        @Override
        public int perCpuHigh() {
            return 0;
        }

        @Override
        public int perCpuBatch() {
            return 0;
        }
    }
}
