package dev.mmkit.paging.mm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.hw.Pte;
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

    private long pte(long va) {
        return machine.pageTable().getPte(((Task) mm.processes().get(0)).mm.root, va);
    }

    @Test
    void aSharedWritableMappingIsWriteNotified() {
        long a = mm.mmap(pid, 0, 3 * 4096, RW, Mman.MAP_SHARED, fd, 0);
        // a read fault maps the clean page read-only although the VMA is writable
        assertThat(mm.load(pid, a, 8)).isEqualTo(0x1111);
        assertThat(mm.counters().get("page_faults")).isEqualTo(1);
        assertThat(Pte.isWritable(pte(a))).isFalse();
        assertThat(cache.nrDirty()).isZero();
        // the first store takes a write-protect fault that dirties the page in the page cache
        assertThat(mm.store(pid, a, 8, 0x5555)).isTrue();
        assertThat(mm.counters().get("page_faults")).isEqualTo(2);
        assertThat(cache.nrDirty()).isEqualTo(1);
        assertThat(Pte.isWritable(pte(a))).isTrue();
        assertThat(Pte.isDirty(pte(a))).isTrue();
        long pfn = Pte.pfn(pte(a));
        // a further store to the now writable page does not fault
        assertThat(mm.store(pid, a + 8, 8, 0x6666)).isTrue();
        assertThat(mm.counters().get("page_faults")).isEqualTo(2);
        // a write fault on an unmapped page maps it writable and dirty at once: one fault
        assertThat(mm.store(pid, a + 4096, 8, 0x7777)).isTrue();
        assertThat(mm.counters().get("page_faults")).isEqualTo(3);
        assertThat(cache.nrDirty()).isEqualTo(2);
        assertThat(Pte.isWritable(pte(a + 4096))).isTrue();
        mm.verify();

        // page_mkclean: one dirty PTE, now read-only and clean
        assertThat(mm.pageMkclean(pfn)).isEqualTo(1);
        assertThat(Pte.isWritable(pte(a))).isFalse();
        assertThat(Pte.isDirty(pte(a))).isFalse();
        assertThat(mm.pageMkclean(pfn)).isZero();
        mm.verify();
    }

    @Test
    void writebackWriteProtectsAMappedPageAndTheNextStoreDirtiesItAgain() {
        long a = mm.mmap(pid, 0, 3 * 4096, RW, Mman.MAP_SHARED, fd, 0);
        assertThat(mm.store(pid, a, 8, 0x5555)).isTrue();
        assertThat(mm.counters().get("page_faults")).isEqualTo(1);
        // fsync writes the page: the test page cache calls pageMkclean first
        assertThat(mm.fsync(pid, fd)).isZero();
        assertThat(diskLong(0)).isEqualTo(0x5555);
        assertThat(cache.nrDirty()).isZero();
        assertThat(Pte.isWritable(pte(a))).isFalse();
        assertThat(Pte.isDirty(pte(a))).isFalse();
        // the second store faults once more and dirties the page again
        assertThat(mm.store(pid, a + 8, 8, 0x6666)).isTrue();
        assertThat(mm.counters().get("page_faults")).isEqualTo(2);
        assertThat(cache.nrDirty()).isEqualTo(1);
        assertThat(mm.fsync(pid, fd)).isZero();
        assertThat(diskLong(0)).isEqualTo(0x5555);
        assertThat(diskLong(8)).isEqualTo(0x6666);
        mm.verify();
    }

    @Test
    void aPrivateWritableMappingStillCopiesOnWrite() {
        long a = mm.mmap(pid, 0, 3 * 4096, RW, Mman.MAP_PRIVATE, fd, 0);
        assertThat(mm.load(pid, a, 8)).isEqualTo(0x1111);
        assertThat(Pte.isWritable(pte(a))).isFalse();
        long cached = Pte.pfn(pte(a));
        assertThat(mm.store(pid, a, 8, 0x5555)).isTrue();
        assertThat(mm.counters().get("page_faults")).isEqualTo(2);
        assertThat(mm.counters().get("cow_copies")).isEqualTo(1);
        assertThat(Pte.pfn(pte(a))).isNotEqualTo(cached);
        assertThat(Pte.isWritable(pte(a))).isTrue();
        assertThat(cache.nrDirty()).isZero();
        assertThat(mm.pageMkclean(cached)).isZero();
        mm.verify();
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
