package dev.mmkit.paging.mm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.machine.VmItem;
import dev.mmkit.api.workload.Mman;
import dev.mmkit.machine.StandaloneMachine;
import org.junit.jupiter.api.Test;

// flush_tlb_mm on a 2-CPU machine reaches the other CPU by IPI: Linux counts nr_tlb_remote_flush and _received as for one page.
class FlushMmRemoteCountTest {
    @Test
    void mprotectOfAnAddressSpaceCachedOnTwoCpusCountsARemoteFlush() {
        StandaloneMachine machine = Machines.small("8MiB", "1MiB", "mmkit.machine.cpus = 2");
        LinuxMemoryManager mm = Machines.mm(machine);
        int pid = mm.spawn("p");
        long a = mm.mmap(pid, 0, 4096, Mman.PROT_READ | Mman.PROT_WRITE, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS, -1, 0);
        machine.setCurrentCpu(1);
        mm.store(pid, a, 8, 1); // cached on CPU 1
        machine.setCurrentCpu(0);
        mm.load(pid, a, 8); // and on CPU 0
        long remote = machine.vmstat().get(VmItem.NR_TLB_REMOTE_FLUSH);
        long received = machine.vmstat().get(VmItem.NR_TLB_REMOTE_FLUSH_RECEIVED);
        assertThat(mm.mprotect(pid, a, 4096, Mman.PROT_READ)).isZero(); // flush_tlb_mm on CPU 0: CPU 1 drops it too
        assertThat(mm.load(pid, a, 8)).isEqualTo(1);
        assertThat(machine.vmstat().get(VmItem.NR_TLB_REMOTE_FLUSH)).as("nr_tlb_remote_flush").isEqualTo(remote + 1);
        assertThat(machine.vmstat().get(VmItem.NR_TLB_REMOTE_FLUSH_RECEIVED)).as("nr_tlb_remote_flush_received").isEqualTo(received + 1);
    }
}
