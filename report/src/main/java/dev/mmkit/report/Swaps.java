package dev.mmkit.report;

import dev.mmkit.api.hw.Page;
import dev.mmkit.api.mm.SwapArea;
import java.util.List;

/**
 * {@code /proc/swaps} as Linux 6.6's {@code swap_show} prints it: a header line, then per
 * area its path (with space, tab, newline and backslash escaped as {@code seq_file_path}
 * escapes them, {@code \040} and so on) padded with spaces to 40 columns (at least one
 * space), {@code partition} or {@code file} and a tab, then size and used in KiB, each
 * followed by a tab and by a second one while it is below 10,000,000, and the priority.
 *
 * <pre>
 * Filename				Type		Size		Used		Priority
 * /swap.img                               file		2097148		0		-2
 * </pre>
 *
 * @see <a href="https://elixir.bootlin.com/linux/v6.6/source/mm/swapfile.c">mm/swapfile.c: swap_show</a>
 */
final class Swaps {
    static final String HEADER = "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n";

    private Swaps() {
    }

    static String render(List<SwapArea> areas) {
        StringBuilder s = new StringBuilder(HEADER);
        for (SwapArea a : areas) {
            String path = SeqFile.path(a.path(), " \t\n\\");
            s.append(path).append(" ".repeat(path.length() < 40 ? 40 - path.length() : 1));
            s.append(a.partition() ? "partition" : "file\t").append('\t');
            long size = kib(a.pages());
            long used = kib(a.usedPages());
            s.append(size).append('\t').append(size < 10_000_000 ? "\t" : "");
            s.append(used).append('\t').append(used < 10_000_000 ? "\t" : "");
            s.append(a.priority()).append('\n');
        }
        return s.toString();
    }

    /** {@code K(pages)}: pages in KiB. */
    static long kib(long pages) {
        return pages * (Page.SIZE / 1024);
    }
}
