package dev.mmkit.paging.mm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mmkit.api.hw.Access;
import dev.mmkit.api.machine.VmItem;
import dev.mmkit.api.mm.VmArea;
import dev.mmkit.api.workload.Mman;
import dev.mmkit.machine.StandaloneMachine;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

// End-to-end behaviour of the core on real buddy, SLUB and TLB: demand paging, data, stack, exec, exit.
class MemoryManagerTest {
    private static final int RW = Mman.PROT_READ | Mman.PROT_WRITE;
    private static final int ANON = Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS;

    @ParameterizedTest
    @ValueSource(strings = {"x86-32", "x86-pae", "x86-64", "x86-64-la57", "inverted"})
    void everyFormatRunsAProcess(String format) {
        StandaloneMachine machine = Machines.small("8MiB", "4MiB", "mmkit.machine.page-table.impl = " + format);
        LinuxMemoryManager mm = Machines.mm(machine);
        int pid = mm.spawn("p");
        long addr = mm.mmap(pid, 0, 64 * 1024, RW, ANON, -1, 0);
        assertThat(addr).isPositive();
        for (int i = 0; i < 16; i++) {
            assertThat(mm.store(pid, addr + i * 4096L + 8, 8, 0x1111_0000L + i)).isTrue();
        }
        for (int i = 0; i < 16; i++) {
            assertThat(mm.load(pid, addr + i * 4096L + 8, 8)).isEqualTo(0x1111_0000L + i);
        }
        assertThat(mm.load(pid, addr + 100, 4)).isZero();
        assertThat(machine.vmstat().get(VmItem.PGFAULT)).isEqualTo(16);
        assertThat(mm.processes().get(0).residentPages()).isEqualTo(16);
        mm.verify();
        mm.exit(pid);
        assertThat(mm.alive(pid)).isFalse();
        assertThat(mm.processes().get(0).exitReason()).isEqualTo("exited");
        assertThat(machine.vmstat().get(VmItem.NR_ANON_PAGES)).isZero();
        assertThat(machine.vmstat().get(VmItem.NR_PAGE_TABLE_PAGES)).isEqualTo(format.equals("inverted") ? mm.counters().get("page_table_pages") : 0);
        mm.verify();
    }

    @Test
    void firstTouchReadGetsAZeroedFrameAndDataCrossesPages() {
        StandaloneMachine machine = Machines.small("8MiB", "4MiB", "");
        LinuxMemoryManager mm = Machines.mm(machine);
        int pid = mm.spawn("p");
        long addr = mm.mmap(pid, 0, 8192, RW, ANON, -1, 0);
        assertThat(mm.load(pid, addr + 4000, 8)).isZero();
        assertThat(mm.store(pid, addr + 4092, 8, 0x0102_0304_0506_0708L)).isTrue();
        assertThat(mm.load(pid, addr + 4092, 8)).isEqualTo(0x0102_0304_0506_0708L);
        // little-endian: bytes 08 07 06 05 | 04 03 02 01, so the second page starts with 04 03
        assertThat(mm.load(pid, addr + 4096, 2)).isEqualTo(0x0304);
        assertThat(mm.counters().get("zero_fills")).isEqualTo(2);
    }

    @Test
    void theTlbServesRepeatedReferences() {
        StandaloneMachine machine = Machines.small("8MiB", "4MiB", "");
        LinuxMemoryManager mm = Machines.mm(machine);
        int pid = mm.spawn("p");
        long addr = mm.mmap(pid, 0, 4096, RW, ANON, -1, 0);
        mm.access(pid, addr, Access.READ, -1);
        long walks = mm.counters().get("walks");
        for (int i = 0; i < 10; i++) {
            mm.access(pid, addr + i * 8, Access.READ, -1);
        }
        assertThat(mm.counters().get("walks")).isEqualTo(walks);
        assertThat(mm.counters().get("tlb_hits")).isEqualTo(10);
        // the first write to a page cached clean walks again to set D
        mm.access(pid, addr, Access.WRITE, -1);
        assertThat(mm.counters().get("dirty_rewalks")).isEqualTo(1);
        assertThat(machine.clock().now()).isPositive();
    }

    @Test
    void theStackGrowsDownToItsLimit() {
        StandaloneMachine machine = Machines.small("8MiB", "4MiB", "mmkit.machine.paging.stack-limit = 1MiB\n"
            + "mmkit.machine.paging.stack-initial = 8KiB");
        LinuxMemoryManager mm = Machines.mm(machine);
        int pid = mm.spawn("p");
        List<? extends VmArea> maps = mm.processes().get(0).maps();
        assertThat(maps).hasSize(1);
        VmArea stack = maps.get(0);
        assertThat(stack.name()).isEqualTo("[stack]");
        assertThat(stack.end() - stack.start()).isEqualTo(8192);
        long top = stack.end();
        // x86-64's TASK_SIZE_MAX: the stack of a process without address randomisation ends
        // at 7ffffffff000, as Linux's maps shows it under setarch -R
        assertThat(top).isEqualTo(0x7fff_ffff_f000L);
        assertThat(mm.store(pid, top - 512 * 1024, 8, 5)).isTrue();
        assertThat(mm.processes().get(0).maps().get(0).start()).isEqualTo(top - 512 * 1024);
        assertThat(mm.store(pid, top - 1024 * 1024 - 8, 8, 5)).isFalse();
        assertThat(mm.processes().get(0).exitReason()).startsWith("SIGSEGV at 0x");
    }

