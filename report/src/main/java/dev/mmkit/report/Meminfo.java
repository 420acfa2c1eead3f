package dev.mmkit.report;

import dev.mmkit.api.hw.Page;
import dev.mmkit.api.machine.VmItem;
import dev.mmkit.api.machine.VmStat;
import dev.mmkit.api.mm.ProcessInfo;
import dev.mmkit.api.mm.VmArea;
import dev.mmkit.api.page.Watermark;
import dev.mmkit.api.page.Zone;
import dev.mmkit.api.page.ZoneType;
import dev.mmkit.api.workload.Mman;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@code /proc/meminfo}, field for field as Linux's {@code meminfo_proc_show} prints it
 * (fs/proc/meminfo.c, 6.x), for a machine built without transparent huge pages, CMA and
 * zswap: {@code show_val_kb} lines {@code "%-16s%8lu kB"}, in Linux's order.
 *
 * <h2>Where each number comes from</h2>
 * <ul>
 *   <li>MemTotal: the zones' managed pages ({@code totalram_pages}); MemFree: their free
 *       pages ({@code NR_FREE_PAGES}); without a page allocator, RAM and the counter.</li>
 *   <li>MemAvailable: {@code si_mem_available} (mm/show_mem.c): free pages less
 *       {@code totalreserve_pages} (Σ min(high watermark, managed), mmkit has no lowmem
 *       reserve), plus the file LRU less min(half of it, Σ low watermarks), plus the
 *       reclaimable slab less min(half of it, Σ low watermarks); never negative.</li>
 *   <li>Cached: {@code NR_FILE_PAGES − SwapCached − Buffers}, as Linux: the page cache
 *       counts each page of a file in {@code NR_FILE_PAGES} while it holds it, a shmem
 *       object (shared anonymous memory) each of its resident pages, and the swap
 *       cache counts its pages there too. Buffers is 0: mmkit's files are not on a block
 *       device, so no page caches a device's blocks ({@code nr_blockdev_pages}).</li>
 *   <li>Dirty, Writeback: the page cache's {@code NR_DIRTY} (PG_dirty pages) and
 *       {@code NR_WRITEBACK} (PG_writeback pages, written but not yet completed by the
 *       flusher's queues); Mapped: {@code NR_MAPPED}, page-cache and shmem pages mapped by at
 *       least one PTE; AnonPages: {@code NR_ANON_PAGES}, private anonymous pages (a shmem
 *       page is never one); Shmem: {@code NR_SHMEM}, resident pages of shmem objects outside
 *       the swap cache; Active(file), Inactive(file): the page-cache pages in the replacement policy, by
 *       {@code PG_active}.</li>
 *   <li>LRU lines, Mlocked, Dirty, Writeback, AnonPages, Mapped, Shmem, KernelStack,
 *       PageTables, Bounce: the vmstat states of the same name (mmkit counts every state in
 *       pages, KernelStack too, where Linux keeps NR_KERNEL_STACK_KB).</li>
 *   <li>Slab, SReclaimable, SUnreclaim, KReclaimable: the slab allocator's pages; without
 *       one, the vmstat slab states.</li>
 *   <li>HighTotal/HighFree/LowTotal/LowFree: printed when a HighMem zone has pages
 *       (CONFIG_HIGHMEM).</li>
 *   <li>SwapTotal/SwapFree: the memory manager's swap.</li>
 *   <li>CommitLimit: {@code totalram × overcommit_ratio (50) / 100 + swap};
 *       Committed_AS: private writable mappings of live processes ({@code VM_ACCOUNT}), plus
 *       the whole size of every live shmem object ({@code shmem_acct_size}), once however
 *       many processes share it ({@code MemoryManager.shmemCommittedPages}).</li>
 *   <li>DirectMap4k: the present pages of the zones the kernel maps permanently, all but
 *       HighMem (x86's {@code arch_report_meminfo} counts the pages of the direct mapping,
 *       which {@code kernel_physical_mapping_init} builds up to {@code max_low_pfn} on a
 *       32-bit kernel); mmkit maps it with 4 KiB pages only.</li>
 *   <li>What mmkit does not model (NFS, vmalloc use, per-cpu areas, huge pages) is 0, as
 *       on a kernel that has none of it.</li>
 * </ul>
 */
final class Meminfo {
    /** Fields whose value is a count, not kB. */
    private static final String[] COUNTS = {"HugePages_Total", "HugePages_Free", "HugePages_Rsvd", "HugePages_Surp"};

    private Meminfo() {
    }

    /** Every field by Linux's name, in kB (the HugePages_ counts are counts), in print order. */
    static Map<String, Long> values(ReportInput in) {
        VmStat vm = in.machine().vmstat();
        long totalram = 0;
        long freeram = 0;
        long totalhigh = 0;
        long freehigh = 0;
        long wmarkLow = 0;
        long totalreserve = 0;
        long directMapped = 0;
        boolean highmem = false;
        if (in.pageAllocator() != null) {
            for (Zone zone : in.pageAllocator().zones()) {
                totalram += zone.managedPages();
                freeram += zone.freePages();
                if (zone.type() != ZoneType.HIGHMEM) {
                    directMapped += zone.presentPages();
                }
                wmarkLow += zone.watermark(Watermark.LOW);
                totalreserve += Math.min(zone.watermark(Watermark.HIGH), zone.managedPages());
                if (zone.type() == ZoneType.HIGHMEM && zone.presentPages() > 0) {
                    highmem = true;
                    totalhigh += zone.managedPages();
                    freehigh += zone.freePages();
                }
            }
        } else {
            totalram = in.machine().memory().nrFrames();
            directMapped = totalram;
            freeram = vm.get(VmItem.NR_FREE_PAGES);
        }
        long sreclaimable;
        long sunreclaim;
        if (in.slab() != null) {
            sreclaimable = in.slab().reclaimableSlabPages();
            sunreclaim = in.slab().slabPages() - sreclaimable;
        } else {
            sreclaimable = vm.get(VmItem.NR_SLAB_RECLAIMABLE);
            sunreclaim = vm.get(VmItem.NR_SLAB_UNRECLAIMABLE);
        }
        long swapTotal = in.memoryManager() != null ? in.memoryManager().swapTotalPages() : 0;
        long swapFree = in.memoryManager() != null ? in.memoryManager().swapFreePages() : 0;
        long swapCached = vm.get(VmItem.NR_SWAPCACHED);
        long buffers = 0;
        long cached = Math.max(0, vm.get(VmItem.NR_FILE_PAGES) - swapCached - buffers);
        long activeAnon = vm.get(VmItem.NR_ACTIVE_ANON);
        long inactiveAnon = vm.get(VmItem.NR_INACTIVE_ANON);
        long activeFile = vm.get(VmItem.NR_ACTIVE_FILE);
        long inactiveFile = vm.get(VmItem.NR_INACTIVE_FILE);

        // si_mem_available
        long available = freeram - totalreserve;
        long pagecache = activeFile + inactiveFile;
        pagecache -= Math.min(pagecache / 2, wmarkLow);
        available += pagecache;
        long reclaimable = sreclaimable;
        reclaimable -= Math.min(reclaimable / 2, wmarkLow);
        available += reclaimable;
        available = Math.max(0, available);

        Map<String, Long> kb = new LinkedHashMap<>();
        put(kb, "MemTotal", totalram);
        put(kb, "MemFree", freeram);
        put(kb, "MemAvailable", available);
        put(kb, "Buffers", buffers);
        put(kb, "Cached", cached);
        put(kb, "SwapCached", swapCached);
        put(kb, "Active", activeAnon + activeFile);
        put(kb, "Inactive", inactiveAnon + inactiveFile);
        put(kb, "Active(anon)", activeAnon);
        put(kb, "Inactive(anon)", inactiveAnon);
        put(kb, "Active(file)", activeFile);
        put(kb, "Inactive(file)", inactiveFile);
        put(kb, "Unevictable", vm.get(VmItem.NR_UNEVICTABLE));
        put(kb, "Mlocked", vm.get(VmItem.NR_MLOCK));
        if (highmem) {
            put(kb, "HighTotal", totalhigh);
            put(kb, "HighFree", freehigh);
            put(kb, "LowTotal", totalram - totalhigh);
            put(kb, "LowFree", freeram - freehigh);
        }
        put(kb, "SwapTotal", swapTotal);
        put(kb, "SwapFree", swapFree);
        put(kb, "Dirty", vm.get(VmItem.NR_DIRTY));
        put(kb, "Writeback", vm.get(VmItem.NR_WRITEBACK));
        put(kb, "AnonPages", vm.get(VmItem.NR_ANON_PAGES));
        put(kb, "Mapped", vm.get(VmItem.NR_MAPPED));
        put(kb, "Shmem", vm.get(VmItem.NR_SHMEM));
        put(kb, "KReclaimable", sreclaimable);
        put(kb, "Slab", sreclaimable + sunreclaim);
        put(kb, "SReclaimable", sreclaimable);
        put(kb, "SUnreclaim", sunreclaim);
        put(kb, "KernelStack", vm.get(VmItem.NR_KERNEL_STACK));
        put(kb, "PageTables", vm.get(VmItem.NR_PAGE_TABLE_PAGES));
        put(kb, "SecPageTables", 0);
        put(kb, "NFS_Unstable", 0);
        put(kb, "Bounce", vm.get(VmItem.NR_BOUNCE));
        put(kb, "WritebackTmp", 0);
        put(kb, "CommitLimit", totalram * 50 / 100 + swapTotal);
        put(kb, "Committed_AS", committed(in));
        kb.put("VmallocTotal", vmallocTotalKb(in));
        put(kb, "VmallocUsed", 0);
        put(kb, "VmallocChunk", 0);
        put(kb, "Percpu", 0);
        put(kb, "HardwareCorrupted", 0);
        kb.put("HugePages_Total", 0L);
        kb.put("HugePages_Free", 0L);
        kb.put("HugePages_Rsvd", 0L);
        kb.put("HugePages_Surp", 0L);
        kb.put("Hugepagesize", (long) (bits32(in) && !pae(in) ? 4096 : 2048));
        put(kb, "Hugetlb", 0);
        put(kb, "DirectMap4k", directMapped);
        if (bits32(in)) {
            put(kb, pae(in) ? "DirectMap2M" : "DirectMap4M", 0);
        } else {
            put(kb, "DirectMap2M", 0);
            put(kb, "DirectMap1G", 0);
        }
        return kb;
    }

    private static void put(Map<String, Long> kb, String name, long pages) {
        kb.put(name, pages << (Page.SHIFT - 10));
    }

    /**
     * What Linux accounts in {@code vm_committed_as}: pages of private writable mappings of
     * live processes ({@code accountable_mapping}: shared ones never), plus the sizes of the
     * live shmem objects, charged once each when set up ({@code shmem_acct_size}).
     */
    private static long committed(ReportInput in) {
        if (in.memoryManager() == null) {
            return 0;
        }
        long bytes = 0;
        for (ProcessInfo p : in.memoryManager().processes()) {
            if (!p.alive()) {
                continue;
            }
            for (VmArea vma : p.maps()) {
                if ((vma.prot() & Mman.PROT_WRITE) != 0 && (vma.flags() & Mman.MAP_SHARED) == 0) {
                    bytes += vma.end() - vma.start();
                }
            }
        }
        return Page.pages(bytes) + in.memoryManager().shmemCommittedPages();
    }

    private static String pageTable(ReportInput in) {
        var settings = in.machine().settings();
        return settings.has("page-table.impl") ? settings.getString("page-table.impl") : "x86-64";
    }

    static boolean bits32(ReportInput in) {
        String impl = pageTable(in);
        return impl.equals("x86-32") || impl.equals("x86-pae");
    }

    private static boolean pae(ReportInput in) {
        return pageTable(in).equals("x86-pae");
    }

    /** {@code VMALLOC_TOTAL}: 32 TiB with 4-level paging, 12.5 PiB with 5, 120 MiB on a 32-bit kernel. */
    private static long vmallocTotalKb(ReportInput in) {
        String impl = pageTable(in);
        if (impl.equals("x86-64-la57")) {
            return 13743895347199L;
        }
        return bits32(in) ? 122880L : 34359738367L;
    }

    static String render(Map<String, Long> kb) {
        StringBuilder s = new StringBuilder(kb.size() * 28);
        kb.forEach((name, value) -> s.append(line(name, value)).append('\n'));
        return s.toString();
    }

    /** One line as Linux prints that field. */
    static String line(String name, long value) {
        for (String count : COUNTS) {
            if (count.equals(name)) {
                return String.format(Locale.ROOT, "%-19s%5d", name + ":", value);
            }
        }
        if (name.equals("HardwareCorrupted")) {
            return String.format(Locale.ROOT, "HardwareCorrupted: %5d kB", value);
        }
        return String.format(Locale.ROOT, "%-16s%8d kB", name + ":", value);
    }
}
