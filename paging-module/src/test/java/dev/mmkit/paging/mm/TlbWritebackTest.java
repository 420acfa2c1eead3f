package dev.mmkit.paging.mm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.hw.Pte;
import dev.mmkit.api.page.Gfp;
import dev.mmkit.api.workload.Mman;
import dev.mmkit.machine.StandaloneMachine;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

// The machine's side of the TLB's bits: with writeback-bits (the Nachos convention) the TLB sets
// A and D itself and the machine copies them to the PTE when the entry leaves (TlbListener.evicted),
// so that reclaim sees a page written through the TLB as dirty; without, the walk sets them (x86).
class TlbWritebackTest {
    private static final int RW = Mman.PROT_READ | Mman.PROT_WRITE;
    private static final int SHARED_ANON = Mman.MAP_SHARED | Mman.MAP_ANONYMOUS;

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aStoreThroughTheTlbReachesThePteWhenTheEntryLeaves(boolean writeback) {
        StandaloneMachine machine = Machines.small("1MiB", "4MiB", "mmkit.machine.tlb.writeback-bits = " + writeback);
        LinuxMemoryManager mm = Machines.mm(machine);
        int pid = mm.spawn("p");
        long a = mm.mmap(pid, 0, 4096L, RW, SHARED_ANON, -1, 0);
        assertThat(mm.load(pid, a, 8)).isZero(); // zero fill on a read: mapped writable, D clear
        long root = ((Task) mm.processes().get(0)).mm.root;
        assertThat(Pte.isDirty(machine.pageTable().getPte(root, a))).isFalse();
        assertThat(mm.store(pid, a, 8, 42)).isTrue(); // a TLB hit
        mm.tlbs[0].invalidateAll(); // the entry leaves the TLB
        long pte = machine.pageTable().getPte(root, a);
        assertThat(Pte.isDirty(pte)).as("D in %s", Pte.describe(pte)).isTrue();
        assertThat(Pte.isAccessed(pte)).isTrue();
        mm.verify();
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aSharedPageWrittenAfterASwapInIsWrittenAgainBeforeItIsDropped(boolean writeback) {
        // A shared anonymous page read back from swap stays in the swap cache, mapped writable
        // and clean: only D tells reclaim that a store changed it since.
        StandaloneMachine machine = Machines.small("1MiB", "4MiB", "mmkit.machine.tlb.writeback-bits = " + writeback);
        LinuxMemoryManager mm = Machines.mm(machine);
        int pid = mm.spawn("p");
        int pages = 16;
        long a = mm.mmap(pid, 0, pages * 4096L, RW, SHARED_ANON, -1, 0);
        for (int i = 0; i < pages; i++) {
            assertThat(mm.store(pid, a + i * 4096L, 8, 100 + i)).isTrue();
        }
        reclaimAll(machine, pages);
        for (int i = 0; i < pages; i++) {
            assertThat(mm.load(pid, a + i * 4096L, 8)).isEqualTo(100 + i); // swapped in by a read
            assertThat(mm.store(pid, a + i * 4096L, 8, 200 + i)).isTrue();
        }
        reclaimAll(machine, pages);
        for (int i = 0; i < pages; i++) {
            assertThat(mm.load(pid, a + i * 4096L, 8)).as("page %d", i).isEqualTo(200 + i);
        }
        mm.verify();
    }

    private static void reclaimAll(StandaloneMachine machine, int pages) {
        long got = machine.reclaimDaemon().directReclaim(Gfp.GFP_KERNEL, 0, machine.pageAllocator().zones().get(0));
        assertThat(got).isGreaterThanOrEqualTo(pages);
    }
}
