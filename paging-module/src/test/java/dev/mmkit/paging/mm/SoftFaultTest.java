package dev.mmkit.paging.mm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mmkit.api.hw.Pte;
import dev.mmkit.api.machine.PageFlags;
import dev.mmkit.api.machine.VmItem;
import dev.mmkit.api.page.Gfp;
import dev.mmkit.api.workload.Mman;
import dev.mmkit.machine.StandaloneMachine;
import dev.mmkit.paging.TestPageCache;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

// PageReferences.invalidate: PROT_NONE-style PTEs that keep the page mapped; the soft fault that
// makes them valid again and tells the policy; and every path that meets such a PTE.
class SoftFaultTest {
    private static final int RW = Mman.PROT_READ | Mman.PROT_WRITE;
    private static final int ANON = Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS;

    private final List<RecordingPolicy> policies = new ArrayList<>();
    private final StandaloneMachine machine = RecordingPolicy.machine("8MiB", "4MiB", "", policies);
    private final LinuxMemoryManager mm = Machines.mm(machine);

    private long pte(int pid, long va) {
        Task t = (Task) mm.processes().get(pid - 1);
        return machine.pageTable().getPte(t.mm.root, va);
    }

    private long counter(String name) {
        return mm.counters().get(name);
    }

    private long pgfault() {
        return machine.vmstat().get(VmItem.PGFAULT);
    }

    @Test
    void theNextReferenceTakesOneMinorFaultThatRestoresEveryMapping() {
        int parent = mm.spawn("p");
        long a = mm.mmap(parent, 0, 4096, RW, ANON, -1, 0);
        mm.store(parent, a, 8, 42);
        int child = mm.fork(parent);
        long pfn = Pte.pfn(pte(parent, a));
        long faults = counter("page_faults");
        long minor = counter("minor_faults");
        long pgfault = pgfault();

        assertThat(mm.invalidate(pfn)).isTrue();
        for (int pid : new int[] {parent, child}) {
            long e = pte(pid, a);
            assertThat(Pte.isPresent(e)).isFalse();
            assertThat(Pte.isProtNone(e)).isTrue();
            assertThat(Pte.pfn(e)).isEqualTo(pfn);
            assertThat(mm.processes().get(pid - 1).residentPages()).isEqualTo(1);
        }
        // still mapped twice: mapcount, rss and the reverse map do not change
        assertThat(machine.memMap().mapcount(pfn)).isEqualTo(2);
        int[] seen = {0};
        mm.rmapWalk(pfn, (vma, va, e) -> seen[0]++);
        assertThat(seen[0]).isEqualTo(2);
        assertThat(machine.memMap().testFlag(pfn, PageFlags.PG_REFERENCED)).isFalse();
        mm.verify();

        // the parent's cached translation was shot down: its reference faults
        assertThat(mm.load(parent, a, 8)).isEqualTo(42);
        assertThat(counter("page_faults")).isEqualTo(faults + 1);
        assertThat(counter("minor_faults")).isEqualTo(minor + 1);
        assertThat(pgfault()).isEqualTo(pgfault + 1);
        assertThat(counter("soft_faults")).isEqualTo(1);
        assertThat(counter("softref_faults")).isZero();
        assertThat(policies.get(0).softFaults).containsExactly(pfn);
        assertThat(machine.memMap().testFlag(pfn, PageFlags.PG_REFERENCED)).isTrue();
        // both PTEs were repaired through the reverse map: the child does not fault
        assertThat(Pte.isPresent(pte(child, a))).isTrue();
        assertThat(mm.load(child, a, 8)).isEqualTo(42);
        assertThat(counter("page_faults")).isEqualTo(faults + 1);
        mm.verify();
    }

