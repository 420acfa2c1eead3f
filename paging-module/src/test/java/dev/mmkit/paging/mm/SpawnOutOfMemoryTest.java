package dev.mmkit.paging.mm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.machine.VmItem;
import dev.mmkit.api.workload.Mman;
import dev.mmkit.machine.StandaloneMachine;
import org.junit.jupiter.api.Test;

// A spawn that finds no memory for the new address space (every frame is held by VMAs, which
// no OOM kill can free: no process has a resident page) returns -ENOMEM as fork does. The
// process table must agree with the OOM counters: a process reported "oom-killed" that the
// OOM killer never counted makes /proc/vmstat's oom_kill and the core's oom_kills contradict
// the process list.
class SpawnOutOfMemoryTest {
    @Test
    void aSpawnWithoutMemoryFailsCleanlyAndItsProcessAgreesWithTheOomCounters() {
        StandaloneMachine machine = Machines.small("1MiB", "64KiB", "");
        LinuxMemoryManager mm = Machines.mm(machine);
        int a = mm.spawn("a");
        long addr = 0x10000000L;
        // VMAs alternate protections so that none merges: each is a vm_area_struct
        while (mm.mmap(a, addr, 4096, (addr & 0x2000) == 0 ? Mman.PROT_READ : Mman.PROT_READ | Mman.PROT_WRITE,
            Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS | Mman.MAP_FIXED, -1, 0) > 0) {
            addr += 8192;
        }
        assertThat(mm.alive(a)).isTrue();
        int before = mm.processes().size();
        // fork's contract: -ENOMEM and no process (it used to throw IllegalStateException and
        // leave an "oom-killed" process that never ran)
        int c = mm.spawn("c");
        assertThat(c).isEqualTo(-12);
        long reportedOomKilled = mm.processes().stream().filter(p -> p.exitReason().equals("oom-killed")).count();
        assertThat(mm.processes()).hasSize(before); // no pid was taken
        assertThat(reportedOomKilled)
            .as("processes reported oom-killed (%s) vs oom_kills %d and vmstat oom_kill %d", mm.processes().stream()
                .map(p -> p.pid() + ":" + (p.alive() ? "alive" : p.exitReason())).toList(), mm.counters().get("oom_kills"),
                machine.vmstat().get(VmItem.OOM_KILL))
            .isEqualTo(mm.counters().get("oom_kills"))
            .isEqualTo(machine.vmstat().get(VmItem.OOM_KILL));
        mm.verify();
    }
}
