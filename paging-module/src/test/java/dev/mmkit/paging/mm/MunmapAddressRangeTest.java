package dev.mmkit.paging.mm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.workload.Mman;
import org.junit.jupiter.api.Test;

// munmap with an address beyond the user address space (negative as a long) wrapped around and unmapped low memory.
class MunmapAddressRangeTest {
    private static final long P = 4096;

    @Test
    void anAddressBeyondTheAddressSpaceIsEinvalAndUnmapsNothing() {
        LinuxMemoryManager k = Machines.mm(Machines.small("8MiB", "1MiB", ""));
        int pid = k.spawn("p");
        long a = k.mmap(pid, 0x200000, P, Mman.PROT_READ | Mman.PROT_WRITE,
            Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS | Mman.MAP_FIXED, -1, 0);
        assertThat(k.store(pid, a, 8, 5)).isTrue();
        int before = k.processes().get(pid - 1).maps().size();

        // Linux: start > TASK_SIZE or len > TASK_SIZE - start is EINVAL
        assertThat(k.munmap(pid, -16 * P, 16 * P + 0x400000)).isEqualTo(-22);
        assertThat(k.munmap(pid, -P, P)).isEqualTo(-22);
        k.verify();
        assertThat(k.processes().get(pid - 1).maps()).hasSize(before);
        assertThat(k.load(pid, a, 8)).isEqualTo(5);
    }
}
