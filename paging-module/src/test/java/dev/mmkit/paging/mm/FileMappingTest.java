package dev.mmkit.paging.mm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.machine.VmItem;
import dev.mmkit.api.mm.VmArea;
import dev.mmkit.api.workload.Mman;
import dev.mmkit.machine.StandaloneMachine;
import dev.mmkit.paging.TestPageCache;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

// File mappings through the page-cache SPI (a test double until the page-cache module exists).
class FileMappingTest {
    private static final int RW = Mman.PROT_READ | Mman.PROT_WRITE;

    private StandaloneMachine machine;
    private LinuxMemoryManager mm;
    private TestPageCache cache;
    private int pid;
    private int fd;

    @BeforeEach
    void setUp() {
        machine = Machines.small("1MiB", "4MiB", "mmkit.machine.page-cache.impl = test");
        mm = Machines.mm(machine);
        cache = (TestPageCache) machine.pageCache();
        byte[] file = new byte[3 * 4096 + 100];
        ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 0x1111).putLong(4096, 0x2222).putLong(8192, 0x3333);
        cache.disk.put("data.bin", file);
        pid = mm.spawn("p");
        fd = mm.open(pid, "data.bin", false);
        assertThat(fd).isNotNegative();
    }

    private long diskLong(int offset) {
        return ByteBuffer.wrap(cache.disk.get("data.bin")).order(ByteOrder.LITTLE_ENDIAN).getLong(offset);
    }

    @Test
    void aPrivateMappingReadsTheFileAndKeepsWritesToItself() {
        long a = mm.mmap(pid, 0, 5 * 4096, RW, Mman.MAP_PRIVATE, fd, 0);
        assertThat(mm.load(pid, a + 4096, 8)).isEqualTo(0x2222);
        assertThat(machine.vmstat().get(VmItem.PGMAJFAULT)).isEqualTo(1);
        assertThat(mm.store(pid, a, 8, 0x9999)).isTrue();
        assertThat(mm.load(pid, a, 8)).isEqualTo(0x9999);
        assertThat(mm.fsync(pid, fd)).isZero();
        assertThat(diskLong(0)).isEqualTo(0x1111);
        VmArea area = mm.processes().get(0).maps().stream().filter(v -> v.name().equals("data.bin")).findFirst().get();
        assertThat(area.start()).isEqualTo(a);
        // past the end of the file inside its last page reads zeros; a page wholly past it is SIGBUS
        assertThat(mm.load(pid, a + 3 * 4096 + 200, 8)).isZero();
        assertThat(mm.alive(pid)).isTrue();
        mm.verify();
        assertThat(mm.load(pid, a + 4 * 4096, 8)).isZero();
        assertThat(mm.processes().get(0).exitReason()).startsWith("SIGBUS at 0x");
        mm.verify();
    }

    @Test
    void aSharedMappingWritesReachTheFileAndOtherMappings() {
        long a = mm.mmap(pid, 0, 3 * 4096, RW, Mman.MAP_SHARED, fd, 0);
        int child = mm.fork(pid);
        long b = mm.mmap(pid, 0, 4096, Mman.PROT_READ, Mman.MAP_SHARED, fd, 8192);
        assertThat(mm.store(child, a + 8192, 8, 0x4444)).isTrue();
        assertThat(mm.load(pid, b, 8)).isEqualTo(0x4444);
        assertThat(mm.load(pid, a + 8192, 8)).isEqualTo(0x4444);
        byte[] buf = new byte[8];
        assertThat(mm.pread(pid, fd, buf, 8, 8192)).isEqualTo(8);
        assertThat(ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN).getLong()).isEqualTo(0x4444);
        mm.verify();
        assertThat(mm.fsync(pid, fd)).isZero();
        assertThat(diskLong(8192)).isEqualTo(0x4444);
    }

    @Test
    void mappedFilePagesAreEvictedThroughTheirMappingTree() {
        long a = mm.mmap(pid, 0, 3 * 4096, RW, Mman.MAP_SHARED, fd, 0);
        mm.store(pid, a, 8, 0x5555);
        // push everything out with anonymous memory
        long anon = mm.mmap(pid, 0, 600 * 4096L, RW, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS, -1, 0);
        for (int i = 0; i < 600; i++) {
            mm.store(pid, anon + i * 4096L, 8, i);
        }
        assertThat(diskLong(0)).isEqualTo(0x5555);
        assertThat(mm.load(pid, a, 8)).isEqualTo(0x5555);
        mm.verify();
    }

    @Test
    void ftruncateUnmapsWhatFallsBeyondTheEnd() {
        long a = mm.mmap(pid, 0, 3 * 4096, Mman.PROT_READ, Mman.MAP_SHARED, fd, 0);
        assertThat(mm.load(pid, a + 8192, 8)).isEqualTo(0x3333);
        assertThat(mm.ftruncate(pid, fd, 4096)).isZero();
        assertThat(mm.load(pid, a, 8)).isEqualTo(0x1111);
        mm.verify();
        assertThat(mm.load(pid, a + 8192, 8)).isZero();
        assertThat(mm.processes().get(0).exitReason()).startsWith("SIGBUS");
    }

    @Test
    void badDescriptorsAndOffsets() {
        assertThat(mm.mmap(pid, 0, 4096, RW, Mman.MAP_SHARED, 7, 0)).isEqualTo(-9);
        assertThat(mm.mmap(pid, 0, 4096, RW, Mman.MAP_SHARED, fd, 100)).isEqualTo(-22);
        assertThat(mm.open(pid, "missing", false)).isEqualTo(-2);
        assertThat(mm.close(pid, fd)).isZero();
        assertThat(mm.close(pid, fd)).isEqualTo(-9);
    }
}
