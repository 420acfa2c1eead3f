package dev.mmkit.paging.mm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.hw.Access;
import dev.mmkit.api.tlb.Tlb;
import dev.mmkit.api.workload.Mman;
import dev.mmkit.machine.StandaloneMachine;
import org.junit.jupiter.api.Test;

// The core's tlb_hits and tlb_misses are the TLBs' own hits() and misses(), whatever the TLB:
// a software TLB's miss answered by the refill handler is a miss, a hit the MMU cannot use
// (a write to an entry with D clear, or to a read-only copy-on-write page) is still a hit.
class TlbCountersTest {
    @Test
    void theCoreCountsTlbLookupsAsTheTlbDoes() {
        for (String impl : new String[] {"software", "set-associative", "hierarchy", "fully-associative"}) {
            StandaloneMachine machine = Machines.small("8MiB", "4MiB", "mmkit.machine.tlb.impl = " + impl
                + "\nmmkit.machine.cpus = 2");
            LinuxMemoryManager mm = Machines.mm(machine);
            int pid = mm.spawn("p");
            long a = mm.mmap(pid, 0, 8 * 4096, Mman.PROT_READ | Mman.PROT_WRITE, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS, -1, 0);
            for (int i = 0; i < 8; i++) {
                mm.access(pid, a + i * 4096L, Access.READ, -1);
                mm.access(pid, a + i * 4096L, Access.READ, -1);
                mm.access(pid, a + i * 4096L, Access.WRITE, -1); // cached clean: a hit that walks again
            }
            int child = mm.fork(pid);
            mm.store(child, a, 8, 1);      // copy on write
            mm.store(pid, a + 4096, 8, 2); // reuse
            machine.setCurrentCpu(1);
            for (int i = 0; i < 8; i++) {
                mm.load(pid, a + i * 4096L, 8);
                mm.load(child, a + i * 4096L, 8);
            }
            long hits = 0;
            long misses = 0;
            for (Tlb tlb : mm.tlbs) {
                if (tlb != null) {
                    hits += tlb.hits();
                    misses += tlb.misses();
                }
            }
            assertThat(hits).as(impl).isPositive();
            assertThat(mm.counters().get("tlb_hits")).as(impl).isEqualTo(hits);
            assertThat(mm.counters().get("tlb_misses")).as(impl).isEqualTo(misses);
            mm.verify();
        }
    }
}
