package dev.mmkit.paging.mm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.mmkit.api.hw.Pte;
import dev.mmkit.api.machine.ConfigurationException;
import dev.mmkit.api.machine.VmItem;
import dev.mmkit.api.mm.SwapArea;
import dev.mmkit.api.workload.Mman;
import dev.mmkit.machine.StandaloneMachine;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

// Swap: pages round-trip through a real file, entries sit in non-present PTEs, a full device OOMs cleanly.
class SwapTest {
    private static final int RW = Mman.PROT_READ | Mman.PROT_WRITE;
    private static final int ANON = Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS;

    /**
     * swapon happens at boot: the swap file exists, at its size, before any page is swapped,
     * and a file the host cannot create is a configuration error naming swap.path and the
     * reason (here a regular file where its directory should be), not a failure at the
     * first swap-out.
     */
    @Test
    void theSwapFileIsOpenedWhenTheMachineIsMadeAndAnUnopenableOneIsAConfigurationError() throws Exception {
        StandaloneMachine machine = Machines.small("1MiB", "4MiB", "");
        Machines.mm(machine);
        assertThat(Files.size(machine.runDirectory().resolve("swapfile"))).isEqualTo(4L << 20);

        StandaloneMachine bad = Machines.small("1MiB", "4MiB", "mmkit.machine.paging.swap.path = \"swapfile/inside\"");
        Files.writeString(bad.runDirectory().resolve("swapfile"), "a file, not a directory");
        ConfigurationException e = catchThrowableOfType(bad::memoryManager, ConfigurationException.class);
        assertThat(e).isNotNull();
        assertThat(e.problems()).containsExactly("test configuration: 4: mmkit.machine.paging.swap.path: cannot open the swap file "
            + bad.runDirectory().resolve("swapfile/inside") + ": Not a directory");
    }

    @Test
    void pagesRoundTripThroughTheSwapFile() throws Exception {
        StandaloneMachine machine = Machines.small("1MiB", "4MiB", "");
        LinuxMemoryManager mm = Machines.mm(machine);
        int pid = mm.spawn("big");
        int pages = 512;
        long a = mm.mmap(pid, 0, pages * 4096L, RW, ANON, -1, 0);
        for (int i = 0; i < pages; i++) {
            assertThat(mm.store(pid, a + i * 4096L + (i % 500) * 8, 8, 0xABCD_0000L + i)).isTrue();
        }
        assertThat(machine.vmstat().get(VmItem.PSWPOUT)).isPositive();
        Task t = (Task) mm.processes().get(0);
        long swapEntries = 0;
        for (int i = 0; i < pages; i++) {
            long pte = machine.pageTable().getPte(t.mm.root, a + i * 4096L);
            if (Pte.isSwap(pte)) {
                swapEntries++;
                assertThat(Pte.swapOffset(pte)).isBetween(1L, 1023L);
            }
        }
        assertThat(swapEntries).isPositive();
        assertThat(mm.swapTotalPages()).isEqualTo(1023);
        assertThat(mm.swapFreePages()).isLessThan(1023);
        // /proc/swaps: 4 MiB = 1024 slots, the header excluded; used = the slots that hold a page
        long used = 1023 - mm.swapFreePages();
        assertThat(mm.swapAreas()).containsExactly(new SwapArea("swapfile", false, 1023, used, -2));
        mm.verify();
        for (int i = 0; i < pages; i++) {
            assertThat(mm.load(pid, a + i * 4096L + (i % 500) * 8, 8)).as("page %d", i).isEqualTo(0xABCD_0000L + i);
        }
        assertThat(machine.vmstat().get(VmItem.PSWPIN)).isPositive();
        assertThat(machine.vmstat().get(VmItem.PGMAJFAULT)).isEqualTo(machine.vmstat().get(VmItem.PSWPIN));
        Path swapfile = machine.runDirectory().resolve("swapfile");
        assertThat(Files.size(swapfile)).isEqualTo(4L << 20);
        mm.verify();
        mm.exit(pid);
        assertThat(mm.swapFreePages()).isEqualTo(1023);
        assertThat(mm.swapAreas().get(0).usedPages()).isZero();
        mm.verify();
        mm.shutdown();
    }

    @Test
    void aFullSwapDeviceTakesTheOomPathAndSparesOtherData() {
        StandaloneMachine machine = Machines.small("1MiB", "256KiB", "");
        LinuxMemoryManager mm = Machines.mm(machine);
        int small = mm.spawn("small");
        long a = mm.mmap(small, 0, 20 * 4096L, RW, ANON, -1, 0);
        for (int i = 0; i < 20; i++) {
            mm.store(small, a + i * 4096L, 8, 500 + i);
        }
        int hog = mm.spawn("hog");
        long b = mm.mmap(hog, 0, 2000 * 4096L, RW, ANON, -1, 0);
        int i = 0;
        while (i < 2000 && mm.store(hog, b + i * 4096L, 8, i)) {
            i++;
        }
        assertThat(i).isLessThan(2000);
        assertThat(mm.alive(hog)).isFalse();
        assertThat(mm.processes().get(hog - 1).exitReason()).isEqualTo("oom-killed");
        assertThat(machine.vmstat().get(VmItem.OOM_KILL)).isEqualTo(1);
        assertThat(mm.alive(small)).isTrue();
        for (int j = 0; j < 20; j++) {
            assertThat(mm.load(small, a + j * 4096L, 8)).isEqualTo(500 + j);
        }
        mm.verify();
    }