    @Test
    void aWriteToAnInvalidSharedCowPageFaultsTwice() {
        int parent = mm.spawn("p");
        long a = mm.mmap(parent, 0, 4096, RW, ANON, -1, 0);
        mm.store(parent, a, 8, 42);
        int child = mm.fork(parent);
        long pfn = Pte.pfn(pte(parent, a));
        long faults = counter("page_faults");
        long copies = counter("cow_copies");
        mm.invalidate(pfn);
        // the soft fault makes it valid (read-only, shared), then the write copies it
        assertThat(mm.store(child, a, 8, 7)).isTrue();
        assertThat(counter("page_faults")).isEqualTo(faults + 2);
        assertThat(counter("soft_faults")).isEqualTo(1);
        assertThat(counter("cow_copies")).isEqualTo(copies + 1);
        assertThat(mm.load(parent, a, 8)).isEqualTo(42);
        assertThat(mm.load(child, a, 8)).isEqualTo(7);
        assertThat(machine.memMap().mapcount(pfn)).isEqualTo(1);
        mm.verify();
    }

    @Test
    void invalidPagesGoThroughForkMprotectMunmapAndExit() {
        int parent = mm.spawn("p");
        long a = mm.mmap(parent, 0, 3 * 4096, RW, ANON, -1, 0);
        long[] pfns = new long[3];
        for (int i = 0; i < 3; i++) {
            mm.store(parent, a + i * 4096L, 8, 100 + i);
            pfns[i] = Pte.pfn(pte(parent, a + i * 4096L));
            assertThat(mm.invalidate(pfns[i])).isTrue();
        }
        long anon = machine.vmstat().get(VmItem.NR_ANON_PAGES);
        mm.verify();

        int child = mm.fork(parent);
        for (int i = 0; i < 3; i++) {
            assertThat(Pte.isProtNone(pte(child, a + i * 4096L))).isTrue();
            assertThat(machine.memMap().mapcount(pfns[i])).isEqualTo(2);
        }
        assertThat(mm.processes().get(child - 1).residentPages()).isEqualTo(3);
        mm.verify();

        // mprotect keeps the entry invalid, with the new permissions
        assertThat(mm.mprotect(parent, a, 4096, Mman.PROT_READ)).isZero();
        long e = pte(parent, a);
        assertThat(Pte.isProtNone(e)).isTrue();
        assertThat(Pte.isWritable(e)).isFalse();
        mm.verify();
        assertThat(mm.load(parent, a, 8)).isEqualTo(100);
        assertThat(Pte.isPresent(pte(parent, a))).isTrue();
        assertThat(Pte.isWritable(pte(parent, a))).isFalse();

        // munmap drops the parent's mapping of the second page; the child still maps it
        assertThat(mm.munmap(parent, a + 4096, 4096)).isZero();
        assertThat(machine.memMap().mapcount(pfns[1])).isEqualTo(1);
        assertThat(machine.vmstat().get(VmItem.NR_ANON_PAGES)).isEqualTo(anon);
        mm.verify();

        // the child's exit frees the page only it mapped; the parent's exit the rest
        mm.exit(child);
        assertThat(machine.vmstat().get(VmItem.NR_ANON_PAGES)).isEqualTo(anon - 1);
        mm.verify();
        mm.exit(parent);
        assertThat(machine.vmstat().get(VmItem.NR_ANON_PAGES)).isZero();
        assertThat(machine.vmstat().get(VmItem.NR_INACTIVE_ANON)).isZero();
        assertThat(policies.get(0).size()).isZero();
        mm.verify();
    }

    @Test
    void anInvalidPageIsSwappedOutAndBack() {
        int pid = mm.spawn("p");
        long a = mm.mmap(pid, 0, 4096, RW, ANON, -1, 0);
        mm.store(pid, a, 8, 0x1234);
        long pfn = Pte.pfn(pte(pid, a));
        mm.invalidate(pfn);
        assertThat(mm.shrinkNode(1, Gfp.GFP_KERNEL, true)).isEqualTo(1);
        assertThat(Pte.isSwap(pte(pid, a))).isTrue();
        assertThat(machine.vmstat().get(VmItem.PSWPOUT)).isEqualTo(1);
        mm.verify();
        assertThat(mm.load(pid, a, 8)).isEqualTo(0x1234);
        assertThat(counter("major_faults")).isEqualTo(1);
        assertThat(counter("soft_faults")).isZero();
        mm.verify();
    }

