package dev.mmkit.pagecache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.hw.Page;
import dev.mmkit.api.machine.VmItem;
import dev.mmkit.api.mm.MemoryManager;
import dev.mmkit.machine.StandaloneMachine;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

// A read error part-way through pread/pwrite: the call returns the bytes it moved (filemap_read, generic_perform_write), not EIO after changing the file.
class PartialIoTest {
    private static final int PAGE = Page.SIZE;
    private static final int EIO = -5;

    private static StandaloneMachine machine() {
        StandaloneMachine m = Machines.build("4MiB", false,
            "mmkit.machine.backing.fail = [ { path = \"files/bad.bin\", offset = 4KiB, length = 100, op = read } ]");
        Machines.createFile(m, "bad.bin", Machines.pattern(2 * PAGE, 3));
        return m;
    }

    @Test
    void aPwriteThatFailsOnItsSecondPageReturnsTheFirstPagesBytes() {
        StandaloneMachine m = machine();
        MemoryManager mm = Machines.mm(m);
        int pid = mm.spawn("w");
        int fd = mm.open(pid, "bad.bin", false);
        byte[] data = Machines.pattern(PAGE + 10, 5);
        // page 0 is written whole (no read); page 1 is written in part and must be read first: it fails
        assertThat(mm.pwrite(pid, fd, data, data.length, 0)).isEqualTo(PAGE);
        assertThat(m.vmstat().get(VmItem.NR_DIRTY)).isEqualTo(1);
        // the call that starts at the bad page reports the error
        assertThat(mm.pwrite(pid, fd, data, 10, PAGE)).isEqualTo(EIO);
        Machines.cache(m).verify();
    }

    @Test
    void aPreadThatFailsOnItsSecondPageReturnsTheFirstPagesBytes() {
        StandaloneMachine m = machine();
        MemoryManager mm = Machines.mm(m);
        int pid = mm.spawn("r");
        int fd = mm.open(pid, "bad.bin", false);
        byte[] buf = new byte[2 * PAGE];
        assertThat(mm.pread(pid, fd, buf, buf.length, 0)).isEqualTo(PAGE);
        assertThat(Arrays.copyOf(buf, PAGE)).isEqualTo(Arrays.copyOf(Machines.pattern(2 * PAGE, 3), PAGE));
        assertThat(mm.pread(pid, fd, buf, PAGE, PAGE)).isEqualTo(EIO);
        Machines.cache(m).verify();
    }
}
