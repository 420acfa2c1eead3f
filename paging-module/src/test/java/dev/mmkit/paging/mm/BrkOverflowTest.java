package dev.mmkit.paging.mm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.workload.Mman;
import org.junit.jupiter.api.Test;

// A break beyond the address space overflowed PAGE_ALIGN and brk unmapped everything below the old break.
class BrkOverflowTest {
    @Test
    void aBreakBeyondTheAddressSpaceChangesNothing() {
        LinuxMemoryManager k = Machines.mm(Machines.small("8MiB", "1MiB", ""));
        int pid = k.spawn("p");
        long start = k.brk(pid, 0);
        assertThat(k.brk(pid, start + 3 * 4096)).isEqualTo(start + 3 * 4096);
        assertThat(k.store(pid, start, 8, 42)).isTrue();
        long low = k.mmap(pid, 0x200000, 4096, Mman.PROT_READ | Mman.PROT_WRITE,
            Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS | Mman.MAP_FIXED, -1, 0);
        assertThat(k.store(pid, low, 8, 7)).isTrue();
        int before = k.processes().get(pid - 1).maps().size();

        // Linux: the break cannot move there, brk(2) returns the current break
        assertThat(k.brk(pid, Long.MAX_VALUE)).isEqualTo(start + 3 * 4096);
        assertThat(k.brk(pid, Long.MAX_VALUE - 100)).isEqualTo(start + 3 * 4096);
        k.verify();
        assertThat(k.processes().get(pid - 1).maps()).hasSize(before);
        assertThat(k.load(pid, start, 8)).isEqualTo(42);
        assertThat(k.load(pid, low, 8)).isEqualTo(7);
    }
}
