package dev.mmkit.api.mm;

import java.util.Objects;

/**
 * One active swap area, as a line of {@code /proc/swaps} describes it ({@code
 * swap_info_struct}).
 *
 * @param path the swap file's (or device's) path: Linux prints it absolute; a simulated
 *     machine may name it relative to its run directory, as it names the files it maps
 * @param partition a block device ({@code partition}) rather than a regular file ({@code file})
 * @param pages the pages it can hold ({@code si->pages}: the header page excluded)
 * @param usedPages the pages in use ({@code si->inuse_pages}: slots that hold a page, those
 *     only the swap cache keeps included)
 * @param priority its priority ({@code si->prio}; the first area enabled without one gets -2)
 */
public record SwapArea(String path, boolean partition, long pages, long usedPages, int priority) {
    public SwapArea {
        Objects.requireNonNull(path, "path");
        if (pages < 0 || usedPages < 0 || usedPages > pages) {
            throw new IllegalArgumentException("pages " + pages + ", used " + usedPages + " (expected: 0 <= used <= pages)");
        }
    }
}
