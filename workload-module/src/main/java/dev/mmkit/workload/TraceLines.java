package dev.mmkit.workload;

import dev.mmkit.api.workload.WorkloadException;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Streams a text trace one line at a time into a reused byte buffer, with a cursor and the
 * number parsers the text readers share. The file is read in 64 KiB blocks into a buffer
 * of its own (no per-byte synchronized {@code read()}); nothing is allocated per line: the
 * line lives in {@link #line} until the next call to {@link #next()}, and the parsers read
 * it in place. A line is only turned into a {@code String} when it is quoted in an error
 * message.
 */
final class TraceLines implements Closeable {
    private static final int MAX_LINE = 1 << 16;

    private final String source;
    private final InputStream in;
    private final byte[] block = new byte[1 << 16];
    private int blockPos;
    private int blockEnd;
    byte[] line = new byte[256];
    int length;
    /** Cursor into {@link #line}. */
    int pos;
    long lineNumber;

    TraceLines(Path path) throws IOException {
        this.source = path.toString();
        this.in = Files.newInputStream(path);
    }

    /** Reads the next line (without its {@code \n} or {@code \r\n}); false at the end of the file. */
    boolean next() throws IOException {
        length = 0;
        pos = 0;
        int b = read();
        if (b < 0) {
            return false;
        }
        lineNumber++;
        while (b >= 0 && b != '\n') {
            if (length == line.length) {
                if (length >= MAX_LINE) {
                    throw error("line longer than " + MAX_LINE + " bytes");
                }
                line = java.util.Arrays.copyOf(line, length * 2);
            }
            line[length++] = (byte) b;
            b = read();
        }
        if (length > 0 && line[length - 1] == '\r') {
            length--;
        }
        return true;
    }

    /** The next byte of the file, or -1 at its end. */
    private int read() throws IOException {
        if (blockPos == blockEnd) {
            int n = in.read(block, 0, block.length);
            while (n == 0) {
                n = in.read(block, 0, block.length);
            }
            if (n < 0) {
                return -1;
            }
            blockPos = 0;
            blockEnd = n;
        }
        return block[blockPos++] & 0xff;
    }

    /** Skips spaces and tabs. */
    void skipBlanks() {
        while (pos < length && (line[pos] == ' ' || line[pos] == '\t')) {
            pos++;
        }
    }

    boolean atEnd() {
        return pos >= length;
    }

    int peek() {
        return pos < length ? line[pos] & 0xff : -1;
    }

    /** Whether the rest of the line is blank or a {@code #} comment. */
    boolean restIsBlankOrComment() {
        skipBlanks();
        return atEnd() || line[pos] == '#';
    }

    /**
     * Parses hexadecimal digits (no prefix) as an unsigned 64-bit number. Leading zeros do
     * not count towards the 16 digits a 64-bit number has (a trace writer may pad a fixed-width field).
     */
    long parseHex(String what) {
        int start = pos;
        long value = 0;
        while (pos < length) {
            int d = Character.digit(line[pos], 16);
            if (d < 0) {
                break;
            }
            if ((value >>> 60) != 0) {
                throw error(what + " wider than 64 bits");
            }
            value = (value << 4) | d;
            pos++;
        }
        if (pos == start) {
            throw error("bad " + what + " (expected: hexadecimal digits)");
        }
        return value;
    }

    /** Parses decimal digits as a non-negative 64-bit number. */
    long parseDecimal(String what) {
        int start = pos;
        long value = 0;
        while (pos < length && line[pos] >= '0' && line[pos] <= '9') {
            int d = line[pos] - '0';
            if (value > (Long.MAX_VALUE - d) / 10) {
                throw error(what + " too large");
            }
            value = value * 10 + d;
            pos++;
        }
        if (pos == start) {
            throw error("bad " + what + " (expected: decimal digits)");
        }
        return value;
    }

    /** Parses {@code 0x}-prefixed hexadecimal or plain decimal. */
    long parseNumber(String what) {
        if (pos + 1 < length && line[pos] == '0' && (line[pos + 1] == 'x' || line[pos + 1] == 'X')) {
            pos += 2;
            return parseHex(what);
        }
        return parseDecimal(what);
    }

    /** The current line as text, for messages. */
    String text() {
        return new String(line, 0, length, StandardCharsets.UTF_8);
    }

    /** {@code file: line N: problem in 'the line'}. */
    WorkloadException error(String problem) {
        return WorkloadException.atLine(source, lineNumber, problem + " in '" + text() + "'");
    }

    String source() {
        return source;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