    @Test
    void onlyTheInitialStackIsNamedStack() {
        // Regression: every MAP_GROWSDOWN mapping used to show as [stack]; Linux's
        // show_map_vma names only the VMA that holds mm->start_stack.
        StandaloneMachine machine = Machines.small("8MiB", "4MiB", "");
        LinuxMemoryManager mm = Machines.mm(machine);
        int pid = mm.spawn("p");
        long addr = mm.mmap(pid, 0, 64 * 1024, RW, ANON | Mman.MAP_GROWSDOWN, -1, 0);
        assertThat(addr).isPositive();
        List<? extends VmArea> maps = mm.processes().get(0).maps();
        assertThat(maps).extracting(VmArea::name).containsExactly("", "[stack]");
        assertThat(maps.get(0).start()).isEqualTo(addr);
    }

    @Test
    void execGivesAFreshAddressSpace() {
        StandaloneMachine machine = Machines.small("8MiB", "4MiB", "");
        LinuxMemoryManager mm = Machines.mm(machine);
        int pid = mm.spawn("sh");
        long addr = mm.mmap(pid, 0, 4096, RW, ANON, -1, 0);
        mm.store(pid, addr, 8, 1);
        mm.execve(pid, "ls");
        assertThat(mm.processes().get(0).name()).isEqualTo("ls");
        assertThat(mm.processes().get(0).maps()).hasSize(1);
        assertThat(machine.vmstat().get(VmItem.NR_ANON_PAGES)).isZero();
        assertThat(mm.load(pid, addr, 8)).isZero();
        assertThat(mm.alive(pid)).isFalse();
        assertThatThrownBy(() -> mm.load(pid, addr, 8)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("pid " + pid);
    }

    @Test
    void aPidNoProcessEverHadIsNoSuchProcess() {
        StandaloneMachine machine = Machines.small("8MiB", "4MiB", "");
        LinuxMemoryManager mm = Machines.mm(machine);
        int pid = mm.spawn("p");
        long addr = mm.mmap(pid, 0, 4096, RW, ANON, -1, 0);
        assertThat(mm.access(pid, addr, Access.WRITE, -1)).isTrue();
        // 0 and negative, the next pid (a free slot of the pid table) and one beyond the table
        for (int bad : new int[] {0, -1, pid + 1, 1000}) {
            assertThatThrownBy(() -> mm.access(bad, addr, Access.READ, -1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("pid " + bad + ": no such process");
            assertThatThrownBy(() -> mm.load(bad, addr, 8)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("pid " + bad + ": no such process");
        }
        assertThat(mm.counters().get("references")).isEqualTo(1);
    }

    @Test
    void fileCallsWithoutAPageCacheAreEnodev() {
        StandaloneMachine machine = Machines.small("8MiB", "4MiB", "");
        LinuxMemoryManager mm = Machines.mm(machine);
        int pid = mm.spawn("p");
        assertThat(mm.open(pid, "data", true)).isEqualTo(-19);
        assertThat(mm.mmap(pid, 0, 4096, Mman.PROT_READ, Mman.MAP_SHARED, 3, 0)).isEqualTo(-19);
        assertThat(mm.pread(pid, 3, new byte[4], 4, 0)).isEqualTo(-19);
        assertThat(mm.pwrite(pid, 3, new byte[4], 4, 0)).isEqualTo(-19);
        assertThat(mm.fsync(pid, 3)).isEqualTo(-19);
        assertThat(mm.ftruncate(pid, 3, 0)).isEqualTo(-19);
        assertThat(mm.alive(pid)).isTrue();
    }

    @Test
    void kernelObjectsComeFromSlabCaches() {
        StandaloneMachine machine = Machines.small("8MiB", "4MiB", "");
        LinuxMemoryManager mm = Machines.mm(machine);
        int pid = mm.spawn("p");
        mm.mmap(pid, 0, 4096, RW, ANON, -1, 0);
        mm.mmap(pid, 0, 4096, Mman.PROT_READ, ANON, -1, 0);
        assertThat(machine.slab().caches()).extracting(c -> c.name()).contains("mm_struct", "vm_area_struct", "anon_vma");
        var vmaCache = machine.slab().caches().stream().filter(c -> c.name().equals("vm_area_struct")).findFirst().get();
        assertThat(vmaCache.activeObjects()).isEqualTo(3);
        mm.exit(pid);
        assertThat(vmaCache.activeObjects()).isZero();
    }
}
