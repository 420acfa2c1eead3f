package dev.mmkit.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.machine.VmItem;
import dev.mmkit.api.page.Zone;
import dev.mmkit.api.page.ZoneType;
import dev.mmkit.api.reclaim.ReclaimDaemon;
import dev.mmkit.api.workload.Mman;
import dev.mmkit.machine.StandaloneMachine;
import dev.mmkit.report.Fakes.FakeAllocator;
import dev.mmkit.report.Fakes.FakeCache;
import dev.mmkit.report.Fakes.FakeMm;
import dev.mmkit.report.Fakes.FakeProcess;
import dev.mmkit.report.Fakes.FakeSlab;
import dev.mmkit.report.Fakes.FakeVma;
import dev.mmkit.report.Fakes.FakeZone;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

// Compares each /proc renderer with lines copied from real Linux output, fed hand-built zones, caches, processes and VMAs.
class ProcFormatsTest {
    private static final int RW = Mman.PROT_READ | Mman.PROT_WRITE;
    private static final int RX = Mman.PROT_READ | Mman.PROT_EXEC;
    private static final int PRIVATE = Mman.MAP_PRIVATE;

    static StandaloneMachine machine(String hocon) {
        return StandaloneMachine.builder(StandaloneMachine.config(hocon)).runDirectory(Path.of("target/run")).build();
    }

    static FakeZone zone(ZoneType type, long startPfn, long spanned, long present, long managed, long... nrFree) {
        FakeZone z = new FakeZone(type);
        z.startPfn = startPfn;
        z.spanned = spanned;
        z.present = present;
        z.managed = managed;
        System.arraycopy(nrFree, 0, z.nrFree, 0, nrFree.length);
        return z;
    }

    @Test
    void meminfoLinesHaveLinuxsWidths() {
        // From real /proc/meminfo files.
        assertThat(Meminfo.line("MemTotal", 8052308)).isEqualTo("MemTotal:        8052308 kB");
        assertThat(Meminfo.line("Active(anon)", 221324)).isEqualTo("Active(anon):     221324 kB");
        assertThat(Meminfo.line("VmallocTotal", 34359738367L)).isEqualTo("VmallocTotal:   34359738367 kB");
        assertThat(Meminfo.line("HardwareCorrupted", 0)).isEqualTo("HardwareCorrupted:     0 kB");
        assertThat(Meminfo.line("HugePages_Total", 0)).isEqualTo("HugePages_Total:       0");
        assertThat(Meminfo.line("HugePages_Free", 0)).isEqualTo("HugePages_Free:        0");
        assertThat(Meminfo.line("Hugepagesize", 2048)).isEqualTo("Hugepagesize:       2048 kB");
    }

    @Test
    void meminfoFollowsLinuxsOrder() {
        // The field order of a real 5.15 x86-64 /proc/meminfo.
        List<String> linux = List.of("MemTotal", "MemFree", "MemAvailable", "Buffers", "Cached", "SwapCached", "Active",
            "Inactive", "Active(anon)", "Inactive(anon)", "Active(file)", "Inactive(file)", "Unevictable", "Mlocked",
            "SwapTotal", "SwapFree", "Dirty", "Writeback", "AnonPages", "Mapped", "Shmem", "KReclaimable", "Slab",
            "SReclaimable", "SUnreclaim", "KernelStack", "PageTables", "NFS_Unstable", "Bounce", "WritebackTmp",
            "CommitLimit", "Committed_AS", "VmallocTotal", "VmallocUsed", "VmallocChunk", "Percpu", "HardwareCorrupted",
            "AnonHugePages", "ShmemHugePages", "ShmemPmdMapped", "FileHugePages", "FilePmdMapped", "HugePages_Total",
            "HugePages_Free", "HugePages_Rsvd", "HugePages_Surp", "Hugepagesize", "Hugetlb", "DirectMap4k",
            "DirectMap2M", "DirectMap1G");
        List<String> ours = new ArrayList<>(Meminfo.values(new ReportInput(machine(""), null, null, null, List.of(), 0)).keySet());
        assertThat(ours.stream().filter(linux::contains).toList())
            .isEqualTo(linux.stream().filter(ours::contains).toList());
        // 6.x added SecPageTables after PageTables; mmkit prints it there.
        assertThat(ours.indexOf("SecPageTables")).isEqualTo(ours.indexOf("PageTables") + 1);
        assertThat(ours).doesNotContain("HighTotal");
    }

