package dev.mmkit.paging.mm;

import dev.mmkit.api.hw.Page;
import dev.mmkit.api.machine.Settings;

/**
 * The {@code mmkit.machine.paging} block, read and checked once.
 *
 * @param residentLimit pages a process may keep resident (0: no limit)
 * @param stackLimit bytes the stack may grow to ({@code RLIMIT_STACK})
 * @param stackInitial bytes of the stack VMA a process starts with
 * @param swapPath the swap file, relative to the run directory
 * @param swapSize bytes of swap (0: no swap)
 * @param softwareBits whether referenced and modified bits are emulated in software
 *     ({@code referenced-bits = software}) instead of read from the PTEs' A and D bits
 */
record PagingSettings(long residentLimit, long stackLimit, long stackInitial, String swapPath, long swapSize,
                      boolean softwareBits) {
    static final String REFERENCED_BITS = "referenced-bits";

    static PagingSettings read(Settings settings) {
        Settings swap = settings.getBlock("swap");
        return new PagingSettings(settings.getLong("resident-limit"), settings.getBytes("stack-limit"),
            settings.getBytes("stack-initial"), swap.getString("path"), swap.getBytes("size"),
            settings.getString(REFERENCED_BITS).equals("software"));
    }

    static void validate(Settings settings) {
        long limit = settings.getLong("resident-limit");
        if (limit < 0) {
            settings.reportProblem("resident-limit", limit + " (expected: 0 for none, or a number of pages)");
        }
        long stack = settings.getBytes("stack-limit");
        if (stack < Page.SIZE || stack % Page.SIZE != 0) {
            settings.reportProblem("stack-limit", stack + " bytes (expected: a whole number of 4KiB pages, at least one)");
        }
        long initial = settings.getBytes("stack-initial");
        if (initial < Page.SIZE || initial % Page.SIZE != 0 || initial > stack) {
            settings.reportProblem("stack-initial", initial + " bytes (expected: whole 4KiB pages, 4KiB-" + stack + ")");
        }
        String bits = settings.getString(REFERENCED_BITS);
        if (!bits.equals("hardware") && !bits.equals("software")) {
            settings.reportProblem(REFERENCED_BITS, bits + " (expected: hardware or software)");
        }
        Settings swap = settings.getBlock("swap");
        long size = swap.getBytes("size");
        if (size < 0 || size % Page.SIZE != 0 || size / Page.SIZE > Integer.MAX_VALUE - 8) {
            swap.reportProblem("size", size + " bytes (expected: 0, or a whole number of 4KiB pages below 8TiB)");
        }
        if (swap.getString("path").isBlank()) {
            swap.reportProblem("path", "must name a file");
        }
    }
}