    @Test
    void evictionShootsDownTheTranslationOnEveryCpu() {
        StandaloneMachine machine = Machines.small("1MiB", "4MiB", "mmkit.machine.cpus = 2");
        LinuxMemoryManager mm = Machines.mm(machine);
        int pid = mm.spawn("p");
        long a = mm.mmap(pid, 0, 8 * 4096L, RW, ANON, -1, 0);
        for (int i = 0; i < 8; i++) {
            mm.store(pid, a + i * 4096L, 8, 70 + i);
        }
        machine.setCurrentCpu(1);
        for (int i = 0; i < 8; i++) {
            assertThat(mm.load(pid, a + i * 4096L, 8)).isEqualTo(70 + i);
        }
        // both CPUs now cache the translations; reclaim every page
        long got = machine.reclaimDaemon().directReclaim(dev.mmkit.api.page.Gfp.GFP_KERNEL, 0,
            machine.pageAllocator().zones().get(0));
        assertThat(got).isGreaterThanOrEqualTo(8);
        assertThat(machine.vmstat().get(VmItem.NR_TLB_REMOTE_FLUSH)).isPositive();
        // reclaim ran on CPU 1: CPU 0's TLB received every page as a shootdown, CPU 1's none
        long received = machine.vmstat().get(VmItem.NR_TLB_REMOTE_FLUSH_RECEIVED);
        assertThat(received).isGreaterThanOrEqualTo(8);
        assertThat(mm.tlbs[0].counters().get("tlb.shootdowns")).isEqualTo(received);
        assertThat(mm.tlbs[1].counters().get("tlb.shootdowns")).isZero();
        long majors = machine.vmstat().get(VmItem.PGMAJFAULT);
        machine.setCurrentCpu(0);
        for (int i = 0; i < 8; i++) {
            assertThat(mm.load(pid, a + i * 4096L, 8)).isEqualTo(70 + i);
        }
        assertThat(machine.vmstat().get(VmItem.PGMAJFAULT) - majors).isEqualTo(8);
        machine.setCurrentCpu(1);
        for (int i = 0; i < 8; i++) {
            assertThat(mm.load(pid, a + i * 4096L, 8)).isEqualTo(70 + i);
        }
        mm.verify();
    }

    @Test
    void withoutSwapAnonymousPagesCannotBeEvicted() {
        StandaloneMachine machine = Machines.small("1MiB", "0", "");
        LinuxMemoryManager mm = Machines.mm(machine);
        int pid = mm.spawn("p");
        long b = mm.mmap(pid, 0, 1000 * 4096L, RW, ANON, -1, 0);
        int i = 0;
        while (i < 1000 && mm.store(pid, b + i * 4096L, 8, i)) {
            i++;
        }
        assertThat(mm.processes().get(0).exitReason()).isEqualTo("oom-killed");
        assertThat(machine.vmstat().get(VmItem.PSWPOUT)).isZero();
        assertThat(mm.swapTotalPages()).isZero();
        assertThat(mm.swapAreas()).isEmpty();
        mm.verify();
    }

    /**
     * A swapped-out page inherited by 70 children: its slot is referenced by 71 swap PTEs,
     * more than the 62 (SWAP_MAP_MAX) that Linux's swap_map byte holds before it continues
     * the count elsewhere. Every child reads the value back (its read maps the page from
     * the swap cache and takes its reference off the slot), and once the children and the
     * parent have exited the slot is free; the machine's own check (every slot's count
     * equals the swap PTEs that name it) passes all along.
     */
    @Test
    void aSwappedPageSharedByMoreThanSixtyTwoProcessesKeepsItsCount() {
        StandaloneMachine machine = Machines.small("16MiB", "1MiB", "mmkit.machine.paging.resident-limit = 2");
        LinuxMemoryManager mm = Machines.mm(machine);
        int parent = mm.spawn("parent");
        long a = mm.mmap(parent, 0, 4 * 4096L, RW, ANON, -1, 0);
        for (int i = 0; i < 4; i++) {
            assertThat(mm.store(parent, a + i * 4096L, 8, 0x5157_0000L + i)).isTrue();
        }
        Task t = (Task) mm.processes().get(0);
        long pte = machine.pageTable().getPte(t.mm.root, a);
        assertThat(Pte.isSwap(pte)).as("page 0 swapped out by the resident limit").isTrue();
        long slot = Pte.swapOffset(pte);
        int[] children = new int[70];
        for (int c = 0; c < children.length; c++) {
            children[c] = mm.fork(parent);
        }
        assertThat(mm.swap().count(slot)).isEqualTo(71);
        mm.verify();
        for (int c = 0; c < children.length; c++) {
            assertThat(mm.load(children[c], a, 8)).as("child %d", c).isEqualTo(0x5157_0000L);
        }
        mm.verify();
        for (int child : children) {
            mm.exit(child);
        }
        mm.verify();
        assertThat(mm.load(parent, a, 8)).isEqualTo(0x5157_0000L);
        mm.exit(parent);
        assertThat(mm.swapFreePages()).isEqualTo(mm.swapTotalPages());
        mm.verify();
    }
}
