package dev.mmkit.pagecache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.mm.MemoryManager;
import dev.mmkit.machine.StandaloneMachine;
import org.junit.jupiter.api.Test;

// pread/pwrite whose pos + length overflows loff_t: EINVAL as rw_verify_area returns, not an exception out of the Kernel call.
class FileRangeOverflowTest {
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
}
