package dev.mmkit.workload;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.hw.Access;
import dev.mmkit.api.workload.WorkloadException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

// Random traces in the three formats, valid and broken, replayed by the readers and by independent regex/byte models written from the documented formats: the same references in the same order, and a bad input stops at the same line or record with a WorkloadException naming it (nothing before it lost).
class TraceReaderFuzzTest {
    /** Files per format: 20 for each of the seeds that -Dfuzz.seeds asks every fuzz test for (16 by default). */
    private static final int SEEDS = 20 * Integer.getInteger("fuzz.seeds", 16);
    private static final long MAX_PAGE = (1L << 52) - 1;

    @TempDir
    Path dir;

    record Ref(long vaddr, int access, long next) {
    }

    /** What a model expects: the references, then the 1-based line (or 0-based record) of the error, or -1. */
    record Expect(List<Ref> refs, long errorAt) {
    }

    static long errors;

    private static List<Ref> replay(java.util.function.Consumer<FakeKernel> run, long[] errorAt, String[] message) {
        FakeKernel k = new FakeKernel();
        try {
            run.accept(k);
            errorAt[0] = -1;
        } catch (WorkloadException e) {
            message[0] = e.getMessage();
            Matcher m = Pattern.compile(": (?:line|record) (\\d+): ").matcher(e.getMessage());
            assertThat(m.find()).as("message names the line or record: %s", e.getMessage()).isTrue();
            errorAt[0] = Long.parseLong(m.group(1));
            errors++;
        }
        List<Ref> refs = new ArrayList<>();
        for (FakeKernel.Ref r : k.refs) {
            refs.add(new Ref(r.vaddr(), r.access(), r.nextAccess()));
        }
        return refs;
    }

    // ------------------------------------------------------------------ text

    private static final Pattern TEXT = Pattern.compile(
        "[ \\t]*(?:([RWXrwx])(?:[ \\t]*,[ \\t]*|[ \\t]+))?(0[xX][0-9a-fA-F]+|[0-9]+)[ \\t]*(?:#.*)?");
    private static final Pattern BLANK = Pattern.compile("[ \\t]*(?:#.*)?");

