package dev.mmkit.paging.mm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.hw.Page;
import dev.mmkit.api.workload.Mman;
import org.junit.jupiter.api.Test;

// mmap's errno in the order of sys_mmap, ksys_mmap_pgoff and do_mmap (Linux 5.15), and
// nothing mapped by a refused call.
class MmapErrnoTest {
    private static final int EPERM = -1;
    private static final int ENOMEM = -12;
    private static final int EINVAL = -22;
    private static final int EOVERFLOW = -75;
    private static final int RW = Mman.PROT_READ | Mman.PROT_WRITE;
    private static final int ANON = Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS;

    @Test
    void refusedCallsGiveLinuxsErrnoAndMapNothing() {
        LinuxMemoryManager mm = Machines.mm(Machines.small("4MiB", "1MiB", "mmkit.machine.page-cache.impl = test"));
        int pid = mm.spawn("p");
        var before = mm.processes().get(pid - 1).maps();
        // sys_mmap: an offset off a page boundary, anonymous mappings too
        assertThat(mm.mmap(pid, 0, Page.SIZE, RW, ANON, -1, 100)).isEqualTo(EINVAL);
        // do_mmap: length 0 is EINVAL; a negative length is a huge size_t, which no address space holds
        assertThat(mm.mmap(pid, 0, 0, RW, ANON, -1, 0)).isEqualTo(EINVAL);
        assertThat(mm.mmap(pid, 0, -Page.SIZE, RW, ANON, -1, 0)).isEqualTo(ENOMEM);
        // cap_mmap_addr: MAP_FIXED below mmap_min_addr
        assertThat(mm.mmap(pid, Page.SIZE, Page.SIZE, RW, ANON | Mman.MAP_FIXED, -1, 0)).isEqualTo(EPERM);
        int fd = mm.open(pid, "f.bin", true);
        // file_mmap_ok: a file range past the largest offset
        assertThat(mm.mmap(pid, 0, 2 * Page.SIZE, RW, Mman.MAP_SHARED, fd, Long.MAX_VALUE & ~(Page.SIZE - 1L))).isEqualTo(EOVERFLOW);
        assertThat(mm.mmap(pid, 0, Page.SIZE, RW, Mman.MAP_SHARED, fd, -Page.SIZE)).isEqualTo(EOVERFLOW);
        assertThat(mm.processes().get(pid - 1).maps()).isEqualTo(before);
        assertThat(mm.mmap(pid, 0, Page.SIZE, RW, Mman.MAP_SHARED, fd, 0)).isPositive();
        mm.verify();
    }
}
