package dev.mmkit.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.mm.SwapArea;
import java.util.List;
import org.junit.jupiter.api.Test;

// /proc/swaps against lines of real Linux 6.x output (Ubuntu's /swap.img) and swap_show's format.
class SwapsTest {
    @Test
    void aSwapFileLineIsLinuxs() {
        // A 2 GiB /swap.img made by mkswap: 524288 pages, the header page excluded: 524287
        // pages = 2097148 kB; nothing used; the first area swapon enabled: priority -2.
        String text = Swaps.render(List.of(new SwapArea("/swap.img", false, 524_287, 0, -2)));
        assertThat(text).isEqualTo("Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n"
            + "/swap.img                               file\t\t2097148\t\t0\t\t-2\n");
    }

    @Test
    void largeFiguresLoseTheirSecondTabAndLongPathsKeepOneSpace() {
        // 16 GiB less the header page: 16777212 kB, over 10,000,000, so one tab after it
        String path = "/var/lib/a-swap-file-whose-name-is-longer-than-forty";
        String text = Swaps.render(List.of(new SwapArea(path, true, 4_194_303, 2_600_000, 5)));
        assertThat(text.lines().toList().get(1)).isEqualTo(path + " partition\t16777212\t10400000\t5");
    }

    @Test
    void pathsEscapeSpaceTabNewlineAndBackslashInOctal() {
        assertThat(SeqFile.path("/a b\tc\nd\\e", " \t\n\\")).isEqualTo("/a\\040b\\011c\\012d\\134e");
        String text = Swaps.render(List.of(new SwapArea("/my swap", false, 255, 3, -2)));
        // "/my\040swap" is 11 characters: 29 spaces to column 40
        assertThat(text.lines().toList().get(1)).isEqualTo("/my\\040swap" + " ".repeat(29) + "file\t\t1020\t\t12\t\t-2");
    }

    @Test
    void withoutSwapOnlyTheHeader() {
        assertThat(Swaps.render(List.of())).isEqualTo(Swaps.HEADER);
    }
}
