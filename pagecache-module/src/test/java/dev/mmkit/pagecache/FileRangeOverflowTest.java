package dev.mmkit.pagecache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.mm.MemoryManager;
import dev.mmkit.machine.StandaloneMachine;
import org.junit.jupiter.api.Test;

// pread/pwrite with a bad range: the errno Linux returns, not an exception out of the Kernel call, and nothing changed.
class FileRangeOverflowTest {
    private static final int EFAULT = -14;
    private static final int EINVAL = -22;

    @Test
    void pwriteAndPreadWhoseEndOverflowsAreEinval() {
        StandaloneMachine m = Machines.build("4MiB", false, "");
        MemoryManager mm = Machines.mm(m);
        int pid = mm.spawn("w");
        int fd = mm.open(pid, "big.bin", true);
        byte[] buf = new byte[100];
        assertThat(mm.pwrite(pid, fd, buf, 100, Long.MAX_VALUE - 10)).isEqualTo(EINVAL);
        assertThat(mm.pread(pid, fd, buf, 100, Long.MAX_VALUE - 10)).isEqualTo(EINVAL);
        assertThat(Machines.cache(m).byId(1).size()).isZero();
        assertThat(Machines.cache(m).byId(1).nrPages()).isZero();
        Machines.cache(m).verify();
        mm.verify();
    }

    // ksys_pread64 refuses a negative position (EINVAL); vfs_read's access_ok refuses a
    // negative count (a huge size_t), and copy_to_user faults past the end of the user's
    // buffer (EFAULT): the buffer stands for the process's memory.
    @Test
    void lengthBeyondTheBufferIsEfaultAndNegativePositionEinval() {
        StandaloneMachine m = Machines.build("4MiB", false, "");
        MemoryManager mm = Machines.mm(m);
        int pid = mm.spawn("w");
        int fd = mm.open(pid, "f.bin", true);
        byte[] data = {1, 2, 3, 4};
        assertThat(mm.pwrite(pid, fd, data, 4, 0)).isEqualTo(4);
        byte[] buf = new byte[4];
        assertThat(mm.pwrite(pid, fd, buf, 5, 0)).isEqualTo(EFAULT);
        assertThat(mm.pread(pid, fd, buf, 5, 0)).isEqualTo(EFAULT);
        assertThat(mm.pwrite(pid, fd, buf, -1, 0)).isEqualTo(EFAULT);
        assertThat(mm.pread(pid, fd, buf, -1, 0)).isEqualTo(EFAULT);
        assertThat(mm.pwrite(pid, fd, buf, 4, -1)).isEqualTo(EINVAL);
        assertThat(mm.pread(pid, fd, buf, 4, -1)).isEqualTo(EINVAL);
        assertThat(buf).containsOnly(0);
        assertThat(mm.pread(pid, fd, buf, 4, 0)).isEqualTo(4);
        assertThat(buf).containsExactly(1, 2, 3, 4);
        Machines.cache(m).verify();
        mm.verify();
    }
}