    @Test
    void aPageNoPteMapsCannotBeInvalidated() {
        TestPageCache cache = (TestPageCache) machine.pageCache();
        cache.disk.put("f", new byte[4096]);
        int pid = mm.spawn("p");
        int fd = mm.open(pid, "f", false);
        assertThat(mm.pread(pid, fd, new byte[8], 8, 0)).isEqualTo(8);
        long pfn = cache.byId(1).findPage(0);
        assertThat(pfn).isNotNegative();
        assertThat(mm.invalidate(pfn)).isFalse();
        mm.verify();
    }

    @Test
    void softwareReferencedBitsInvalidateAndCountTheExtraFaults() {
        List<RecordingPolicy> own = new ArrayList<>();
        StandaloneMachine m = RecordingPolicy.machine("8MiB", "4MiB", "mmkit.machine.paging.referenced-bits = software", own);
        LinuxMemoryManager k = Machines.mm(m);
        int pid = k.spawn("p");
        long a = k.mmap(pid, 0, 4096, RW, ANON, -1, 0);
        k.load(pid, a, 8);
        Task t = (Task) k.processes().get(0);
        long pfn = Pte.pfn(m.pageTable().getPte(t.mm.root, a));
        // the fault that brought the page in is its first reference
        assertThat(k.isReferenced(pfn)).isTrue();
        assertThat(k.testAndClearReferenced(pfn)).isTrue();
        long e = m.pageTable().getPte(t.mm.root, a);
        assertThat(Pte.isProtNone(e)).isTrue();
        // the walk set A in the PTE, but software mode does not read it
        assertThat(Pte.isAccessed(e)).isTrue();
        assertThat(k.isReferenced(pfn)).isFalse();
        assertThat(k.testAndClearReferenced(pfn)).isFalse();
        assertThat(k.counters().get("page_faults")).isEqualTo(1);

        k.load(pid, a, 8);
        Map<String, Long> c = k.counters();
        assertThat(c.get("page_faults")).isEqualTo(2);
        assertThat(c.get("minor_faults")).isEqualTo(2);
        assertThat(c.get("soft_faults")).isEqualTo(1);
        assertThat(c.get("softref_faults")).isEqualTo(1);
        assertThat(m.vmstat().get(VmItem.PGFAULT)).isEqualTo(2);
        assertThat(own.get(0).softFaults).containsExactly(pfn);
        assertThat(k.isReferenced(pfn)).isTrue();
        // valid again: further references cost nothing
        k.load(pid, a, 8);
        assertThat(k.counters().get("page_faults")).isEqualTo(2);
        // a policy's own invalidate is not the emulation's
        k.invalidate(pfn);
        k.load(pid, a, 8);
        assertThat(k.counters().get("soft_faults")).isEqualTo(2);
        assertThat(k.counters().get("softref_faults")).isEqualTo(1);
        k.verify();
    }

    @Test
    void hardwareReferencedBitsTakeNoExtraFault() {
        int pid = mm.spawn("p");
        long a = mm.mmap(pid, 0, 4096, RW, ANON, -1, 0);
        mm.load(pid, a, 8);
        long pfn = Pte.pfn(pte(pid, a));
        assertThat(mm.testAndClearReferenced(pfn)).isTrue();
        assertThat(Pte.isPresent(pte(pid, a))).isTrue();
        mm.load(pid, a, 8);
        assertThat(mm.isReferenced(pfn)).isTrue();
        assertThat(counter("page_faults")).isEqualTo(1);
        assertThat(counter("soft_faults")).isZero();
    }