    @Test
    void meminfoComputesLinuxsNumbers() {
        StandaloneMachine m = machine("");
        FakeAllocator pa = new FakeAllocator();
        FakeZone normal = zone(ZoneType.NORMAL, 0, 1024, 1024, 1000, 100, 50, 0, 10); // 280 pages free
        normal.min = 10;
        normal.low = 20;
        normal.high = 30;
        pa.zones.add(normal);
        m.vmstat().add(VmItem.NR_ACTIVE_FILE, 60);
        m.vmstat().add(VmItem.NR_INACTIVE_FILE, 40);
        m.vmstat().add(VmItem.NR_FILE_PAGES, 120);
        m.vmstat().add(VmItem.NR_SWAPCACHED, 8);
        m.vmstat().add(VmItem.NR_ANON_PAGES, 77);
        m.vmstat().add(VmItem.NR_PAGE_TABLE_PAGES, 9);
        FakeSlab slab = new FakeSlab();
        slab.pages = 25;
        slab.reclaimable = 10;
        FakeMm mm = new FakeMm();
        mm.swapTotal = 2048;
        mm.swapFree = 2000;
        mm.processes.add(new FakeProcess(1, "init", true, "", 6, List.of(
            new FakeVma(0x400000, 0x402000, RX, PRIVATE, 0, "08:01", 12, "/bin/init"),
            new FakeVma(0x600000, 0x604000, RW, PRIVATE | Mman.MAP_ANONYMOUS, 0, "00:00", 0, "[heap]"),
            new FakeVma(0x7f0000000000L, 0x7f0000003000L, RW, Mman.MAP_SHARED, 0, "08:01", 13, "/tmp/shm"))));
        mm.processes.add(new FakeProcess(2, "gone", false, "exited", 0, List.of(
            new FakeVma(0x600000, 0x700000, RW, PRIVATE, 0, "00:00", 0, ""))));

        Map<String, Long> kb = Meminfo.values(new ReportInput(m, pa, slab, mm, List.of(), 0));
        assertThat(kb.get("MemTotal")).isEqualTo(4000);
        assertThat(kb.get("MemFree")).isEqualTo(1120);
        // si_mem_available: 280 free - 30 reserve + (100 - min(50, 20)) file + (10 - min(5, 20)) slab = 335 pages
        assertThat(kb.get("MemAvailable")).isEqualTo(1340);
        assertThat(kb.get("Cached")).isEqualTo(448);
        assertThat(kb.get("SwapCached")).isEqualTo(32);
        assertThat(kb.get("Active")).isEqualTo(240);
        assertThat(kb.get("Inactive")).isEqualTo(160);
        assertThat(kb.get("AnonPages")).isEqualTo(308);
        assertThat(kb.get("PageTables")).isEqualTo(36);
        assertThat(kb.get("Slab")).isEqualTo(100);
        assertThat(kb.get("SReclaimable")).isEqualTo(40);
        assertThat(kb.get("SUnreclaim")).isEqualTo(60);
        assertThat(kb.get("KReclaimable")).isEqualTo(40);
        assertThat(kb.get("SwapTotal")).isEqualTo(8192);
        assertThat(kb.get("SwapFree")).isEqualTo(8000);
        // 1000 × 50 / 100 + 2048 swap pages
        assertThat(kb.get("CommitLimit")).isEqualTo(10192);
        // init's private writable heap (4 pages); not the text, the shared mapping or the dead process
        assertThat(kb.get("Committed_AS")).isEqualTo(16);
        assertThat(Meminfo.render(kb)).startsWith("MemTotal:           4000 kB\nMemFree:            1120 kB\nMemAvailable:       1340 kB\n");
    }

