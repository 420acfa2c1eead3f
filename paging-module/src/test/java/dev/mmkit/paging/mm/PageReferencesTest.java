package dev.mmkit.paging.mm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.hw.Access;
import dev.mmkit.api.hw.Pte;
import dev.mmkit.api.machine.PageFlags;
import dev.mmkit.api.workload.Mman;
import dev.mmkit.machine.StandaloneMachine;
import org.junit.jupiter.api.Test;

// What a policy may learn: referenced bits tested and cleared through the reverse map (with shootdown), dirtiness.
class PageReferencesTest {
    private final StandaloneMachine machine = Machines.small("8MiB", "4MiB", "");
    private final LinuxMemoryManager mm = Machines.mm(machine);

    private long pfnOf(int pid, long va) {
        Task t = (Task) mm.processes().get(pid - 1);
        return Pte.pfn(machine.pageTable().getPte(t.mm.root, va));
    }

    @Test
    void testAndClearShootsDownSoTheNextReferenceSetsAAgain() {
        int pid = mm.spawn("p");
        long a = mm.mmap(pid, 0, 4096, Mman.PROT_READ | Mman.PROT_WRITE, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS, -1, 0);
        mm.access(pid, a, Access.READ, -1);
        long pfn = pfnOf(pid, a);
        assertThat(mm.isReferenced(pfn)).isTrue();
        assertThat(mm.testAndClearReferenced(pfn)).isTrue();
        assertThat(mm.isReferenced(pfn)).isFalse();
        assertThat(mm.testAndClearReferenced(pfn)).isFalse();
        // were the TLB entry kept, this hit would not reach the page table
        mm.access(pid, a, Access.READ, -1);
        assertThat(mm.isReferenced(pfn)).isTrue();
    }

    /** A page that a parent wrote and then forked: mapped by both, its bits cleared. */
    private record Shared(int parent, int child, long a, long pfn) {
    }

    private Shared sharedByFork() {
        int parent = mm.spawn("p");
        long a = mm.mmap(parent, 0, 4096, Mman.PROT_READ | Mman.PROT_WRITE, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS, -1, 0);
        mm.store(parent, a, 8, 1);
        int child = mm.fork(parent);
        long pfn = pfnOf(parent, a);
        mm.testAndClearReferenced(pfn);
        return new Shared(parent, child, a, pfn);
    }

    @Test
    void referencedBitsOfEveryMappingCount() {
        Shared s = sharedByFork();
        mm.load(s.child(), s.a(), 8);
        assertThat(mm.testAndClearReferenced(s.pfn())).isTrue();
        assertThat(mm.isReferenced(s.pfn())).isFalse();
    }

    @Test
    void referencedPtesCountsEachMappingThatReferencedThePage() {
        // page_referenced's count (referenced_ptes), which page_check_references promotes on when > 1
        Shared s = sharedByFork();
        int parent = s.parent();
        int child = s.child();
        long a = s.a();
        long pfn = s.pfn();
        mm.load(parent, a, 8);
        mm.load(child, a, 8);
        assertThat(mm.referencedPtes(pfn)).isEqualTo(2);
        assertThat(mm.referencedPtes(pfn)).isZero();
        mm.load(child, a, 8);
        assertThat(mm.referencedPtes(pfn)).isEqualTo(1);
        // PG_referenced (what the machine records itself) counts one more
        mm.load(parent, a, 8);
        machine.memMap().setFlag(pfn, PageFlags.PG_REFERENCED);
        assertThat(mm.referencedPtes(pfn)).isEqualTo(2);
        assertThat(machine.memMap().testFlag(pfn, PageFlags.PG_REFERENCED)).isFalse();
        // the sole mapping of a page no fork shares is read directly: the same count
        int other = mm.spawn("q");
        long b = mm.mmap(other, 0, 4096, Mman.PROT_READ | Mman.PROT_WRITE, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS, -1, 0);
        mm.store(other, b, 8, 1);
        long own = pfnOf(other, b);
        machine.memMap().setFlag(own, PageFlags.PG_REFERENCED);
        assertThat(mm.referencedPtes(own)).isEqualTo(2);
        assertThat(mm.referencedPtes(own)).isZero();
        mm.verify();
    }

    @Test
    void anonymousPagesAreDirtyUntilWrittenToSwap() {
        int pid = mm.spawn("p");
        long a = mm.mmap(pid, 0, 4096, Mman.PROT_READ | Mman.PROT_WRITE, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS, -1, 0);
        mm.load(pid, a, 8);
        long pfn = pfnOf(pid, a);
        // never written, but no copy exists anywhere: it must be written before it can go
        assertThat(mm.isDirty(pfn)).isTrue();
        assertThat(mm.startWriteback(pfn)).isTrue();
        assertThat(mm.isDirty(pfn)).isFalse();
        // the private page in the swap cache is now read-only; a store makes it dirty again
        mm.store(pid, a, 8, 9);
        assertThat(mm.isDirty(pfn)).isTrue();
        assertThat(mm.load(pid, a, 8)).isEqualTo(9);
        mm.verify();
    }
}
