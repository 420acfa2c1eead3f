package dev.mmkit.paging.mm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.mm.VmArea;
import dev.mmkit.api.workload.Mman;
import dev.mmkit.machine.StandaloneMachine;
import java.util.List;
import org.junit.jupiter.api.Test;

// MAP_SHARED|MAP_ANONYMOUS memory is a shmem file in Linux (shmem_zero_setup): /proc/PID/maps
// names it "/dev/zero (deleted)" on the internal tmpfs mount (00:01 in Linux 5.x) with the
// file's inode, and its offset is vm_pgoff (0 at the mapping's start, kept by a split).
class SharedAnonymousMapsTest {
    private static final int RW = Mman.PROT_READ | Mman.PROT_WRITE;
    private static final int SHARED_ANON = Mman.MAP_SHARED | Mman.MAP_ANONYMOUS;

    private static VmArea at(LinuxMemoryManager mm, int pid, long addr) {
        List<? extends VmArea> maps = mm.processes().get(pid - 1).maps();
        return maps.stream().filter(a -> a.start() == addr).findFirst().orElseThrow(() -> new AssertionError(maps.toString()));
    }

    @Test
    void aSharedAnonymousMappingIsDevZeroDeletedWithItsOwnInode() {
        StandaloneMachine machine = Machines.small("4MiB", "1MiB", "");
        LinuxMemoryManager mm = Machines.mm(machine);
        int p = mm.spawn("p");
        long a = mm.mmap(p, 0, 4 * 4096, RW, SHARED_ANON, -1, 0);
        long b = mm.mmap(p, 0, 2 * 4096, Mman.PROT_READ, SHARED_ANON, -1, 0);
        long c = mm.mmap(p, 0, 4096, RW, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS, -1, 0);
        VmArea va = at(mm, p, a);
        assertThat(va.name()).isEqualTo("/dev/zero (deleted)");
        assertThat(va.device()).isEqualTo("00:01");
        assertThat(va.offset()).isZero();
        assertThat(va.inode()).isPositive();
        VmArea vb = at(mm, p, b);
        assertThat(vb.name()).isEqualTo("/dev/zero (deleted)");
        assertThat(vb.inode()).isPositive().isNotEqualTo(va.inode());
        // a private anonymous mapping stays nameless, 00:00 0
        VmArea vc = at(mm, p, c);
        assertThat(vc.name()).isEmpty();
        assertThat(vc.device()).isEqualTo("00:00");
        assertThat(vc.inode()).isZero();

        // unmapping the first page: the rest keeps its file offset (vm_pgoff 1)
        assertThat(mm.munmap(p, a, 4096)).isZero();
        VmArea rest = at(mm, p, a + 4096);
        assertThat(rest.offset()).isEqualTo(4096);
        assertThat(rest.inode()).isEqualTo(va.inode());

        // a fork shares the file: same inode in the child
        int child = mm.fork(p);
        assertThat(child).isPositive();
        assertThat(at(mm, child, a + 4096).inode()).isEqualTo(va.inode());
        assertThat(at(mm, child, a + 4096).offset()).isEqualTo(4096);
        mm.verify();
    }

    @Test
    void aSharedAnonymousMappingCannotGrowDown() {
        StandaloneMachine machine = Machines.small("4MiB", "1MiB", "");
        LinuxMemoryManager mm = Machines.mm(machine);
        int p = mm.spawn("p");
        int before = mm.processes().get(p - 1).maps().size();
        assertThat(mm.mmap(p, 0, 4096, RW, SHARED_ANON | Mman.MAP_GROWSDOWN, -1, 0)).isEqualTo(LinuxMemoryManager.EINVAL);
        long fixed = 0x2000_0000L;
        assertThat(mm.mmap(p, fixed, 4096, RW, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS | Mman.MAP_FIXED, -1, 0)).isEqualTo(fixed);
        // MAP_FIXED over a mapping: refused before anything is unmapped
        assertThat(mm.mmap(p, fixed, 4096, RW, SHARED_ANON | Mman.MAP_GROWSDOWN | Mman.MAP_FIXED, -1, 0))
            .isEqualTo(LinuxMemoryManager.EINVAL);
        assertThat(mm.processes().get(p - 1).maps()).hasSize(before + 1);
        mm.verify();
    }
}
