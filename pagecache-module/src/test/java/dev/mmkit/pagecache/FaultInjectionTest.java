package dev.mmkit.pagecache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.hw.Page;
import dev.mmkit.api.machine.PageFlags;
import dev.mmkit.api.mm.MemoryManager;
import dev.mmkit.api.workload.Mman;
import dev.mmkit.machine.StandaloneMachine;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

// A failing range of a backing file (mmkit.machine.backing.fail): EIO once from fsync, SIGBUS for a mapping, nothing else harmed.
class FaultInjectionTest {
    private static final int PAGE = Page.SIZE;
    private static final int EIO = -5;

    private static StandaloneMachine machine(String op) {
        return Machines.build("4MiB", false, "mmkit.machine.backing.fail = [ { path = \"files/bad.bin\", offset = 8KiB, length = 100, op = "
            + op + " } ]");
    }

    @Test
    void aFailedWritebackIsReportedByFsyncOnceAndHarmsNoOtherPage() {
        StandaloneMachine m = machine("write");
        MemoryManager mm = Machines.mm(m);
        int pid = mm.spawn("w");
        int fd = mm.open(pid, "bad.bin", true);
        byte[] data = Machines.pattern(4 * PAGE, 8);
        assertThat(mm.pwrite(pid, fd, data, data.length, 0)).isEqualTo(data.length);
        assertThat(mm.fsync(pid, fd)).isEqualTo(EIO);
        // errseq: reported once, then fsync succeeds again
        assertThat(mm.fsync(pid, fd)).isZero();
        FileAddressSpace as = Machines.cache(m).byId(1);
        assertThat(m.memMap().testFlag(as.findPage(2), PageFlags.PG_ERROR)).isTrue();
        assertThat(m.memMap().testFlag(as.findPage(1), PageFlags.PG_ERROR)).isFalse();
        byte[] disk = Machines.disk(m, "bad.bin");
        assertThat(disk).hasSize(4 * PAGE);
        assertThat(Arrays.copyOfRange(disk, 0, 2 * PAGE)).isEqualTo(Arrays.copyOfRange(data, 0, 2 * PAGE));
        assertThat(Arrays.copyOfRange(disk, 2 * PAGE, 3 * PAGE)).containsOnly(0);
        assertThat(Arrays.copyOfRange(disk, 3 * PAGE, 4 * PAGE)).isEqualTo(Arrays.copyOfRange(data, 3 * PAGE, 4 * PAGE));
        // the cache still holds what the process wrote
        byte[] back = new byte[data.length];
        assertThat(mm.pread(pid, fd, back, back.length, 0)).isEqualTo(back.length);
        assertThat(back).isEqualTo(data);
        // a new failure is reported again
        assertThat(mm.pwrite(pid, fd, new byte[] {1}, 1, 2 * PAGE)).isEqualTo(1);
        assertThat(mm.fsync(pid, fd)).isEqualTo(EIO);
        assertThat(Machines.cache(m).writeErrors).isEqualTo(2);
        Machines.cache(m).verify();
    }

    @Test
    void aFailedReadIsEioForReadAndSigbusForAMapping() {
        StandaloneMachine m = machine("read");
        byte[] data = Machines.pattern(4 * PAGE, 9);
        Machines.createFile(m, "bad.bin", data);
        MemoryManager mm = Machines.mm(m);
        int pid = mm.spawn("r");
        int fd = mm.open(pid, "bad.bin", false);
        byte[] buf = new byte[PAGE];
        // page 0's read-ahead window reaches the bad page 2: page 0 and 1 still read fine
        assertThat(mm.pread(pid, fd, buf, PAGE, 0)).isEqualTo(PAGE);
        assertThat(buf).isEqualTo(Arrays.copyOfRange(data, 0, PAGE));
        assertThat(mm.pread(pid, fd, buf, PAGE, 2 * PAGE)).isEqualTo(EIO);
        assertThat(Machines.cache(m).byId(1).findPage(2)).isEqualTo(-1);
        assertThat(mm.pread(pid, fd, buf, PAGE, 3 * PAGE)).isEqualTo(PAGE);
        assertThat(buf).isEqualTo(Arrays.copyOfRange(data, 3 * PAGE, 4 * PAGE));
        long a = mm.mmap(pid, 0, 4 * PAGE, Mman.PROT_READ, Mman.MAP_SHARED, fd, 0);
        assertThat(mm.load(pid, a + PAGE, 1)).isEqualTo(data[PAGE] & 0xff);
        mm.load(pid, a + 2 * PAGE, 1);
        assertThat(mm.alive(pid)).isFalse();
        assertThat(mm.processes().get(0).exitReason()).startsWith("SIGBUS");
        Machines.cache(m).verify();
        mm.verify();
        // the file itself is untouched
        mm.shutdown();
        assertThat(Machines.disk(m, "bad.bin")).isEqualTo(data);
    }
}
