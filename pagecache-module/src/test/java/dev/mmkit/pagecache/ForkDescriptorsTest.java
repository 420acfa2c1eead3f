package dev.mmkit.pagecache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.mm.MemoryManager;
import dev.mmkit.machine.StandaloneMachine;
import org.junit.jupiter.api.Test;

// fork(2) copies the descriptor table (copy_files): the child's descriptors name the parent's open files; closing one side leaves the other.
class ForkDescriptorsTest {
    private static final int EBADF = -9;

    @Test
    void theChildInheritsTheParentsDescriptors() {
        StandaloneMachine m = Machines.build("4MiB", false, "");
        MemoryManager mm = Machines.mm(m);
        int pid = mm.spawn("p");
        int fd = mm.open(pid, "f.bin", true);
        byte[] b = {1, 2, 3};
        assertThat(mm.pwrite(pid, fd, b, 3, 0)).isEqualTo(3);
        int child = mm.fork(pid);
        assertThat(child).isPositive();
        byte[] back = new byte[3];
        assertThat(mm.pread(child, fd, back, 3, 0)).isEqualTo(3);
        assertThat(back).isEqualTo(b);
        // the tables are copies: a close in the child leaves the parent's descriptor open
        assertThat(mm.close(child, fd)).isZero();
        assertThat(mm.pread(child, fd, back, 3, 0)).isEqualTo(EBADF);
        assertThat(mm.pread(pid, fd, back, 3, 0)).isEqualTo(3);
        // and a new open in the child takes the lowest free descriptor of its own table
        assertThat(mm.open(child, "g.bin", true)).isEqualTo(fd);
        mm.verify();
    }
}
