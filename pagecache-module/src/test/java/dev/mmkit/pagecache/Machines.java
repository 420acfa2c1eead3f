package dev.mmkit.pagecache;

import dev.mmkit.api.mm.MemoryManager;
import dev.mmkit.machine.StandaloneMachine;
import dev.mmkit.paging.TestMachine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Whole machines with this module's page cache and flusher, for the tests. */
final class Machines {
    private Machines() {
    }

    /**
     * A machine of {@code ram} in one Normal zone with the radix page cache, swap of 4 MiB,
     * and the flusher when {@code flusher} is true; {@code extra} is more HOCON.
     */
    static StandaloneMachine build(String ram, boolean flusher, String extra) {
        StandaloneMachine m = TestMachine.build("mmkit.machine.memory.size = " + ram + "\n"
            + "mmkit.machine.zones = [ { name = Normal } ]\n"
            + "mmkit.machine.paging.swap.size = 4MiB\n"
            + "mmkit.machine.page-cache.impl = radix\n"
            + "mmkit.machine.reclaim.writeback.impl = " + (flusher ? "flusher" : "none") + "\n" + extra,
            (b, at) -> {
                b.pageCache(mm -> new RadixPageCacheProvider().create(at.apply("mmkit.machine.page-cache"), mm));
                b.writebackDaemon(mm -> new FlusherProvider().create(at.apply("mmkit.machine.reclaim.writeback"), mm));
            });
        if (flusher) {
            m.writebackDaemon();
        }
        return m;
    }

    static MemoryManager mm(StandaloneMachine m) {
        return m.memoryManager();
    }

    static RadixPageCache cache(StandaloneMachine m) {
        return (RadixPageCache) m.pageCache();
    }

    static Flusher flusher(StandaloneMachine m) {
        return (Flusher) m.writebackDaemon();
    }

    /** The real file behind {@code path}. */
    static Path file(StandaloneMachine m, String path) {
        return m.runDirectory().resolve("files").resolve(path);
    }

    static byte[] disk(StandaloneMachine m, String path) {
        try {
            return Files.readAllBytes(file(m, path));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes a file under the files directory before the machine opens it. */
    static void createFile(StandaloneMachine m, String path, byte[] bytes) {
        try {
            Files.createDirectories(file(m, path).getParent());
            Files.write(file(m, path), bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes a directory tree (null: nothing). */
    static void delete(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** {@code n} bytes where byte i is a function of i and {@code seed}. */
    static byte[] pattern(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + seed * 7 + (i >>> 12));
        }
        return b;
    }
}
