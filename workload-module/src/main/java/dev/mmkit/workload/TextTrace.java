package dev.mmkit.workload;

import dev.mmkit.api.hw.Access;
import dev.mmkit.api.hw.Page;
import dev.mmkit.api.workload.Kernel;
import dev.mmkit.api.workload.WorkloadException;
import dev.mmkit.api.workload.WorkloadSource;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Replays a plain text trace: one reference per line.
 *
 * <h2>Format</h2>
 * <pre>
 * # comment; blank lines are skipped
 * R 0x7ffd1000        optional op: R (read), W (write) or X (execute); default R
 * W 4096              decimal address
 * 0x1a2b3c            no op: a read
 * X 17                with page-numbers = true, a page number (page 17 = 0x11000)
 * </pre>
 * The op and the address are separated by blanks or a comma; a {@code #} comment may end
 * a line. A bad line is an error naming its number.
 *
 * <h2>Replay</h2>
 * One process ({@link Kernel#spawnAdmitAll}) replays every reference. Replay stops early
 * when the process is killed (the report shows why).
 */
final class TextTrace implements WorkloadSource {
    /** Page numbers shifted left by {@code Page.SHIFT} must still fit in 64 bits. */
    private static final long MAX_PAGE_NUMBER = (1L << (64 - Page.SHIFT)) - 1;

    private final Path path;
    private final boolean pageNumbers;
    private final String processName;

    TextTrace(Path path, boolean pageNumbers, String processName) {
        this.path = path;
        this.pageNumbers = pageNumbers;
        this.processName = processName;
    }

    @Override
    public void run(Kernel kernel) throws IOException {
        try (TraceLines lines = new TraceLines(path)) {
            int pid = -1;
            while (lines.next()) {
                lines.skipBlanks();
                if (lines.restIsBlankOrComment()) {
                    continue;
                }
                int access = Access.READ;
                int c = lines.peek();
                if (isOp(c) && lines.pos + 1 < lines.length && isSeparator(lines.line[lines.pos + 1])) {
                    access = c == 'W' || c == 'w' ? Access.WRITE : c == 'X' || c == 'x' ? Access.EXECUTE : Access.READ;
                    lines.pos++;
                    lines.skipBlanks();
                    if (lines.peek() == ',') {
                        lines.pos++;
                        lines.skipBlanks();
                    }
                } else if (!(c >= '0' && c <= '9')) {
                    throw lines.error("bad op (expected: R, W or X, then an address)");
                }
                long value = lines.parseNumber(pageNumbers ? "page number" : "address");
                if (!lines.restIsBlankOrComment()) {
                    throw lines.error("unexpected text after the " + (pageNumbers ? "page number" : "address"));
                }
                long vaddr;
                if (pageNumbers) {
                    if (Long.compareUnsigned(value, MAX_PAGE_NUMBER) > 0) {
                        throw lines.error("page number " + Page.hex(value) + " too large (expected: at most " + Page.hex(MAX_PAGE_NUMBER) + ")");
                    }
                    vaddr = value << Page.SHIFT;
                } else {
                    vaddr = value;
                }
                if (pid < 0) {
                    pid = kernel.spawnAdmitAll(processName);
                    if (pid < 0) {
                        throw lines.error("cannot start process " + processName + ": out of memory (errno " + pid + ")");
                    }
                }
                if (!kernel.access(pid, vaddr, access, -1)) {
                    return;
                }
            }
        }
    }

    private static boolean isOp(int c) {
        return c == 'R' || c == 'W' || c == 'X' || c == 'r' || c == 'w' || c == 'x';
    }

    private static boolean isSeparator(byte b) {
        return b == ' ' || b == '\t' || b == ',';
    }
}
