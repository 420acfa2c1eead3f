package dev.mmkit.paging.mm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.hw.Access;
import dev.mmkit.api.machine.VmItem;
import dev.mmkit.machine.StandaloneMachine;
import org.junit.jupiter.api.Test;

// The textbook reference strings with FIFO and a resident limit of N frames (Belady 1969; Silberschatz ch. 10).
class GoldenFaultCountTest {
    private static long faults(int frames, int... pages) {
        StandaloneMachine machine = Machines.small("4MiB", "1MiB", "mmkit.machine.paging.resident-limit = " + frames);
        LinuxMemoryManager mm = Machines.mm(machine);
        int pid = mm.spawnAdmitAll("trace");
        for (int page : pages) {
            assertThat(mm.access(pid, page * 4096L + 16, Access.READ, -1)).isTrue();
            assertThat(mm.processes().get(0).residentPages()).isLessThanOrEqualTo(frames);
        }
        mm.verify();
        return machine.vmstat().get(VmItem.PGFAULT);
    }

    @Test
    void beladysAnomalyWithFifo() {
        int[] s = {1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5};
        assertThat(faults(3, s)).isEqualTo(9);
        assertThat(faults(4, s)).isEqualTo(10);
    }

    @Test
    void silberschatzStringWithFifoAtThreeFrames() {
        assertThat(faults(3, 7, 0, 1, 2, 0, 3, 0, 4, 2, 3, 0, 3, 2, 1, 2, 0, 1, 7, 0, 1)).isEqualTo(15);
    }
}
