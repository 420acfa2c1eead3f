package dev.mmkit.workload;

import dev.mmkit.api.hw.Access;
import dev.mmkit.api.hw.Page;
import dev.mmkit.api.workload.Kernel;
import dev.mmkit.api.workload.WorkloadException;
import dev.mmkit.api.workload.WorkloadSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Replays the memory trace of valgrind's Lackey tool
 * ({@code valgrind --tool=lackey --trace-mem=yes prog}).
 *
 * <h2>Format</h2>
 * Lackey prints one line per memory reference, the kind in a fixed two-column prefix, then
 * the address in hexadecimal and the size in bytes:
 * <pre>
 * I  04001090,3        instruction fetch
 *  L 1ffefffa28,8      data load
 *  S 1ffefffa20,8      data store
 *  M 0421ee8,4         modify: a load and a store of the same bytes
 * </pre>
 * Lines starting with {@code ==pid==} are valgrind's own messages and are skipped, as are
 * blank lines. Any other line is an error naming its number, and so is a size outside
 * 1-512 bytes, which Lackey never prints ({@code MAX_DSIZE}).
 *
 * <h2>Replay</h2>
 * One process ({@link Kernel#spawnAdmitAll}) replays every reference: Lackey's trace carries
 * no mappings. A reference whose bytes cross a page boundary touches both pages, first the
 * lower one. A modify is a read then a write. Replay stops early when the process is killed
 * (the report shows why).
 */
final class LackeyTrace implements WorkloadSource {
    /** The largest access Lackey reports ({@code MAX_DSIZE} in {@code lackey/lk_main.c}). */
    static final long MAX_DSIZE = 512;

    private final Path path;
    private final String processName;

    LackeyTrace(Path path, String processName) {
        this.path = path;
        this.processName = processName;
    }

    @Override
    public long expectedReferences() {
        try {
            // A typical Lackey line (" L 1ffefffa28,8\n") is about 16 bytes.
            return Files.size(path) / 16;
        } catch (IOException e) {
            return -1;
        }
    }

    @Override
    public void run(Kernel kernel) throws IOException {
        try (TraceLines lines = new TraceLines(path)) {
            int pid = -1;
            while (lines.next()) {
                if (lines.length >= 2 && lines.line[0] == '=' && lines.line[1] == '=') {
                    continue;
                }
                int access;
                boolean modify = false;
                byte c0 = lines.line[0];
                byte c1 = lines.length > 1 ? lines.line[1] : 0;
                if (c0 == 'I' && c1 == ' ') {
                    access = Access.EXECUTE;
                } else if (c0 == ' ' && c1 == 'L') {
                    access = Access.READ;
                } else if (c0 == ' ' && c1 == 'S') {
                    access = Access.WRITE;
                } else if (c0 == ' ' && c1 == 'M') {
                    access = Access.READ;
                    modify = true;
                } else {
                    if (lines.restIsBlankOrComment()) {
                        continue;
                    }
                    throw lines.error("bad line (expected: 'I  addr,size', ' L', ' S', ' M' or '==pid==')");
                }
                lines.pos = 2;
                lines.skipBlanks();
                long addr = lines.parseHex("address");
                if (lines.peek() != ',') {
                    throw lines.error("bad line (expected: ',size' after the address)");
                }
                lines.pos++;
                long size = lines.parseDecimal("size");
                lines.skipBlanks();
                if (!lines.atEnd()) {
                    throw lines.error("unexpected text after the size");
                }
                if (size == 0 || size > MAX_DSIZE) {
                    throw lines.error("size " + size + " (expected: 1-" + MAX_DSIZE + " bytes, as Lackey prints them)");
                }
                if (pid < 0) {
                    pid = kernel.spawnAdmitAll(processName);
                    if (pid < 0) {
                        throw lines.error("cannot start process " + processName + ": out of memory (errno " + pid + ")");
                    }
                }
                if (!reference(kernel, pid, addr, size, access)
                    || modify && !reference(kernel, pid, addr, size, Access.WRITE)) {
                    return;
                }
            }
        }
    }

    /** One reference, split at page boundaries; false when the process was killed. */
    static boolean reference(Kernel kernel, int pid, long addr, long size, int access) {
        long last = addr + size - 1;
        if (!kernel.access(pid, addr, access, -1)) {
            return false;
        }
        long page = (addr & ~Page.OFFSET_MASK) + Page.SIZE;
        while (Long.compareUnsigned(page, last) <= 0 && page != 0) {
            if (!kernel.access(pid, page, access, -1)) {
                return false;
            }
            page += Page.SIZE;
        }
        return true;
    }
}
