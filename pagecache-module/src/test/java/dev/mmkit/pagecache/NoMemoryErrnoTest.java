package dev.mmkit.pagecache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.hw.Page;
import dev.mmkit.api.mm.MemoryManager;
import dev.mmkit.machine.StandaloneMachine;
import org.junit.jupiter.api.Test;

// A write that finds no frame for the page cache is ENOMEM, as Linux's (grab_cache_page_write_begin),
// not EIO: memory full of dirty pages whose writeback fails, and no process with pages to kill.
class NoMemoryErrnoTest {
    private static final int PAGE = Page.SIZE;
    private static final int ENOMEM = -12;

    @Test
    void aWriteWithNoFrameForTheCacheIsEnomemAndHarmsNothing() {
        StandaloneMachine m = Machines.build("512KiB", false,
            "mmkit.machine.backing.fail = [ { path = \"files/pinned.bin\", offset = 0, length = 1GiB, op = write } ]");
        MemoryManager mm = Machines.mm(m);
        int pid = mm.spawn("w");
        int fd = mm.open(pid, "pinned.bin", true);
        int n = 0;
        int rc;
        do {
            rc = mm.pwrite(pid, fd, Machines.pattern(PAGE, n), PAGE, (long) n * PAGE);
            n++;
        } while (rc == PAGE && n < 1000);
        assertThat(rc).as("after %d pages", n - 1).isEqualTo(ENOMEM);
        assertThat(mm.processes().get(pid - 1).alive()).isTrue();
        // every page written before is still there
        byte[] back = new byte[PAGE];
        for (int p = 0; p < n - 1; p++) {
            assertThat(mm.pread(pid, fd, back, PAGE, (long) p * PAGE)).isEqualTo(PAGE);
            assertThat(back).isEqualTo(Machines.pattern(PAGE, p));
        }
        Machines.cache(m).verify();
        mm.verify();
    }
}
