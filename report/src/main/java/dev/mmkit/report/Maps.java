package dev.mmkit.report;

import dev.mmkit.api.mm.VmArea;
import dev.mmkit.api.workload.Mman;
import java.util.List;

/**
 * {@code /proc/PID/maps}: one line per VMA as Linux's {@code show_map_vma} prints it.
 *
 * <pre>
 * 55d5d2a4d000-55d5d2a4f000 r--p 00000000 08:01 1835092                    /usr/bin/cat
 * 7ffc5a1b2000-7ffc5a1d3000 rw-p 00000000 00:00 0                          [stack]
 * </pre>
 *
 * {@code show_vma_header_prefix} writes start and end in lowercase hex of at least 8
 * digits, the {@code rwxp} flags, the file offset ({@code %08llx}), the device
 * ({@code %02x:%02x}) and the inode, each after one space, then a space; for a VMA with a
 * name {@code seq_pad} fills with spaces up to column {@code 25 + 6 × sizeof(void *) − 1}
 * (72 on 64-bit, 48 on 32-bit kernels) and writes one more space and the name. A line
 * without a name keeps its trailing space. A newline in a name prints as {@code \012}, as
 * {@code seq_file_path} escapes it.
 *
 * @see <a href="https://elixir.bootlin.com/linux/v6.6/source/fs/proc/task_mmu.c">fs/proc/task_mmu.c: show_vma_header_prefix, show_map_vma</a>
 */
final class Maps {
    private Maps() {
    }

    /** The pad column: {@code 25 + sizeof(void *) * 6 - 1}. */
    static int padWidth(boolean bits32) {
        return 25 + (bits32 ? 4 : 8) * 6 - 1;
    }

    static String render(List<? extends VmArea> vmas, boolean bits32) {
        StringBuilder s = new StringBuilder(vmas.size() * 80);
        for (VmArea vma : vmas) {
            line(s, vma, padWidth(bits32));
            s.append('\n');
        }
        return s.toString();
    }

    static void line(StringBuilder s, VmArea vma, int width) {
        int begin = s.length();
        hex8(s, vma.start());
        s.append('-');
        hex8(s, vma.end());
        s.append(' ').append(Mman.perms(vma.prot(), vma.flags())).append(' ');
        hex8(s, vma.offset());
        s.append(' ').append(vma.device()).append(' ').append(vma.inode()).append(' ');
        String name = vma.name();
        if (name != null && !name.isEmpty()) {
            while (s.length() - begin < width) {
                s.append(' ');
            }
            s.append(' ');
            s.append(SeqFile.path(name, "\n")); // a newline as octal \012
        }
    }

    /** {@code seq_put_hex_ll(m, NULL, v, 8)}: lowercase hex, at least 8 digits. */
    static void hex8(StringBuilder s, long value) {
        String hex = Long.toHexString(value);
        for (int i = hex.length(); i < 8; i++) {
            s.append('0');
        }
        s.append(hex);
    }

    static String hex8(long value) {
        StringBuilder s = new StringBuilder(16);
        hex8(s, value);
        return s.toString();
    }
}
