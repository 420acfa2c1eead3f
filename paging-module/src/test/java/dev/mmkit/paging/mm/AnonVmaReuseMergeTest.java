package dev.mmkit.paging.mm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.workload.Mman;
import org.junit.jupiter.api.Test;

// anon_vma_prepare reuses an adjacent VMA's anon_vma (find_mergeable_anon_vma) so that mprotect can merge them again.
class AnonVmaReuseMergeTest {
    private static final long P = 4096;
    private static final int RW = Mman.PROT_READ | Mman.PROT_WRITE;
    private static final int FIXED = Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS | Mman.MAP_FIXED;

    @Test
    void neighboursTouchedSeparatelyMergeWhenMprotectMakesThemEqual() {
        LinuxMemoryManager k = Machines.mm(Machines.small("8MiB", "1MiB", ""));
        int pid = k.spawn("p");
        long x = k.mmap(pid, 0x50000000L, P, RW, FIXED, -1, 0);
        assertThat(k.store(pid, x, 8, 1)).isTrue();
        long y = k.mmap(pid, 0x50000000L + P, P, Mman.PROT_READ, FIXED, -1, 0);
        assertThat(k.load(pid, y, 8)).isZero();
        assertThat(k.mprotect(pid, y, P, RW)).isZero();
        k.verify();
        // Linux: one VMA 50000000-50002000 rw-p (y's anon_vma is x's, found by find_mergeable_anon_vma)
        assertThat(k.processes().get(pid - 1).maps().stream().filter(v -> v.start() < 0x60000000L).count()).isEqualTo(1);
        assertThat(k.load(pid, x, 8)).isEqualTo(1);
        assertThat(k.store(pid, y, 8, 2)).isTrue();
        k.verify();
    }
}
