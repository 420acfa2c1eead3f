package dev.mmkit.pagecache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.mm.MemoryManager;
import dev.mmkit.machine.StandaloneMachine;
import org.junit.jupiter.api.Test;

// open(2)'s errno as Linux's: a directory is EISDIR, a path through a regular file ENOTDIR, an empty path ENOENT (not EIO).
class OpenErrnoTest {
    @Test
    void openReturnsLinuxsErrnoForPathsThatAreNotFiles() {
        StandaloneMachine m = Machines.build("4MiB", false, "");
        MemoryManager mm = Machines.mm(m);
        int pid = mm.spawn("p");
        assertThat(mm.open(pid, "d/x.bin", true)).isZero();
        assertThat(mm.open(pid, "d", true)).isEqualTo(-21);
        assertThat(mm.open(pid, "d", false)).isEqualTo(-21);
        assertThat(mm.open(pid, "d/x.bin/y", true)).isEqualTo(-20);
        assertThat(mm.open(pid, "d/x.bin/y", false)).isEqualTo(-20);
        assertThat(mm.open(pid, "", true)).isEqualTo(-2);
        // still refused, as documented: a path that leaves the files directory
        assertThat(mm.open(pid, "../escape.bin", true)).isEqualTo(-5);
        assertThat(mm.open(pid, "d/x.bin", false)).isEqualTo(1);
    }
}
