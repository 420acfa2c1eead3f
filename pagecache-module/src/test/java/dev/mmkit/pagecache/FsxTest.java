package dev.mmkit.pagecache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.hw.Page;
import dev.mmkit.api.machine.VmItem;
import dev.mmkit.api.mm.MemoryManager;
import dev.mmkit.api.workload.Mman;
import dev.mmkit.machine.StandaloneMachine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An fsx-style data-integrity checker (after the fsx of BSD and xfstests): random reads,
 * writes, reads and writes through a shared mapping, truncates and fsyncs of one file,
 * each checked against a shadow copy, on a machine whose RAM is smaller than the file so
 * that its pages are evicted and read again. After a clean shutdown the file on disk must
 * equal the shadow. A mismatch fails with the seed, the operation number and the last
 * operations.
 */
class FsxTest {
    private static final int PAGE = Page.SIZE;
    private static final int MAX_SIZE = 3 << 20;
    private static final int MAX_IO = 64 << 10;
    private static final int MAX_MAPPED_IO = 512;
    private static final int OPS = 10_000;

    private final ArrayDeque<String> log = new ArrayDeque<>();
    /** The files directory: in memory (/dev/shm) where there is one, so that fsync and truncate are cheap. */
    private Path files;

    @AfterEach
    void deleteFiles() throws IOException {
        Machines.delete(files);
    }
    private long seed;
    private int op;

    private void record(String what) {
        if (log.size() == 40) {
            log.removeFirst();
        }
        log.addLast(op + ": " + what);
    }

    private void fail(String what) {
        throw new AssertionError("fsx seed " + seed + ", operation " + op + ": " + what + "\nlast operations:\n"
            + String.join("\n", log));
    }

    private void check(boolean ok, String what) {
        if (!ok) {
            fail(what);
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void randomOperationsNeverLoseOrCorruptABit(long seed) {
        this.seed = seed;
        SplittableRandom rnd = new SplittableRandom(seed);
        // 2 MiB of RAM for a file of up to 3 MiB: pages are evicted and read again
        Path shm = Path.of("/dev/shm");
        try {
            files = Files.isDirectory(shm) && Files.isWritable(shm) ? Files.createTempDirectory(shm, "mmkit-fsx")
                : Files.createTempDirectory(Path.of("target"), "fsx");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        StandaloneMachine m = Machines.build("2MiB", seed == 3, "mmkit.machine.page-cache.directory = \""
            + files.toAbsolutePath() + "\"");
        MemoryManager mm = Machines.mm(m);
        int pid = mm.spawn("fsx");
        int fd = mm.open(pid, "fsx.bin", true);
        long map = mm.mmap(pid, 0, MAX_SIZE, Mman.PROT_READ | Mman.PROT_WRITE, Mman.MAP_SHARED, fd, 0);
        check(map > 0, "mmap failed: " + map);
        byte[] shadow = new byte[MAX_SIZE];
        int size = 0;
        byte[] buf = new byte[MAX_IO];
        for (op = 0; op < OPS; op++) {
            int kind = rnd.nextInt(100);
            if (kind < 25) {
                // read
                int pos = rnd.nextInt(MAX_SIZE);
                int len = 1 + rnd.nextInt(MAX_IO);
                record("read " + Integer.toHexString(pos) + " len " + len);
                int n = mm.pread(pid, fd, buf, len, pos);
                int expected = Math.max(0, Math.min(len, size - pos));
                check(n == expected, "read returned " + n + ", expected " + expected);
                int i = n <= 0 ? -1 : Arrays.mismatch(buf, 0, n, shadow, pos, pos + n);
                if (i >= 0) {
                    fail("read at " + Integer.toHexString(pos + i) + ": got " + buf[i] + ", expected " + shadow[pos + i]);
                }
            } else if (kind < 50) {
                // write, possibly extending the file (and leaving a hole)
                int pos = rnd.nextInt(MAX_SIZE - 1);
                int len = 1 + rnd.nextInt(Math.min(MAX_IO, MAX_SIZE - pos));
                for (int i = 0; i < len; i += 8) {
                    long r = rnd.nextLong();
                    for (int b = 0; b < 8 && i + b < len; b++) {
                        buf[i + b] = (byte) (r >>> (8 * b));
                    }
                }
                record("write " + Integer.toHexString(pos) + " len " + len);
                int n = mm.pwrite(pid, fd, buf, len, pos);
                check(n == len, "write returned " + n + ", expected " + len);
                System.arraycopy(buf, 0, shadow, pos, len);
                size = Math.max(size, pos + len);
            } else if (kind < 65) {
                if (size == 0) {
                    continue;
                }
                int pos = rnd.nextInt(size);
                int len = 1 + rnd.nextInt(Math.min(MAX_MAPPED_IO, size - pos));
                record("mapread " + Integer.toHexString(pos) + " len " + len);
                for (int i = 0; i < len; i++) {
                    long got = mm.load(pid, map + pos + i, 1);
                    check(mm.alive(pid), "mapped read killed the process");
                    if ((byte) got != shadow[pos + i]) {
                        fail("mapped read at " + Integer.toHexString(pos + i) + ": got " + (byte) got + ", expected " + shadow[pos + i]);
                    }
                }
            } else if (kind < 80) {
                if (size == 0) {
                    continue;
                }
                int pos = rnd.nextInt(size);
                int len = 1 + rnd.nextInt(Math.min(MAX_MAPPED_IO, size - pos));
                record("mapwrite " + Integer.toHexString(pos) + " len " + len);
                for (int i = 0; i < len; i++) {
                    byte b = (byte) rnd.nextInt();
                    check(mm.store(pid, map + pos + i, 1, b & 0xff), "mapped write killed the process");
                    shadow[pos + i] = b;
                }
            } else if (kind < 90) {
                int newSize = rnd.nextInt(4) == 0 ? 0 : rnd.nextInt(MAX_SIZE);
                record("truncate " + Integer.toHexString(size) + " -> " + Integer.toHexString(newSize));
                check(mm.ftruncate(pid, fd, newSize) == 0, "truncate failed");
                if (newSize < size) {
                    Arrays.fill(shadow, newSize, size, (byte) 0);
                }
                size = newSize;
            } else {
                record("fsync");
                check(mm.fsync(pid, fd) == 0, "fsync failed");
            }
        }
        // the machine really was under pressure: file pages were dropped and read again
        assertThat(m.vmstat().get(VmItem.PGPGIN) / 4).isGreaterThan(MAX_SIZE / PAGE);
        Machines.cache(m).verify();
        mm.verify();
        op = OPS;
        record("shutdown");
        mm.shutdown();
        byte[] disk;
        try {
            disk = Files.readAllBytes(files.resolve("fsx.bin"));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        check(disk.length == size, "file on disk has " + disk.length + " bytes, expected " + size);
        int i = Arrays.mismatch(disk, 0, size, shadow, 0, size);
        if (i >= 0) {
            fail("file on disk at " + Integer.toHexString(i) + ": " + disk[i] + ", expected " + shadow[i]);
        }
    }

    @Test
    void aMismatchNamesTheSeedAndTheLastOperations() {
        seed = 99;
        op = 7;
        record("write 0 len 1");
        try {
            check(false, "read at 0: got 1, expected 0");
        } catch (AssertionError e) {
            assertThat(e.getMessage()).contains("fsx seed 99, operation 7").contains("7: write 0 len 1");
            return;
        }
        throw new AssertionError("check(false) did not fail");
    }
}