    private static Expect textModel(List<String> lines, boolean pageNumbers) {
        List<Ref> refs = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (BLANK.matcher(line).matches()) {
                continue;
            }
            Matcher m = TEXT.matcher(line);
            if (!m.matches()) {
                return new Expect(refs, i + 1);
            }
            String op = m.group(1);
            int access = op == null ? Access.READ : switch (Character.toUpperCase(op.charAt(0))) {
                case 'W' -> Access.WRITE;
                case 'X' -> Access.EXECUTE;
                default -> Access.READ;
            };
            String num = m.group(2);
            BigInteger v = num.length() > 1 && (num.charAt(1) == 'x' || num.charAt(1) == 'X')
                ? new BigInteger(num.substring(2), 16) : new BigInteger(num);
            boolean hex = num.length() > 1 && (num.charAt(1) == 'x' || num.charAt(1) == 'X');
            // documented limits: hex at most 64 bits (leading zeros free), decimal at most 2^63-1
            if (v.bitLength() > (hex ? 64 : 63)) {
                return new Expect(refs, i + 1);
            }
            long value = v.longValue();
            if (pageNumbers) {
                if (Long.compareUnsigned(value, MAX_PAGE) > 0) {
                    return new Expect(refs, i + 1);
                }
                value <<= 12;
            }
            refs.add(new Ref(value, access, -1));
        }
        return new Expect(refs, -1);
    }

    private static String randomTextLine(SplittableRandom r) {
        StringBuilder s = new StringBuilder();
        String[] blanks = {"", " ", "\t", "  ", " \t "};
        String[] ops = {"", "", "R", "W", "X", "r", "w", "x", "Q", "RW"};
        String[] seps = {" ", "\t", ",", " , ", ", ", " ,", ",,", "", "  "};
        switch (r.nextInt(12)) {
            case 0 -> { return blanks[r.nextInt(blanks.length)]; }
            case 1 -> { return blanks[r.nextInt(blanks.length)] + "# comment " + r.nextInt(); }
            default -> { }
        }
        s.append(blanks[r.nextInt(blanks.length)]);
        String op = ops[r.nextInt(ops.length)];
        s.append(op);
        if (!op.isEmpty()) {
            s.append(seps[r.nextInt(seps.length)]);
        }
        switch (r.nextInt(10)) {
            case 0 -> s.append(Long.toUnsignedString(r.nextLong()));
            case 1 -> s.append("0x").append("0".repeat(r.nextInt(3))).append(Long.toHexString(r.nextLong()));
            case 2 -> s.append(r.nextBoolean() ? "0X" : "0x").append(Long.toHexString(r.nextLong(1L << 40)).toUpperCase());
            case 3 -> s.append(r.nextInt(5) == 0 ? "-1" : r.nextInt(5) == 0 ? "0x" : r.nextInt(5) == 0 ? "abc" : "9223372036854775807");
            case 4 -> s.append(Long.toHexString(MAX_PAGE + r.nextInt(3) - 1)).insert(s.length() - Long.toHexString(MAX_PAGE + 0).length(), "0x");
            default -> s.append(r.nextLong(1L << 36));
        }
        switch (r.nextInt(8)) {
            case 0 -> s.append(blanks[r.nextInt(blanks.length)]).append("# trailing");
            case 1 -> s.append(blanks[r.nextInt(blanks.length)]);
            case 2 -> s.append(r.nextInt(4) == 0 ? " junk" : "");
            default -> { }
        }
        return s.toString();
    }

    @Test
    void textReaderAgreesWithTheModel() throws Exception {
        long lines = 0;
        for (int seed = 0; seed < SEEDS; seed++) {
            SplittableRandom r = new SplittableRandom(seed);
            boolean pageNumbers = r.nextBoolean();
            int n = r.nextInt(1, 400);
            List<String> content = new ArrayList<>();
            StringBuilder file = new StringBuilder();
            for (int i = 0; i < n; i++) {
                String line = randomTextLine(r);
                // mostly valid lines, so that errors come late
                if (r.nextInt(20) != 0 && !TEXT.matcher(line).matches() && !BLANK.matcher(line).matches()) {
                    line = "W 0x" + Long.toHexString(r.nextLong(1L << 40));
                }
                content.add(line);
                file.append(line);
                if (i < n - 1 || r.nextBoolean()) {
                    file.append(r.nextInt(4) == 0 ? "\r\n" : "\n");
                } else if (r.nextInt(3) == 0) {
                    file.append("\r");
                }
            }
            lines += n;
            Path path = Files.writeString(dir.resolve("t" + seed + ".txt"), file);
            Expect want = textModel(content, pageNumbers);
            long[] at = new long[1];
            String[] msg = new String[1];
            List<Ref> got = replay(k -> {
                try {
                    new TextTrace(path, pageNumbers, "t").run(k);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, at, msg);
            assertThat(at[0]).as("seed %s: error line (%s)", seed, msg[0]).isEqualTo(want.errorAt());
            assertThat(got).as("seed %s", seed).isEqualTo(want.refs());
        }
        System.out.println("text: " + SEEDS + " files, " + lines + " lines, errors so far " + errors);
    }

    // ------------------------------------------------------------------ lackey

    private static Expect lackeyModel(List<String> lines) {
        List<Ref> refs = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.startsWith("==") || BLANK.matcher(line).matches()) {
                continue;
            }
            if (line.length() < 2) {
                return new Expect(refs, i + 1);
            }
            String kind = line.substring(0, 2);
            if (!kind.equals("I ") && !kind.equals(" L") && !kind.equals(" S") && !kind.equals(" M")) {
                return new Expect(refs, i + 1);
            }
            Matcher m = Pattern.compile("[ \\t]*([0-9a-fA-F]+),([0-9]+)[ \\t]*").matcher(line.substring(2));
            if (!m.matches() || new BigInteger(m.group(1), 16).bitLength() > 64) {
                return new Expect(refs, i + 1);
            }
            BigInteger size = new BigInteger(m.group(2));
            if (size.signum() == 0 || size.compareTo(BigInteger.valueOf(512)) > 0) { // lackey's MAX_DSIZE
                return new Expect(refs, i + 1);
            }
            long addr = new BigInteger(m.group(1), 16).longValue();
            BigInteger first = BigInteger.valueOf(addr >>> 12);
            BigInteger last = new BigInteger(Long.toUnsignedString(addr)).add(size).subtract(BigInteger.ONE).shiftRight(12)
                .min(BigInteger.ONE.shiftLeft(52).subtract(BigInteger.ONE));
            int[] passes = kind.equals(" M") ? new int[] {Access.READ, Access.WRITE}
                : new int[] {kind.equals("I ") ? Access.EXECUTE : kind.equals(" L") ? Access.READ : Access.WRITE};
            for (int access : passes) {
                refs.add(new Ref(addr, access, -1));
                for (BigInteger p = first.add(BigInteger.ONE); p.compareTo(last) <= 0; p = p.add(BigInteger.ONE)) {
                    refs.add(new Ref(p.longValue() << 12, access, -1));
                }
            }
        }
        return new Expect(refs, -1);
    }

    private static String randomLackeyLine(SplittableRandom r) {
        switch (r.nextInt(14)) {
            case 0 -> { return "==" + r.nextInt(99999) + "== some valgrind message"; }
            case 1 -> { return ""; }
            case 2 -> { return r.nextBoolean() ? " " : "garbage"; }
            case 3 -> { return r.nextBoolean() ? "SB 04001090" : " X 0400,4"; }
            default -> { }
        }
        String[] kinds = {"I  ", " L ", " S ", " M ", "I ", " L", " L\t", "I\t", "L "};
        StringBuilder s = new StringBuilder(kinds[r.nextInt(kinds.length)]);
        long addr = switch (r.nextInt(6)) {
            case 0 -> r.nextLong();
            case 1 -> 0xffff_ffff_ffff_f000L + r.nextInt(4096);
            case 2 -> ((long) r.nextInt(1 << 20) << 12) + 4096 - r.nextInt(16);
            default -> 0x4000000L + r.nextInt(1 << 24);
        };
        // padded as valgrind pads (%08lx), bare, or with extra leading zeros past 16 digits
        s.append(switch (r.nextInt(6)) {
            case 0 -> Long.toHexString(addr);
            case 1 -> "0".repeat(1 + r.nextInt(3)) + String.format("%016x", addr);
            default -> String.format("%08x", addr);
        });
        int form = r.nextInt(20);
        if (form == 0) {
            return s.toString(); // no size
        }
        s.append(',');
        long size = switch (r.nextInt(12)) {
            case 0 -> 0;
            case 1 -> 4096 + r.nextInt(9000);
            case 2 -> 512 + r.nextInt(2);
            default -> 1L << r.nextInt(4);
        };
        s.append(size);
        if (form == 1) {
            s.append(" junk");
        } else if (form == 2) {
            s.append(" \t");
        }
        return s.toString();
    }

    @Test
    void lackeyReaderAgreesWithTheModel() throws Exception {
        long lines = 0;
        for (int seed = 0; seed < SEEDS; seed++) {
            SplittableRandom r = new SplittableRandom(1000 + seed);
            int n = r.nextInt(1, 400);
            List<String> content = new ArrayList<>();
            StringBuilder file = new StringBuilder();
            for (int i = 0; i < n; i++) {
                String line = randomLackeyLine(r);
                if (r.nextInt(25) != 0) {
                    Expect e = lackeyModel(List.of(line));
                    if (e.errorAt() >= 0) {
                        line = " L " + Long.toHexString(0x4000000L + r.nextInt(1 << 20)) + ",8";
                    }
                }
                content.add(line);
                file.append(line);
                if (i < n - 1 || r.nextBoolean()) {
                    file.append(r.nextInt(4) == 0 ? "\r\n" : "\n");
                }
            }
            lines += n;
            Path path = Files.writeString(dir.resolve("l" + seed + ".txt"), file);
            Expect want = lackeyModel(content);
            long[] at = new long[1];
            String[] msg = new String[1];
            List<Ref> got = replay(k -> {
                try {
                    new LackeyTrace(path, "l").run(k);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, at, msg);
            assertThat(at[0]).as("seed %s: error line (%s)", seed, msg[0]).isEqualTo(want.errorAt());
            assertThat(got).as("seed %s", seed).isEqualTo(want.refs());
        }
        System.out.println("lackey: " + SEEDS + " files, " + lines + " lines, errors so far " + errors);
    }

    // ------------------------------------------------------------------ oracleGeneral

    private static Expect oracleModel(byte[] bytes) {
        List<Ref> refs = new ArrayList<>();
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long n = bytes.length / 24;
        for (int i = 0; i < n; i++) {
            long obj = b.getLong(i * 24 + 4);
            long next = b.getLong(i * 24 + 16);
            if (Long.compareUnsigned(obj, MAX_PAGE) > 0) {
                return new Expect(refs, i);
            }
            long na;
            if (next == -1 || next == Long.MAX_VALUE) {
                na = Long.MAX_VALUE;
            } else if (next <= i + 1) {
                return new Expect(refs, i);
            } else {
                na = next - 1;
            }
            refs.add(new Ref(obj << 12, Access.READ, na));
        }
        return new Expect(refs, bytes.length % 24 != 0 ? n : -1);
    }

    @Test
    void oracleGeneralReaderAgreesWithTheModelForEveryWindow() throws Exception {
        long records = 0;
        int[] windows = {1, 2, 3, 5, 16, 1024};
        int[] prefetches = {0, 1, 3, 16};
        for (int seed = 0; seed < SEEDS; seed++) {
            SplittableRandom r = new SplittableRandom(2000 + seed);
            int n = r.nextInt(0, 3000);
            ByteBuffer b = ByteBuffer.allocate(24 * n).order(ByteOrder.LITTLE_ENDIAN);
            boolean broken = r.nextInt(3) == 0;
            for (int i = 0; i < n; i++) {
                long obj = r.nextInt(50) == 0 ? MAX_PAGE - r.nextInt(2) : r.nextInt(200);
                long next = r.nextInt(4) == 0 ? -1 : r.nextInt(10) == 0 ? Long.MAX_VALUE : i + 2 + r.nextInt(100);
                if (broken && r.nextInt(n) == 0) {
                    switch (r.nextInt(5)) {
                        case 0 -> obj = MAX_PAGE + 1 + r.nextInt(100);
                        case 1 -> obj = -1;
                        case 2 -> next = i + 1;
                        case 3 -> next = r.nextInt(i + 2);
                        default -> next = -2 - r.nextInt(10);
                    }
                }
                b.putInt(r.nextInt()).putLong(obj).putInt(r.nextInt(3) == 0 ? 0 : r.nextInt(1 << 20)).putLong(next);
            }
            byte[] bytes = b.array();
            if (broken && r.nextBoolean()) {
                bytes = java.util.Arrays.copyOf(bytes, bytes.length + 1 + r.nextInt(23));
            }
            records += n;
            Path path = Files.write(dir.resolve("o" + seed + ".og"), bytes);
            Expect want = oracleModel(bytes);
            for (int w : windows) {
                for (int p : prefetches) {
                    long[] at = new long[1];
                    String[] msg = new String[1];
                    List<Ref> got = replay(k -> {
                        try {
                            new OracleGeneralTrace(path, "o", w, p).run(k);
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }, at, msg);
                    assertThat(at[0]).as("seed %s window %s prefetch %s (%s)", seed, w, p, msg[0]).isEqualTo(want.errorAt());
                    assertThat(got).as("seed %s window %s prefetch %s", seed, w, p).isEqualTo(want.refs());
                }
            }
        }
        System.out.println("oracle-general: " + SEEDS + " files, " + records + " records x 24 window/prefetch pairs, errors so far " + errors);
    }
}