    @Test
    void meminfoShowsSharedAnonymousMemoryAsShmem() {
        // two processes share one 16-page MAP_SHARED|MAP_ANONYMOUS object of which 13 pages are
        // resident; one has a 4-page private writable heap, all 4 pages touched
        StandaloneMachine m = machine("");
        m.vmstat().add(VmItem.NR_SHMEM, 13);
        m.vmstat().add(VmItem.NR_FILE_PAGES, 13);
        m.vmstat().add(VmItem.NR_MAPPED, 13);
        m.vmstat().add(VmItem.NR_ANON_PAGES, 4);
        FakeMm mm = new FakeMm();
        mm.shmemCommitted = 16;
        FakeVma shm = new FakeVma(0x7f0000000000L, 0x7f0000010000L, RW, Mman.MAP_SHARED | Mman.MAP_ANONYMOUS, 0, "00:01", 5,
            "/dev/zero (deleted)");
        mm.processes.add(new FakeProcess(1, "parent", true, "", 17, List.of(
            new FakeVma(0x600000, 0x604000, RW, PRIVATE | Mman.MAP_ANONYMOUS, 0, "00:00", 0, "[heap]"), shm)));
        mm.processes.add(new FakeProcess(2, "child", true, "", 13, List.of(shm)));

        Map<String, Long> kb = Meminfo.values(new ReportInput(m, null, null, mm, List.of(), 0));
        // Shmem, Cached and Mapped: the 13 resident pages once each, 52 kB; AnonPages the heap's 4
        assertThat(kb.get("Shmem")).isEqualTo(52);
        assertThat(kb.get("Cached")).isEqualTo(52);
        assertThat(kb.get("Mapped")).isEqualTo(52);
        assertThat(kb.get("AnonPages")).isEqualTo(16);
        // Committed_AS: the heap (4 pages, accountable_mapping) + the object's whole 16 pages once
        // (shmem_acct_size), not once per sharer: 20 pages = 80 kB
        assertThat(kb.get("Committed_AS")).isEqualTo(80);
    }

    @Test
    void meminfoShowsHighMemWhenTheZoneHasPages() {
        FakeAllocator pa = new FakeAllocator();
        pa.zones.add(zone(ZoneType.NORMAL, 0, 1000, 1000, 900, 100));
        pa.zones.add(zone(ZoneType.HIGHMEM, 1000, 500, 500, 500, 20));
        Map<String, Long> kb = Meminfo.values(new ReportInput(machine(""), pa, null, null, List.of(), 0));
        List<String> keys = new ArrayList<>(kb.keySet());
        assertThat(keys.subList(keys.indexOf("Mlocked") + 1, keys.indexOf("SwapTotal")))
            .containsExactly("HighTotal", "HighFree", "LowTotal", "LowFree");
        assertThat(kb.get("HighTotal")).isEqualTo(2000);
        assertThat(kb.get("HighFree")).isEqualTo(80);
        assertThat(kb.get("LowTotal")).isEqualTo(3600);
        assertThat(kb.get("LowFree")).isEqualTo(400);
    }

    @Test
    void buddyinfoMatchesLinux() {
        FakeAllocator pa = new FakeAllocator();
        pa.zones.add(zone(ZoneType.DMA, 1, 4095, 3998, 3977, 1, 1, 1, 0, 2, 1, 1, 0, 1, 1, 3));
        pa.zones.add(zone(ZoneType.NORMAL, 4096, 2_000_000, 2_000_000, 1_950_000,
            14960, 21497, 10717, 4183, 1371, 491, 160, 47, 20, 12, 65));
        pa.zones.add(zone(ZoneType.HIGHMEM, 0, 0, 0, 0));
        // Two lines of a real /proc/buddyinfo; every column is followed by a space. Empty zones are not shown.
        assertThat(Buddyinfo.render(Buddyinfo.values(pa))).isEqualTo(
            "Node 0, zone      DMA      1      1      1      0      2      1      1      0      1      1      3 \n"
                + "Node 0, zone   Normal  14960  21497  10717   4183   1371    491    160     47     20     12     65 \n");
    }

