package dev.mmkit.buddy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.machine.VmItem;
import dev.mmkit.api.page.Gfp;
import dev.mmkit.api.page.PageAllocator;
import dev.mmkit.api.page.Zone;
import dev.mmkit.machine.StandaloneMachine;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import java.util.stream.Stream;

// Why: thousands of random allocations and frees (fixed seeds) with verify() after every step, on every allocator.
class StressTest {
    /** Three zones, two CPUs, per-CPU lists with small batch and high so that they spill often. */
    private static String machine(String merge) {
        return "mmkit.machine { memory { size = 2MiB, backing = none }, cpus = 2,"
            + " zones = [{ name = DMA, size = 256KiB }, { name = Normal, size = 1MiB }, { name = HighMem }],"
            + " page-allocator { max-order = 8, merge = " + merge + ", min-free-kbytes = 64, pcp { batch = 4, high = 12 },"
            + " watermarks { HighMem { min = 8, low = 12, high = 16 } } } }";
    }

    static Stream<Arguments> runs() {
        Stream.Builder<Arguments> runs = Stream.builder();
        for (String impl : TestMachines.IMPLS) {
            for (long seed : new long[] {1, 42, 20260101}) {
                runs.add(Arguments.of(impl, "eager", seed));
            }
        }
        runs.add(Arguments.of("buddy", "lazy", 7L));
        runs.add(Arguments.of("buddy", "lazy", 99L));
        return runs.build();
    }

    private static final int[] GFPS = {Gfp.GFP_KERNEL, Gfp.GFP_ATOMIC, Gfp.GFP_NOWAIT, Gfp.GFP_DMA, Gfp.GFP_HIGHUSER_MOVABLE, Gfp.GFP_NOIO};

    @ParameterizedTest(name = "{0} merge={1} seed={2}")
    @MethodSource("runs")
    void randomAllocAndFreeKeepsEveryInvariant(String impl, String merge, long seed) {
        StandaloneMachine machine = TestMachines.machine(impl, machine(merge), null);
        PageAllocator allocator = machine.pageAllocator();
        SplittableRandom random = new SplittableRandom(seed);
        long[] live = new long[400];
        int[] orders = new int[400];
        int nrLive = 0;
        long allocatedPages = 0;
        long pgalloc = 0;
        int step = 0;
        try {
            for (step = 0; step < 3000; step++) {
                int action = random.nextInt(10);
                if (action < 1) {
                    machine.setCurrentCpu(random.nextInt(2));
                } else if (action < 2) {
                    allocator.drainPerCpuLists();
                } else if (nrLive > 0 && (action < 6 || nrLive == live.length)) {
                    int i = random.nextInt(nrLive);
                    allocator.freePages(live[i], orders[i]);
                    allocatedPages -= 1L << orders[i];
                    nrLive--;
                    live[i] = live[nrLive];
                    orders[i] = orders[nrLive];
                } else {
                    int order = random.nextInt(10) < 7 ? random.nextInt(3) : random.nextInt(8);
                    int gfp = GFPS[random.nextInt(GFPS.length)];
                    long pfn = allocator.allocPages(gfp, order);
                    if (pfn >= 0) {
                        assertThat(pfn & ((1L << order) - 1)).as("alignment of %d order %d", pfn, order).isZero();
                        assertThat(allocator.zoneOf(pfn).type().ordinal()).isLessThanOrEqualTo(Gfp.zone(gfp).ordinal());
                        live[nrLive] = pfn;
                        orders[nrLive] = order;
                        nrLive++;
                        allocatedPages += 1L << order;
                        pgalloc += 1L << order;
                    }
                }
                allocator.verify();
                long free = 0;
                for (Zone zone : allocator.zones()) {
                    free += zone.freePages() + zone.perCpuPages();
                }
                assertThat(free + allocatedPages).isEqualTo(512);
            }
            long counted = machine.vmstat().get(VmItem.PGALLOC_DMA) + machine.vmstat().get(VmItem.PGALLOC_NORMAL)
                + machine.vmstat().get(VmItem.PGALLOC_HIGH);
            assertThat(counted).isEqualTo(pgalloc);
            while (nrLive > 0) {
                nrLive--;
                allocator.freePages(live[nrLive], orders[nrLive]);
                allocator.verify();
            }
            allocator.drainPerCpuLists();
            allocator.verify();
            long free = 0;
            for (Zone zone : allocator.zones()) {
                free += zone.freePages();
            }
            assertThat(free).isEqualTo(512);
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError("impl " + impl + " merge " + merge + " seed " + seed + " failed at step " + step + ": " + e.getMessage(), e);
        }
    }
}
