package dev.mmkit.pagecache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.hw.Page;
import dev.mmkit.api.mm.MemoryManager;
import dev.mmkit.machine.StandaloneMachine;
import org.junit.jupiter.api.Test;

// An ftruncate the real file refuses (a size past the host's limit) fails and changes nothing: i_size stays, later writes reach the file.
class FtruncateFailureTest {
    private static final int PAGE = Page.SIZE;

    @Test
    void aFailedFtruncateLeavesTheSizeAndLaterWritebackWorks() {
        StandaloneMachine m = Machines.build("4MiB", false, "");
        MemoryManager mm = Machines.mm(m);
        int pid = mm.spawn("w");
        int fd = mm.open(pid, "t.bin", true);
        byte[] data = Machines.pattern(PAGE, 4);
        assertThat(mm.pwrite(pid, fd, data, PAGE, 0)).isEqualTo(PAGE);
        assertThat(mm.ftruncate(pid, fd, Long.MAX_VALUE)).isNegative();
        assertThat(Machines.cache(m).byId(1).size()).isEqualTo(PAGE);
        assertThat(mm.fsync(pid, fd)).isZero();
        assertThat(Machines.disk(m, "t.bin")).isEqualTo(data);
        Machines.cache(m).verify();
    }
}
