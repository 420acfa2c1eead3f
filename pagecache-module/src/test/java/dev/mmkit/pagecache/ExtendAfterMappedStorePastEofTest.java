package dev.mmkit.pagecache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.hw.Page;
import dev.mmkit.api.mm.MemoryManager;
import dev.mmkit.api.workload.Mman;
import dev.mmkit.machine.StandaloneMachine;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

// A store through a shared mapping into the last page past i_size is not the file's (POSIX mmap: never
// written out); when the file grows again, that area must read as zeros (POSIX ftruncate: "as if
// zero-filled"; a hole reads as zeros), as FileAddressSpace.truncate promises for a shrunk page.
class ExtendAfterMappedStorePastEofTest {
    private static final int PAGE = Page.SIZE;

    private static long[] setUp(StandaloneMachine m) {
        MemoryManager mm = Machines.mm(m);
        int pid = mm.spawn("w");
        int fd = mm.open(pid, "tail.bin", true);
        byte[] data = new byte[100];
        Arrays.fill(data, (byte) 1);
        assertThat(mm.pwrite(pid, fd, data, 100, 0)).isEqualTo(100);
        long a = mm.mmap(pid, 0, PAGE, Mman.PROT_READ | Mman.PROT_WRITE, Mman.MAP_SHARED, fd, 0);
        assertThat(a).isPositive();
        // past the end of the file, inside its last page: allowed, and not the file's
        assertThat(mm.store(pid, a + 200, 1, 0x77)).isTrue();
        return new long[] {pid, fd, a};
    }

    @Test
    void ftruncateUpReadsZerosWhereAMappingStoredPastTheOldEnd() {
        StandaloneMachine m = Machines.build("4MiB", false, "");
        MemoryManager mm = Machines.mm(m);
        long[] s = setUp(m);
        int pid = (int) s[0];
        int fd = (int) s[1];
        assertThat(mm.ftruncate(pid, fd, 1000)).isZero();
        byte[] back = new byte[1000];
        assertThat(mm.pread(pid, fd, back, 1000, 0)).isEqualTo(1000);
        assertThat(back[200]).as("byte 200, in the area the extension added").isZero();
        assertThat(mm.fsync(pid, fd)).isZero();
        assertThat(Machines.disk(m, "tail.bin")[200]).as("byte 200 on disk").isZero();
    }

    @Test
    void pwritePastTheEndLeavesAHoleOfZerosWhereAMappingStoredPastTheOldEnd() {
        StandaloneMachine m = Machines.build("4MiB", false, "");
        MemoryManager mm = Machines.mm(m);
        long[] s = setUp(m);
        int pid = (int) s[0];
        int fd = (int) s[1];
        byte[] one = {5};
        assertThat(mm.pwrite(pid, fd, one, 1, 999)).isEqualTo(1);
        byte[] back = new byte[1000];
        assertThat(mm.pread(pid, fd, back, 1000, 0)).isEqualTo(1000);
        assertThat(back[200]).as("byte 200, in the hole the write left").isZero();
        assertThat(mm.fsync(pid, fd)).isZero();
        assertThat(Machines.disk(m, "tail.bin")[200]).as("byte 200 on disk").isZero();
    }
}
