package dev.mmkit.paging.mm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.workload.Mman;
import org.junit.jupiter.api.Test;

// The stack must not grow within stack_guard_gap of the mapping below it (expand_downwards), whatever its limit allows.
class StackGuardGapTest {
    private static final long P = 4096;

    @Test
    void theStackDoesNotGrowIntoTheGuardGapOfTheMappingBelow() {
        LinuxMemoryManager k = Machines.mm(Machines.small("8MiB", "1MiB", ""));
        int pid = k.spawn("p");
        long top = k.pt().userAddressLimit();
        long stackStart = top - k.settings.stackInitial();
        long below = k.mmap(pid, stackStart - 4 * P, P, Mman.PROT_READ | Mman.PROT_WRITE,
            Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS | Mman.MAP_FIXED, -1, 0);
        assertThat(below).isEqualTo(stackStart - 4 * P);
        // within the 8MiB stack limit, but 2 pages above a mapping: Linux refuses the growth (SIGSEGV)
        assertThat(k.store(pid, stackStart - 2 * P, 8, 1)).isFalse();
        assertThat(k.processes().get(pid - 1).exitReason()).startsWith("SIGSEGV");
        k.verify();
    }

    @Test
    void theStackStillGrowsFarFromOtherMappingsAndNextToAnInaccessibleOne() {
        LinuxMemoryManager k = Machines.mm(Machines.small("8MiB", "1MiB", ""));
        int pid = k.spawn("p");
        long top = k.pt().userAddressLimit();
        long stackStart = top - k.settings.stackInitial();
        assertThat(k.store(pid, stackStart - 8 * P, 8, 1)).isTrue();
        long guard = k.mmap(pid, stackStart - 12 * P, P, Mman.PROT_NONE,
            Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS | Mman.MAP_FIXED, -1, 0);
        assertThat(guard).isEqualTo(stackStart - 12 * P);
        // a PROT_NONE mapping is itself a guard (vma_is_accessible): growth up to it is fine
        assertThat(k.store(pid, stackStart - 11 * P, 8, 2)).isTrue();
        k.verify();
    }
}
