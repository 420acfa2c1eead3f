package dev.mmkit.paging.mm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.mm.VmArea;
import dev.mmkit.api.workload.Mman;
import dev.mmkit.machine.StandaloneMachine;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

// VMA bookkeeping: neighbours with equal attributes merge, partial munmap/mprotect split, brk and maps names.
class VmaTest {
    private static final int R = Mman.PROT_READ;
    private static final int RW = Mman.PROT_READ | Mman.PROT_WRITE;
    private static final int ANON = Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS;
    private static final long BASE = 0x4000_0000L;
    private static final long P = 4096;

    private LinuxMemoryManager mm;
    private int pid;

    @BeforeEach
    void setUp() {
        StandaloneMachine machine = Machines.small("8MiB", "1MiB", "");
        mm = Machines.mm(machine);
        pid = mm.spawn("p");
    }

    /** The process's VMAs other than the stack, as start-end perms. */
    private List<String> maps() {
        mm.verify();
        return mm.processes().get(pid - 1).maps().stream()
            .filter(v -> !v.name().equals("[stack]"))
            .map(v -> Long.toHexString(v.start()) + "-" + Long.toHexString(v.end()) + " " + Mman.perms(v.prot(), v.flags()))
            .collect(Collectors.toList());
    }

    private long fixed(long addr, long len, int prot) {
        return mm.mmap(pid, addr, len, prot, ANON | Mman.MAP_FIXED, -1, 0);
    }

    @Test
    void twoSharedAnonymousMappingsDoNotMerge() {
        // each MAP_SHARED|MAP_ANONYMOUS mmap is its own object (Linux: a shmem file each)
        int shared = Mman.MAP_SHARED | Mman.MAP_ANONYMOUS | Mman.MAP_FIXED;
        assertThat(mm.mmap(pid, BASE, P, RW, shared, -1, 0)).isEqualTo(BASE);
        assertThat(mm.mmap(pid, BASE + P, P, RW, shared, -1, 0)).isEqualTo(BASE + P);
        assertThat(maps()).hasSize(2);
        assertThat(maps().get(0)).startsWith("40000000-40001000 rw-s");
        assertThat(maps().get(1)).startsWith("40001000-40002000 rw-s");
    }

    @Test
    void adjacentMappingsWithEqualAttributesMerge() {
        assertThat(fixed(BASE, 2 * P, RW)).isEqualTo(BASE);
        assertThat(fixed(BASE + 2 * P, 3 * P, RW)).isEqualTo(BASE + 2 * P);
        assertThat(maps()).containsExactly("40000000-40005000 rw-p");
        // a mapping filling a hole merges with both neighbours
        fixed(BASE + 6 * P, P, RW);
        fixed(BASE + 5 * P, P, RW);
        assertThat(maps()).containsExactly("40000000-40007000 rw-p");
    }

    @Test
    void differentAttributesDoNotMerge() {
        fixed(BASE, P, RW);
        fixed(BASE + P, P, R);
        mm.mmap(pid, BASE + 2 * P, P, RW, Mman.MAP_SHARED | Mman.MAP_ANONYMOUS | Mman.MAP_FIXED, -1, 0);
        assertThat(maps()).containsExactly("40000000-40001000 rw-p", "40001000-40002000 r--p", "40002000-40003000 rw-s");
    }

    @Test
    void munmapInTheMiddleSplitsInTwo() {
        fixed(BASE, 4 * P, RW);
        mm.store(pid, BASE + P, 8, 11);
        mm.store(pid, BASE + 3 * P, 8, 33);
        assertThat(mm.munmap(pid, BASE + P, 2 * P)).isZero();
        assertThat(maps()).containsExactly("40000000-40001000 rw-p", "40003000-40004000 rw-p");
        assertThat(mm.load(pid, BASE + 3 * P, 8)).isEqualTo(33);
        assertThat(mm.processes().get(pid - 1).residentPages()).isEqualTo(1);
        // munmap of a range with nothing mapped is fine
        assertThat(mm.munmap(pid, BASE + 10 * P, P)).isZero();
        assertThat(mm.munmap(pid, BASE + 1, P)).isEqualTo(-22);
    }

