package dev.mmkit.paging.mm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.hw.Page;
import dev.mmkit.api.hw.Pte;
import dev.mmkit.api.machine.VmItem;
import dev.mmkit.api.workload.Mman;
import dev.mmkit.machine.StandaloneMachine;
import org.junit.jupiter.api.Test;

// fork shares pages copy-on-write: values diverge only after a write, counts follow the sharing.
class ForkCowTest {
    private static final int RW = Mman.PROT_READ | Mman.PROT_WRITE;

    private final StandaloneMachine machine = Machines.small("8MiB", "1MiB", "");
    private final LinuxMemoryManager mm = Machines.mm(machine);

    private long pfnOf(int pid, long va) {
        Task t = (Task) mm.processes().get(pid - 1);
        return Pte.pfn(machine.pageTable().getPte(t.mm.root, va));
    }

    private long pteOf(int pid, long va) {
        Task t = (Task) mm.processes().get(pid - 1);
        return machine.pageTable().getPte(t.mm.root, va);
    }

    @Test
    void aSharedAnonymousPageFirstTouchedAfterForkIsShared() {
        // mmap(2): MAP_SHARED|MAP_ANONYMOUS is one object for parent and child, whether or not
        // a page was touched before the fork (found by fuzzing: each got a page of its own)
        int parent = mm.spawn("parent");
        long a = mm.mmap(parent, 0, 2 * 4096, RW, Mman.MAP_SHARED | Mman.MAP_ANONYMOUS, -1, 0);
        int child = mm.fork(parent);
        mm.store(child, a + 4096, 8, 3);
        assertThat(mm.load(parent, a + 4096, 8)).isEqualTo(3);
        mm.store(parent, a + 4096, 8, 4);
        assertThat(mm.load(child, a + 4096, 8)).isEqualTo(4);
        assertThat(pfnOf(child, a + 4096)).isEqualTo(pfnOf(parent, a + 4096));
        mm.verify();
    }

    @Test
    void aSharedAnonymousPageOutlivesTheProcessThatTouchedIt() {
        int parent = mm.spawn("parent");
        long a = mm.mmap(parent, 0, 4096, RW, Mman.MAP_SHARED | Mman.MAP_ANONYMOUS, -1, 0);
        int child = mm.fork(parent);
        mm.store(child, a, 8, 77);
        mm.exit(child);
        assertThat(mm.load(parent, a, 8)).isEqualTo(77);
        mm.verify();
    }

    @Test
    void valuesDivergeAfterAWriteAndCountsFollow() {
        int parent = mm.spawn("parent");
        long a = mm.mmap(parent, 0, 2 * 4096, RW, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS, -1, 0);
        mm.store(parent, a, 8, 1000);
        mm.store(parent, a + 4096, 8, 2000);
        long shared = pfnOf(parent, a);
        int child = mm.fork(parent);
        assertThat(child).isEqualTo(2);
        assertThat(pfnOf(child, a)).isEqualTo(shared);
        assertThat(machine.memMap().mapcount(shared)).isEqualTo(2);
        assertThat(machine.memMap().refcount(shared)).isEqualTo(2);
        assertThat(Pte.isWritable(pteOf(parent, a))).isFalse();
        assertThat(Pte.isWritable(pteOf(child, a))).isFalse();
        assertThat(mm.load(child, a, 8)).isEqualTo(1000);
        mm.verify();

        assertThat(mm.store(child, a, 8, 1001)).isTrue();
        assertThat(mm.load(child, a, 8)).isEqualTo(1001);
        assertThat(mm.load(parent, a, 8)).isEqualTo(1000);
        assertThat(pfnOf(child, a)).isNotEqualTo(shared);
        assertThat(machine.memMap().mapcount(shared)).isEqualTo(1);
        assertThat(machine.memMap().mapcount(pfnOf(child, a))).isEqualTo(1);
        assertThat(mm.counters().get("cow_copies")).isEqualTo(1);

        // the parent is now the page's only user: its write reuses the page
        long reuseBefore = machine.vmstat().get(VmItem.PGREUSE);
        assertThat(mm.store(parent, a, 8, 1002)).isTrue();
        assertThat(pfnOf(parent, a)).isEqualTo(shared);
        assertThat(machine.vmstat().get(VmItem.PGREUSE)).isEqualTo(reuseBefore + 1);
        assertThat(mm.load(child, a, 8)).isEqualTo(1001);
        assertThat(mm.load(child, a + 4096, 8)).isEqualTo(2000);
        mm.verify();

        mm.exit(parent);
        assertThat(mm.load(child, a + 4096, 8)).isEqualTo(2000);
        assertThat(machine.memMap().mapcount(pfnOf(child, a + 4096))).isEqualTo(1);
        mm.exit(child);
        assertThat(machine.vmstat().get(VmItem.NR_ANON_PAGES)).isZero();
        mm.verify();
    }

    @Test
    void sharedAnonymousMemoryStaysSharedAcrossFork() {
        int parent = mm.spawn("parent");
        long a = mm.mmap(parent, 0, 4096, RW, Mman.MAP_SHARED | Mman.MAP_ANONYMOUS, -1, 0);
        mm.store(parent, a, 8, 1);
        int child = mm.fork(parent);
        mm.store(child, a, 8, 2);
        assertThat(mm.load(parent, a, 8)).isEqualTo(2);
        assertThat(pfnOf(parent, a)).isEqualTo(pfnOf(child, a));
        mm.verify();
    }

    @Test
    void grandchildrenShareTheAnonVmaFamily() {
        int p = mm.spawn("p");
        long a = mm.mmap(p, 0, 4096, RW, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS, -1, 0);
        mm.store(p, a, 8, 7);
        int c = mm.fork(p);
        int g = mm.fork(c);
        long pfn = pfnOf(p, a);
        assertThat(machine.memMap().mapcount(pfn)).isEqualTo(3);
        int[] mappings = {0};
        mm.rmapWalk(pfn, (vma, va, pte) -> mappings[0]++);
        assertThat(mappings[0]).isEqualTo(3);
        assertThat(Page.vpn(a)).isEqualTo(machine.memMap().index(pfn));
        mm.store(g, a, 8, 8);
        assertThat(mm.load(p, a, 8)).isEqualTo(7);
        assertThat(mm.load(c, a, 8)).isEqualTo(7);
        assertThat(mm.load(g, a, 8)).isEqualTo(8);
        mm.verify();
    }
}
