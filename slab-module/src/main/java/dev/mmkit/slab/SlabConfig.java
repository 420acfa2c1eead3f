package dev.mmkit.slab;

import dev.mmkit.api.machine.Settings;
import dev.mmkit.api.slab.SlabFlags;
import java.util.List;
import java.util.Set;

/**
 * The {@code mmkit.machine.slab} block, read and checked once: {@code merge},
 * {@code debug} (the letters of Linux's {@code slab_debug=}) and {@code debug-caches}.
 */
final class SlabConfig {
    /** The {@code slab_debug} letters mmkit knows, and the flag each turns on. */
    static final String DEBUG_LETTERS = "FZPU";
    private static final int[] DEBUG_FLAGS = {
        SlabFlags.SLAB_CONSISTENCY_CHECKS, SlabFlags.SLAB_RED_ZONE, SlabFlags.SLAB_POISON, SlabFlags.SLAB_STORE_USER};

    final boolean merge;
    /** Debug flags added to the caches {@link #debugs(String)} selects. */
    final int debugFlags;
    /** Caches the debug flags apply to; empty for all. */
    final Set<String> debugCaches;

    SlabConfig(boolean merge, int debugFlags, Set<String> debugCaches) {
        this.merge = merge;
        this.debugFlags = debugFlags;
        this.debugCaches = debugCaches;
    }

    /** Defaults: no merging, no debugging (what a test that builds a flavour directly gets). */
    static SlabConfig defaults() {
        return new SlabConfig(false, 0, Set.of());
    }

    static SlabConfig read(Settings settings) {
        return new SlabConfig(settings.getBoolean("merge"), debugFlags(settings.getString("debug")),
            Set.copyOf(settings.getStringList("debug-caches")));
    }

    /** Reports every problem of the block. */
    static void validate(Settings settings) {
        settings.getBoolean("merge");
        String debug = settings.getString("debug");
        for (char c : debug.toCharArray()) {
            if (DEBUG_LETTERS.indexOf(Character.toUpperCase(c)) < 0) {
                settings.reportProblem("debug", "Unknown slab_debug option [" + c + "], known options [F, Z, P, U]");
            }
        }
        List<String> caches = settings.getStringList("debug-caches");
        for (String name : caches) {
            if (name.isBlank()) {
                settings.reportProblem("debug-caches", "a cache name must not be blank");
            }
        }
    }

    /** The flags of a {@code slab_debug} string such as {@code FZPU}; unknown letters are an error. */
    static int debugFlags(String letters) {
        int flags = 0;
        for (char c : letters.toCharArray()) {
            int i = DEBUG_LETTERS.indexOf(Character.toUpperCase(c));
            if (i < 0) {
                throw new IllegalArgumentException("Unknown slab_debug option [" + c + "], known options [F, Z, P, U]");
            }
            flags |= DEBUG_FLAGS[i];
        }
        return flags;
    }

    /** The debug flags that apply to cache {@code name}. */
    int debugs(String name) {
        return debugCaches.isEmpty() || debugCaches.contains(name) ? debugFlags : 0;
    }
}
