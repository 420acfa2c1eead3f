package dev.mmkit.paging.mm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.workload.Mman;
import org.junit.jupiter.api.Test;

// mprotect's errno for a length that wraps the address space (ENOMEM) and for length 0 (0 whatever prot), as do_mprotect_pkey.
class MprotectErrnoTest {
    private static final long P = 4096;

    @Test
    void aWrappingLengthIsEnomemAndLengthZeroSucceeds() {
        LinuxMemoryManager k = Machines.mm(Machines.small("8MiB", "1MiB", ""));
        int pid = k.spawn("p");
        long a = k.mmap(pid, 0x200000, P, Mman.PROT_READ | Mman.PROT_WRITE,
            Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS | Mman.MAP_FIXED, -1, 0);
        // len = PAGE_ALIGN((size_t) -1) = 0, end = start: "if (end <= start) return -ENOMEM"
        assertThat(k.mprotect(pid, a, -1, Mman.PROT_READ)).isEqualTo(-12);
        // end = start + PAGE_ALIGN(len) beyond the address space: ENOMEM
        assertThat(k.mprotect(pid, a, Long.MAX_VALUE, Mman.PROT_READ)).isEqualTo(-12);
        // "if (!len) return 0" comes before the protection bits are checked
        assertThat(k.mprotect(pid, a, 0, 0x100)).isZero();
        assertThat(k.mprotect(pid, a, P, 0x100)).isEqualTo(-22);
        assertThat(k.mprotect(pid, a + 1, 0, Mman.PROT_READ)).isEqualTo(-22);
        k.verify();
    }
}
