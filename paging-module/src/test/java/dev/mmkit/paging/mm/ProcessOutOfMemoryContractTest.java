package dev.mmkit.paging.mm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.machine.VmItem;
import dev.mmkit.api.workload.Mman;
import dev.mmkit.machine.StandaloneMachine;
import org.junit.jupiter.api.Test;

// spawn, fork and exec without memory for the new address space fail as Linux's fork/clone and
// execve do: -ENOMEM, no process left behind, no OOM kill counted, exec keeps the old image.
class ProcessOutOfMemoryContractTest {
    /** Fills the machine with vm_area_struct objects of {@code a}: no OOM kill can free them (no process has a resident page). */
    private static void fillWithVmas(LinuxMemoryManager mm, int a) {
        long addr = 0x10000000L;
        while (mm.mmap(a, addr, 4096, (addr & 0x2000) == 0 ? Mman.PROT_READ : Mman.PROT_READ | Mman.PROT_WRITE,
            Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS | Mman.MAP_FIXED, -1, 0) > 0) {
            addr += 8192;
        }
    }

    /** A machine whose memory process {@code a} filled with VMAs, and how many processes it lists. */
    private record Full(StandaloneMachine machine, LinuxMemoryManager mm, int a, int before) {
    }

    private static Full full() {
        StandaloneMachine machine = Machines.small("1MiB", "64KiB", "");
        LinuxMemoryManager mm = Machines.mm(machine);
        int a = mm.spawn("a");
        fillWithVmas(mm, a);
        return new Full(machine, mm, a, mm.processes().size());
    }

    @Test
    void aSpawnWithoutMemoryReturnsEnomemAndLeavesNoProcess() {
        Full f = full();
        StandaloneMachine machine = f.machine();
        LinuxMemoryManager mm = f.mm();
        int a = f.a();
        int before = f.before();
        int c = mm.spawn("c");
        assertThat(c).isEqualTo(LinuxMemoryManager.ENOMEM);
        assertThat(mm.processes()).hasSize(before);
        assertThat(mm.counters().get("oom_kills")).isZero();
        assertThat(machine.vmstat().get(VmItem.OOM_KILL)).isZero();
        assertThat(mm.alive(a)).isTrue();
        mm.verify();
    }

    @Test
    void aForkWithoutMemoryReturnsEnomemAndLeavesNoProcess() {
        Full f = full();
        StandaloneMachine machine = f.machine();
        LinuxMemoryManager mm = f.mm();
        int a = f.a();
        int before = f.before();
        int c = mm.fork(a);
        assertThat(c).isEqualTo(LinuxMemoryManager.ENOMEM);
        assertThat(mm.processes()).as("%s", mm.processes().stream().map(p -> p.pid() + ":" + p.exitReason()).toList())
            .hasSize(before);
        assertThat(mm.counters().get("processes")).isEqualTo(before);
        assertThat(mm.alive(a)).isTrue();
        mm.verify();
        // the next process created takes the pid the failed fork did not use
        mm.munmap(a, 0x10000000L, 64 * 8192L);
        int d = mm.spawn("d");
        assertThat(d).isEqualTo(before + 1);
    }

    @Test
    void anExecWithoutMemoryReturnsEnomemAndKeepsTheOldImage() {
        StandaloneMachine machine = Machines.small("1MiB", "64KiB", "");
        LinuxMemoryManager mm = Machines.mm(machine);
        int b = mm.spawn("b");
        long page = mm.mmap(b, 0, 4096, Mman.PROT_READ | Mman.PROT_WRITE, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS, -1, 0);
        assertThat(mm.store(b, page, 8, 0x1234)).isTrue();
        int a = mm.spawn("a");
        fillWithVmas(mm, a);
        String mapsBefore = mm.processes().get(b - 1).maps().toString();
        int r = mm.execve(b, "new");
        assertThat(r).isEqualTo(LinuxMemoryManager.ENOMEM);
        assertThat(mm.alive(b)).isTrue();
        assertThat(mm.processes().get(b - 1).name()).isEqualTo("b");
        assertThat(mm.processes().get(b - 1).maps().toString()).isEqualTo(mapsBefore);
        mm.verify();
        mm.munmap(a, 0x10000000L, 64 * 8192L); // memory again: the old image's data is there
        assertThat(mm.load(b, page, 8)).isEqualTo(0x1234);
        assertThat(mm.execve(b, "new")).isZero();
        assertThat(mm.processes().get(b - 1).name()).isEqualTo("new");
        mm.verify();
    }
}