    @Test
    void zoneinfoMatchesLinuxsLayout() {
        StandaloneMachine m = machine("");
        m.vmstat().add(VmItem.NR_INACTIVE_ANON, 5418);
        m.vmstat().add(VmItem.NR_MLOCK, 3);
        FakeAllocator pa = new FakeAllocator();
        FakeZone dma = zone(ZoneType.DMA, 1, 4095, 3998, 3840, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3);
        dma.min = 8;
        dma.low = 11;
        dma.high = 14;
        dma.pcpBatch = 1;
        FakeZone normal = zone(ZoneType.NORMAL, 4096, 1024, 1024, 1000, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        normal.min = 10;
        normal.low = 20;
        normal.high = 30;
        normal.pcpPages = 31;
        normal.pcpHigh = 186;
        normal.pcpBatch = 31;
        pa.zones.add(dma);
        pa.zones.add(normal);
        pa.zones.add(zone(ZoneType.HIGHMEM, 5120, 0, 0, 0));
        String text = Zoneinfo.render(Zoneinfo.values(new ReportInput(m, pa, null, null, List.of(), 0)));

        // The first populated zone carries the node's statistics.
        assertThat(text).startsWith("Node 0, zone      DMA\n"
            + "  per-node stats\n"
            + "      nr_inactive_anon 5418\n"
            + "      nr_active_anon 0\n");
        assertThat(text).contains("      nr_page_table_pages 0\n      nr_swapcached 0\n  pages free     3072\n");
        assertThat(text).contains("      nr_mlock     3\n");
        // A populated zone after the first, and an empty one: lines as Linux 5.15 prints them.
        assertThat(text.substring(text.indexOf("Node 0, zone   Normal"))).isEqualTo(
            "Node 0, zone   Normal\n"
                + "  pages free     7\n"
                + "        boost    0\n"
                + "        min      10\n"
                + "        low      20\n"
                + "        high     30\n"
                + "        spanned  1024\n"
                + "        present  1024\n"
                + "        managed  1000\n"
                + "        cma      0\n"
                + "        protection: (0, 0, 0)\n"
                + "      nr_free_pages 7\n"
                + "      nr_zone_inactive_anon 0\n"
                + "      nr_zone_active_anon 0\n"
                + "      nr_zone_inactive_file 0\n"
                + "      nr_zone_active_file 0\n"
                + "      nr_zone_unevictable 0\n"
                + "      nr_zone_write_pending 0\n"
                + "      nr_mlock     0\n"
                + "      nr_bounce    0\n"
                + "      nr_free_cma  0\n"
                + "  pagesets\n"
                + "    cpu: 0\n"
                + "              count: 31\n"
                + "              high:  186\n"
                + "              batch: 31\n"
                + "  vm stats threshold: 0\n"
                + "  node_unreclaimable:  0\n"
                + "  start_pfn:           4096\n"
                + "Node 0, zone  HighMem\n"
                + "  pages free     0\n"
                + "        boost    0\n"
                + "        min      0\n"
                + "        low      0\n"
                + "        high     0\n"
                + "        spanned  0\n"
                + "        present  0\n"
                + "        managed  0\n"
                + "        cma      0\n"
                + "        protection: (0, 0, 0)\n");
    }

    /** {@code node_unreclaimable} is what the reclaim daemon says: 1 once kswapd has given up on the node. */
    @Test
    void zoneinfoSaysNodeUnreclaimableOnceKswapdHasGivenUp() {
        for (boolean hopeless : new boolean[] {false, true}) {
            ReclaimDaemon kswapd = new ReclaimDaemon() {
                @Override
                public void wakeup(Zone zone, int order) {
                }

                @Override
                public long directReclaim(int gfp, int order, Zone preferred) {
                    return 0;
                }

                @Override
                public boolean nodeUnreclaimable() {
                    return hopeless;
                }
            };
            FakeAllocator pa = new FakeAllocator();
            pa.zones.add(zone(ZoneType.NORMAL, 1, 1024, 1024, 1000, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
            String text = Zoneinfo.render(Zoneinfo.values(new ReportInput(machine(""), pa, null, null, List.of(), 0, kswapd)));
            assertThat(text).as("hopeless " + hopeless).contains("  vm stats threshold: 0\n  node_unreclaimable:  "
                + (hopeless ? 1 : 0) + "\n  start_pfn:           1\n");
        }
    }

    @Test
    void vmstatUsesLinuxsNamesInLinuxsOrder() {
        // Names of a real 5.15 x86-64 /proc/vmstat, in its order (a selection).
        List<String> linux = List.of("nr_free_pages", "nr_zone_inactive_anon", "nr_zone_active_anon",
            "nr_zone_inactive_file", "nr_zone_active_file", "nr_zone_unevictable", "nr_zone_write_pending", "nr_mlock",
            "nr_bounce", "nr_zspages", "nr_free_cma", "numa_hit", "nr_inactive_anon", "nr_active_anon", "nr_inactive_file",
            "nr_active_file", "nr_unevictable", "nr_slab_reclaimable", "nr_slab_unreclaimable", "nr_isolated_anon",
            "nr_isolated_file", "workingset_nodes", "nr_anon_pages", "nr_mapped", "nr_file_pages", "nr_dirty",
            "nr_writeback", "nr_writeback_temp", "nr_shmem", "nr_shmem_hugepages", "nr_vmscan_write",
            "nr_vmscan_immediate_reclaim", "nr_dirtied", "nr_written", "nr_kernel_misc_reclaimable", "nr_kernel_stack",
            "nr_page_table_pages", "nr_swapcached", "nr_dirty_threshold", "nr_dirty_background_threshold", "pgpgin",
            "pgpgout", "pswpin", "pswpout", "pgalloc_dma", "pgalloc_dma32", "pgalloc_normal", "pgalloc_movable",
            "allocstall_dma", "allocstall_dma32", "allocstall_normal", "allocstall_movable", "pgfree", "pgactivate", "pgdeactivate", "pglazyfree", "pgfault", "pgmajfault", "pglazyfreed",
            "pgrefill", "pgreuse", "pgsteal_kswapd", "pgsteal_direct", "pgscan_kswapd", "pgscan_direct",
            "pgscan_direct_throttle", "pgscan_anon", "pgscan_file", "pgsteal_anon", "pgsteal_file", "zone_reclaim_failed",
            "pginodesteal", "slabs_scanned", "kswapd_inodesteal", "kswapd_low_wmark_hit_quickly",
            "kswapd_high_wmark_hit_quickly", "pageoutrun", "pgrotated", "drop_pagecache", "drop_slab", "oom_kill",
            "numa_pte_updates", "nr_tlb_remote_flush", "nr_tlb_remote_flush_received", "nr_tlb_local_flush_all",
            "nr_tlb_local_flush_one", "swap_ra", "swap_ra_hit", "nr_unstable");
        StandaloneMachine m = machine("");
        m.vmstat().add(VmItem.PGFAULT, 1234);
        String text = Vmstat.render(Vmstat.values(new ReportInput(m, null, null, null, List.of(), 0)));
        List<String> ours = Arrays.stream(text.split("\n")).map(l -> l.substring(0, l.indexOf(' '))).toList();
        // every item but the total allocstall, which Linux prints per zone since 4.8, and nr_unstable
        assertThat(ours).hasSize(VmItem.values().length);
        assertThat(ours).doesNotContain("allocstall").containsSubsequence("pgalloc_high", "allocstall_dma", "allocstall_normal",
            "allocstall_high", "pgfree");
        // vmstat_show ends with the deprecated counter.
        assertThat(text).endsWith("\nnr_unstable 0\n");
        assertThat(ours.stream().filter(linux::contains).toList()).isEqualTo(linux.stream().filter(ours::contains).toList());
        assertThat(ours).contains("pgfault", "pgmajfault", "pswpin", "pswpout", "pgfree", "pgscan_kswapd",
            "pgscan_direct", "pgsteal_kswapd", "pgsteal_direct", "allocstall_normal", "oom_kill", "pgalloc_normal");
        assertThat(text).contains("\npgfault 1234\n");
    }

    @Test
    void vmstatSumsFreePagesFromTheZones() {
        StandaloneMachine m = machine("");
        m.vmstat().add(VmItem.NR_FREE_PAGES, 999);
        FakeAllocator pa = new FakeAllocator();
        pa.zones.add(zone(ZoneType.DMA, 0, 10, 10, 10, 3));
        pa.zones.add(zone(ZoneType.NORMAL, 10, 100, 100, 100, 1, 2));
        assertThat(Vmstat.values(new ReportInput(m, pa, null, null, List.of(), 0)).get("nr_free_pages")).isEqualTo(8);
        assertThat(Vmstat.values(new ReportInput(m, null, null, null, List.of(), 0)).get("nr_free_pages")).isEqualTo(999);
    }

    @Test
    void mapsLinesPadTheNameToColumn73() {
        List<FakeVma> vmas = List.of(
            new FakeVma(0x55d5d2a4d000L, 0x55d5d2a4f000L, Mman.PROT_READ, PRIVATE, 0, "08:01", 1835092, "/usr/bin/cat"),
            new FakeVma(0x7f1c4e3a6000L, 0x7f1c4e3a9000L, RW, PRIVATE | Mman.MAP_ANONYMOUS, 0, "00:00", 0, ""),
            new FakeVma(0x7ffc0ed5c000L, 0x7ffc0ed7d000L, RW, PRIVATE | Mman.MAP_ANONYMOUS | Mman.MAP_GROWSDOWN, 0, "00:00", 0, "[stack]"),
            new FakeVma(0x1000, 0x3000, RW, Mman.MAP_SHARED, 0x5000, "08:01", 7, "/data/file"));
        // The first three lines from a real /proc/PID/maps; an unnamed VMA keeps its trailing space.
        assertThat(Maps.render(vmas, false)).isEqualTo(
            "55d5d2a4d000-55d5d2a4f000 r--p 00000000 08:01 1835092                    /usr/bin/cat\n"
                + "7f1c4e3a6000-7f1c4e3a9000 rw-p 00000000 00:00 0 \n"
                + "7ffc0ed5c000-7ffc0ed7d000 rw-p 00000000 00:00 0                          [stack]\n"
                + "00001000-00003000 rw-s 00005000 08:01 7                                  /data/file\n");
        // A 32-bit kernel pads to column 49 (25 + 4 × 6 − 1 = 48, then one space).
        assertThat(Maps.render(List.of(new FakeVma(0x08048000L, 0x08056000L, RX, PRIVATE, 0, "03:0c", 64593, "/usr/sbin/gpm")), true))
            .isEqualTo("08048000-08056000 r-xp 00000000 03:0c 64593      /usr/sbin/gpm\n");
    }

    @Test
    void slabinfoIsVersion21() {
        FakeSlab slab = new FakeSlab();
        slab.caches.add(new FakeCache("kmalloc-128", 128, 128, 1440, 1440, 32, 1, 45, 45));
        slab.caches.add(new FakeCache("vm_area_struct", 200, 208, 3549, 3666, 39, 2, 94, 94));
        String text = Report.slabinfo(new ReportInput(machine(""), null, slab, null, List.of(), 0));
        // Header and kmalloc-128 row of a real SLUB /proc/slabinfo; newest cache first.
        assertThat(text).isEqualTo("slabinfo - version: 2.1\n"
            + "# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab>"
            + " : tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail>\n"
            + "vm_area_struct      3549   3666    208   39    2 : tunables    0    0    0 : slabdata     94     94      0\n"
            + "kmalloc-128         1440   1440    128   32    1 : tunables    0    0    0 : slabdata     45     45      0\n");
    }

    @Test
    void aZoneWithNothingFreeIsAllUnusable() {
        FakeAllocator pa = new FakeAllocator();
        pa.zones.add(zone(ZoneType.NORMAL, 0, 1000, 1000, 1000));
        // unusable_free_index: "No free memory is interpreted as all free memory is unusable";
        // __fragmentation_index: 0 without free blocks.
        assertThat(Report.fragmentation(new ReportInput(machine(""), pa, null, null, List.of(), 0))).isEqualTo(
            "Node 0, zone   Normal 1.000 1.000 1.000 1.000 1.000 1.000 1.000 1.000 1.000 1.000 1.000 \n"
                + "Node 0, zone   Normal  0.000  0.000  0.000  0.000  0.000  0.000  0.000  0.000  0.000  0.000  0.000 \n");
    }

    @Test
    void fragmentationIndicesAsDebugfsPrintsThem() {
        FakeAllocator pa = new FakeAllocator();
        // 100 free single pages: nothing larger than order 0 can be had.
        pa.zones.add(zone(ZoneType.NORMAL, 0, 1000, 1000, 1000, 100));
        String text = Report.fragmentation(new ReportInput(machine(""), pa, null, null, List.of(), 0));
        // unusable: order 0 can use all free memory (0.000), order 1 and up none of it (1.000).
        // extfrag order 1: 1000 - (1000 + 100 × 1000 / 2) / 100 = 490.
        // order 10: 1000 - (1000 + 100 × 1000 / 1024) / 100 = 990 (integer division as in the kernel).
        assertThat(text).isEqualTo(
            "Node 0, zone   Normal 0.000 1.000 1.000 1.000 1.000 1.000 1.000 1.000 1.000 1.000 1.000 \n"
                + "Node 0, zone   Normal -1.000  0.490  0.740  0.865  0.928  0.959  0.975  0.983  0.987  0.989  0.990 \n");
    }
}