    @Test
    void munmapOfEdgesTrimsAndOfEverythingRemoves() {
        fixed(BASE, 4 * P, RW);
        mm.munmap(pid, BASE, P);
        assertThat(maps()).containsExactly("40001000-40004000 rw-p");
        mm.munmap(pid, BASE + 3 * P, P);
        assertThat(maps()).containsExactly("40001000-40003000 rw-p");
        mm.munmap(pid, BASE, 8 * P);
        assertThat(maps()).isEmpty();
    }

    @Test
    void mprotectSplitsIntoThreeAndMergesBack() {
        fixed(BASE, 3 * P, RW);
        assertThat(mm.mprotect(pid, BASE + P, P, R)).isZero();
        assertThat(maps()).containsExactly("40000000-40001000 rw-p", "40001000-40002000 r--p", "40002000-40003000 rw-p");
        assertThat(mm.mprotect(pid, BASE + P, P, RW)).isZero();
        assertThat(maps()).containsExactly("40000000-40003000 rw-p");
        // a hole in the range: ENOMEM
        assertThat(mm.mprotect(pid, BASE, 5 * P, R)).isEqualTo(-12);
    }

    @Test
    void mprotectChangesWhatTheHardwareAllows() {
        fixed(BASE, P, RW);
        assertThat(mm.store(pid, BASE, 8, 7)).isTrue();
        mm.mprotect(pid, BASE, P, R);
        assertThat(mm.load(pid, BASE, 8)).isEqualTo(7);
        assertThat(mm.store(pid, BASE, 8, 8)).isFalse();
        assertThat(mm.processes().get(pid - 1).exitReason()).isEqualTo("SIGSEGV at 0x40000000");
    }

    @Test
    void mmapFindsFreeSpaceBelowTheStackAndHonoursHints() {
        long a = mm.mmap(pid, 0, 3 * P, RW, ANON, -1, 0);
        long b = mm.mmap(pid, 0, P, R, ANON, -1, 0);
        assertThat(b + P).isEqualTo(a);
        long c = mm.mmap(pid, BASE, P, RW, ANON, -1, 0);
        assertThat(c).isEqualTo(BASE);
        long d = mm.mmap(pid, BASE, P, RW, ANON, -1, 0);
        assertThat(d).isNotEqualTo(BASE).isPositive();
        assertThat(mm.mmap(pid, 0, 0, RW, ANON, -1, 0)).isEqualTo(-22);
        assertThat(mm.mmap(pid, 0, P, RW, Mman.MAP_ANONYMOUS, -1, 0)).isEqualTo(-22);
    }

    @Test
    void mapFixedReplacesWhatWasThere() {
        fixed(BASE, 4 * P, RW);
        mm.store(pid, BASE + P, 8, 99);
        fixed(BASE + P, P, R);
        assertThat(maps()).containsExactly("40000000-40001000 rw-p", "40001000-40002000 r--p", "40002000-40004000 rw-p");
        assertThat(mm.load(pid, BASE + P, 8)).isZero();
    }

    @Test
    void brkGrowsAndShrinksTheHeap() {
        long start = mm.brk(pid, 0);
        assertThat(start).isEqualTo(LinuxMemoryManager.HEAP_BASE);
        assertThat(mm.brk(pid, start + 10_000)).isEqualTo(start + 10_000);
        List<? extends VmArea> areas = mm.processes().get(pid - 1).maps();
        VmArea heap = areas.get(0);
        assertThat(heap.name()).isEqualTo("[heap]");
        assertThat(heap.end() - heap.start()).isEqualTo(3 * P);
        assertThat(mm.store(pid, start + 9_000, 8, 5)).isTrue();
        assertThat(mm.brk(pid, start + 20_000)).isEqualTo(start + 20_000);
        assertThat(maps()).containsExactly("1000000-1005000 rw-p");
        assertThat(mm.brk(pid, start + P)).isEqualTo(start + P);
        assertThat(maps()).containsExactly("1000000-1001000 rw-p");
        // a mapping in the way stops the heap
        fixed(start + 2 * P, P, R);
        assertThat(mm.brk(pid, start + 4 * P)).isEqualTo(start + P);
    }
}