    @Test
    void softwareModifiedBitsMapCleanSharedPagesReadOnly() {
        for (String bits : new String[] {"hardware", "software"}) {
            StandaloneMachine m = Machines.small("8MiB", "4MiB", "mmkit.machine.paging.referenced-bits = " + bits);
            LinuxMemoryManager k = Machines.mm(m);
            int pid = k.spawn("p");
            long a = k.mmap(pid, 0, 4096, RW, Mman.MAP_SHARED | Mman.MAP_ANONYMOUS, -1, 0);
            k.store(pid, a, 8, 5);
            Task t = (Task) k.processes().get(0);
            long pfn = Pte.pfn(m.pageTable().getPte(t.mm.root, a));
            assertThat(k.isDirty(pfn)).isTrue();
            assertThat(k.startWriteback(pfn)).isTrue();
            assertThat(k.isDirty(pfn)).isFalse();
            boolean software = bits.equals("software");
            assertThat(Pte.isWritable(m.pageTable().getPte(t.mm.root, a))).isEqualTo(!software);
            k.store(pid, a, 8, 6);
            assertThat(k.isDirty(pfn)).as(bits).isTrue();
            assertThat(k.load(pid, a, 8)).isEqualTo(6);
            // software: the write to the clean page faulted once to set the software dirty bit
            assertThat(k.counters().get("page_faults")).as(bits).isEqualTo(software ? 2 : 1);
            assertThat(k.counters().get("softref_faults")).as(bits).isEqualTo(software ? 1 : 0);
            assertThat(m.memMap().testFlag(pfn, PageFlags.PG_DIRTY)).isEqualTo(software);
            k.verify();
        }
    }

    @Test
    void aSharedFileMappingIsWriteNotifiedInBothModes() {
        for (String bits : new String[] {"hardware", "software"}) {
            StandaloneMachine m = Machines.small("8MiB", "4MiB", "mmkit.machine.page-cache.impl = test\n"
                + "mmkit.machine.paging.referenced-bits = " + bits);
            LinuxMemoryManager k = Machines.mm(m);
            TestPageCache cache = (TestPageCache) m.pageCache();
            cache.disk.put("f", new byte[4096]);
            int pid = k.spawn("p");
            int fd = k.open(pid, "f", false);
            long a = k.mmap(pid, 0, 4096, RW, Mman.MAP_SHARED, fd, 0);
            assertThat(k.load(pid, a, 8)).isZero();
            assertThat(cache.nrDirty()).isZero();
            k.store(pid, a, 8, 9);
            boolean software = bits.equals("software");
            // the read fault mapped the clean page read-only: the write faults (wp_page_shared)
            // and marks the page dirty in the page cache at once, in either mode
            assertThat(cache.nrDirty()).as(bits).isEqualTo(1);
            assertThat(k.counters().get("page_faults")).as(bits).isEqualTo(2);
            // only the software mode counts it as its emulation of D
            assertThat(k.counters().get("softref_faults")).as(bits).isEqualTo(software ? 1 : 0);
            k.munmap(pid, a, 4096);
            assertThat(cache.nrDirty()).as(bits).isEqualTo(1);
            k.verify();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"x86-32", "x86-pae", "x86-64", "x86-64-la57", "inverted"})
    void everyPageTableFormatKeepsInvalidEntries(String format) {
        List<RecordingPolicy> own = new ArrayList<>();
        StandaloneMachine m = RecordingPolicy.machine("8MiB", "4MiB", "mmkit.machine.page-table.impl = " + format, own);
        LinuxMemoryManager k = Machines.mm(m);
        int parent = k.spawn("p");
        long a = k.mmap(parent, 0, 4096, RW, ANON, -1, 0);
        k.store(parent, a, 4, 42);
        int child = k.fork(parent);
        Task t = (Task) k.processes().get(parent - 1);
        long pfn = Pte.pfn(m.pageTable().getPte(t.mm.root, a));
        assertThat(k.invalidate(pfn)).isTrue();
        assertThat(Pte.isProtNone(m.pageTable().getPte(t.mm.root, a))).as(format).isTrue();
        k.verify();
        assertThat(k.load(child, a, 4)).isEqualTo(42);
        assertThat(k.counters().get("soft_faults")).as(format).isEqualTo(1);
        assertThat(own.get(0).softFaults).containsExactly(pfn);
        assertThat(Pte.isPresent(m.pageTable().getPte(t.mm.root, a))).as(format).isTrue();
        k.exit(child);
        k.verify();
    }

    @Test
    void anUnknownReferencedBitsModeIsRefused() {
        assertThatThrownBy(() -> Machines.small("8MiB", "4MiB", "mmkit.machine.paging.referenced-bits = sometimes"))
            .hasMessageContaining("referenced-bits")
            .hasMessageContaining("sometimes (expected: hardware or software)");
    }
}
