package dev.mmkit.tlb;

import dev.mmkit.api.machine.ConfigurationException;
import dev.mmkit.api.machine.Settings;
import dev.mmkit.api.tlb.TlbListener;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * The {@code mmkit.machine.tlb} block, read and checked: the levels of the TLB (one for
 * the single-level implementations, the {@code levels} list for {@code hierarchy}) and the
 * address-space and refill settings. Every problem is collected with the block and key it
 * concerns, so a provider's {@code validate} reports them all at once and {@code create}
 * refuses a configuration that has any.
 */
final class TlbConfig {
    static final List<String> REFILLS = List.of("hardware", "software");
    static final List<String> SPLITS = List.of("instruction", "data", "unified");
    static final int MAX_ASID_BITS = TlbEntry.ASID_BITS;

    /** One level: where it sits and what it is. {@code nextLevel} is empty for the last. */
    record Level(String name, String organisation, int entries, int ways, String replacement, String split, String nextLevel) {
        boolean takesInstructions() {
            return !split.equals("data");
        }

        boolean takesData() {
            return !split.equals("instruction");
        }
    }

    private record Problem(Settings settings, String key, String message) {
    }

    final List<Level> levels = new ArrayList<>();
    boolean hierarchy;
    boolean asid;
    int asidBits;
    boolean writebackBits;
    String refill;
    private final List<Problem> problems = new ArrayList<>();

    private TlbConfig() {
    }

    /**
     * Reads the block for implementation {@code impl}: {@code fully-associative},
     * {@code set-associative}, {@code direct-mapped} (one level of that organisation),
     * {@code software} (one level of the {@code organisation} key, software refill) or
     * {@code hierarchy}.
     */
    static TlbConfig read(Settings s, String impl) {
        TlbConfig c = new TlbConfig();
        c.asid = c.bool(s, "asid", true);
        c.asidBits = c.integer(s, "asid-bits", 12);
        if (c.asidBits < 1 || c.asidBits > MAX_ASID_BITS) {
            c.problem(s, "asid-bits", c.asidBits + " (expected: 1-" + MAX_ASID_BITS + ")");
        }
        c.writebackBits = c.bool(s, "writeback-bits", false);
        c.refill = impl.equals("software") ? "software" : c.string(s, "refill", "hardware");
        if (!REFILLS.contains(c.refill)) {
            c.problem(s, "refill", "Unknown refill [" + c.refill + "], known options " + REFILLS);
        }
        if (impl.equals("hierarchy")) {
            c.hierarchy = true;
            if (c.refill.equals("software")) {
                c.problem(s, "refill", "software (expected: hardware; a hierarchy is refilled by the hardware walk,"
                    + " use impl = software for a MIPS-style TLB)");
            }
            c.readLevels(s);
        } else {
            String organisation = impl.equals("software") ? c.string(s, "organisation", "fully-associative") : impl;
            c.readLevel(s, "tlb", organisation, "unified", "");
        }
        return c;
    }

    private void readLevels(Settings s) {
        List<? extends Settings> blocks;
        try {
            blocks = s.getBlockList("levels");
        } catch (ConfigurationException e) {
            problem(s, "levels", "expected: a list of level blocks { name, organisation, entries, ways, replacement, split, next-level }");
            return;
        }
        if (blocks.isEmpty()) {
            problem(s, "levels", "empty (expected: at least one level)");
            return;
        }
        String defaultReplacement = string(s, "replacement", "lru");
        int defaultWays = integer(s, "ways", 4);
        Map<String, Settings> byName = new HashMap<>();
        for (Settings b : blocks) {
            String name = string(b, "name", null);
            if (name == null) {
                continue;
            }
            if (name.isEmpty() || name.contains(".")) {
                problem(b, "name", "[" + name + "] (expected: a non-empty name without dots; counters are named level.counter)");
            }
            if (name.equals("total")) {
                problem(b, "name", "[total] (expected: another name; the hierarchy's own counters are total.hits and total.misses)");
            }
            if (byName.put(name, b) != null) {
                problem(b, "name", "level " + name + " is defined twice");
            }
            String organisation = b.has("organisation") ? string(b, "organisation", "set-associative") : "set-associative";
            int ways = b.has("ways") ? integer(b, "ways", defaultWays) : defaultWays;
            String replacement = b.has("replacement") ? string(b, "replacement", defaultReplacement) : defaultReplacement;
            String split = b.has("split") ? string(b, "split", "unified") : "unified";
            String next = b.has("next-level") ? string(b, "next-level", "") : "";
            readLevel(b, name, organisation, split, next, ways, replacement);
        }
        checkChains(s, byName);
    }

    private void readLevel(Settings s, String name, String organisation, String split, String next) {
        readLevel(s, name, organisation, split, next, integer(s, "ways", 4), string(s, "replacement", "lru"));
    }

    private void readLevel(Settings s, String name, String organisation, String split, String next, int ways, String replacement) {
        int entries = integer(s, "entries", 64);
        boolean ok = true;
        if (!TlbLevel.ORGANISATIONS.contains(organisation)) {
            problem(s, "organisation", "Unknown organisation [" + organisation + "], known options " + TlbLevel.ORGANISATIONS);
            ok = false;
        }
        if (!SPLITS.contains(split)) {
            problem(s, "split", "Unknown split [" + split + "], known options " + SPLITS);
            ok = false;
        }
        if (!Replacement.NAMES.contains(replacement)) {
            problem(s, "replacement", Replacement.unknown(replacement));
            ok = false;
        }
        if (entries < 1) {
            problem(s, "entries", entries + " (expected: 1 or more)");
            ok = false;
        } else if (organisation.equals("fully-associative")) {
            ways = entries;
            if (replacement.equals("plru") && Integer.bitCount(entries) != 1) {
                problem(s, "entries", entries + " (expected: a power of two for plru)");
                ok = false;
            }
        } else if (organisation.equals("direct-mapped")) {
            ways = 1;
            if (Integer.bitCount(entries) != 1) {
                problem(s, "entries", entries + " (expected: a power of two)");
                ok = false;
            }
        } else if (Integer.bitCount(entries) != 1) {
            problem(s, "entries", entries + " (expected: a power of two)");
            ok = false;
        } else if (ways < 1 || ways > entries || entries % ways != 0) {
            problem(s, "ways", ways + " (expected: a divisor of entries " + entries + ")");
            ok = false;
        }
        if (ok) {
            levels.add(new Level(name, organisation, entries, ways, replacement, split, next));
        }
    }

    /**
     * Instruction fetches enter at the one level that takes them and that no level names as
     * its next level, and so do data references; each then follows {@code next-level}. Every
     * level on a path must take that kind of reference, and no path may loop.
     */
    private void checkChains(Settings s, Map<String, Settings> byName) {
        Set<String> named = new HashSet<>();
        for (Level level : levels) {
            if (!level.nextLevel.isEmpty()) {
                if (!byName.containsKey(level.nextLevel)) {
                    problem(byName.get(level.name), "next-level", "Unknown level [" + level.nextLevel + "], known levels " + byName.keySet());
                }
                named.add(level.nextLevel);
            }
        }
        if (levels.size() != byName.size()) {
            return; // a level failed to read; its problem is already reported
        }
        for (String kind : List.of("instruction", "data")) {
            List<Level> entries = new ArrayList<>();
            for (Level level : levels) {
                if (!named.contains(level.name) && (kind.equals("instruction") ? level.takesInstructions() : level.takesData())) {
                    entries.add(level);
                }
            }
            if (entries.size() != 1) {
                problem(s, "levels", (entries.isEmpty() ? "no level" : entries.size() + " levels " + names(entries)) + " take " + kind
                    + (kind.equals("data") ? " references" : " fetches") + " first (expected: exactly one level with split = "
                    + kind + " or unified that no level names as next-level)");
                continue;
            }
            Set<String> seen = new LinkedHashSet<>();
            Level level = entries.get(0);
            while (level != null) {
                if (!seen.add(level.name)) {
                    problem(byName.get(level.name), "next-level", String.join(" -> ", seen) + " -> " + level.name + ": next-level forms a cycle");
                    break;
                }
                if (!(kind.equals("instruction") ? level.takesInstructions() : level.takesData())) {
                    problem(byName.get(level.name), "split", level.split + ", but " + kind + " references reach it through " + String.join(" -> ", seen));
                }
                level = level.nextLevel.isEmpty() ? null : find(level.nextLevel);
            }
        }
    }

    private Level find(String name) {
        for (Level level : levels) {
            if (level.name.equals(name)) {
                return level;
            }
        }
        return null;
    }

    private static List<String> names(List<Level> levels) {
        List<String> names = new ArrayList<>();
        for (Level level : levels) {
            names.add(level.name);
        }
        return names;
    }

    /** A listener that ignores evictions and has no refill handler, for callers that pass none. */
    static final TlbListener NO_LISTENER = (vaddr, asid, pte) -> {
    };

    /** Builds the TLB this configuration describes; {@link #requireValid()} first. */
    AbstractTlb build(RandomGenerator random, TlbListener listener) {
        requireValid();
        TlbListener sink = listener != null ? listener : NO_LISTENER;
        AsidAllocator asids = new AsidAllocator(asid, asidBits);
        Map<String, TlbLevel> built = new LinkedHashMap<>();
        for (Level l : levels) {
            built.put(l.name, TlbLevel.create(l.name, l.organisation, l.entries, l.ways, l.replacement, random));
        }
        TlbLevel[] all = built.values().toArray(new TlbLevel[0]);
        if (!hierarchy) {
            return refill.equals("software") ? new SoftwareManagedTlb(all[0], asids, sink, writebackBits)
                : new HardwareWalkedTlb(all[0], asids, sink, writebackBits);
        }
        Set<String> named = new HashSet<>();
        for (Level l : levels) {
            if (!l.nextLevel.isEmpty()) {
                built.get(l.name).next = built.get(l.nextLevel);
                named.add(l.nextLevel);
            }
        }
        TlbLevel instructionEntry = null;
        TlbLevel dataEntry = null;
        for (Level l : levels) {
            if (!named.contains(l.name)) {
                if (instructionEntry == null && l.takesInstructions()) {
                    instructionEntry = built.get(l.name);
                }
                if (dataEntry == null && l.takesData()) {
                    dataEntry = built.get(l.name);
                }
            }
        }
        return new HierarchicalTlb(all, instructionEntry, dataEntry, asids, sink, writebackBits);
    }

    /** Sends every problem to its block's {@link Settings#reportProblem}. */
    void report() {
        for (Problem p : problems) {
            p.settings.reportProblem(p.key, p.message);
        }
    }

    /** Throws if any problem was found: {@code create} never builds from a bad block. */
    void requireValid() {
        if (!problems.isEmpty()) {
            List<String> lines = new ArrayList<>();
            for (Problem p : problems) {
                lines.add(p.settings.path() + "." + p.key + ": " + p.message);
            }
            throw new IllegalArgumentException(String.join(System.lineSeparator(), lines));
        }
    }

    boolean hasProblems() {
        return !problems.isEmpty();
    }

    private void problem(Settings s, String key, String message) {
        problems.add(new Problem(s, key, message));
    }

    private int integer(Settings s, String key, int fallback) {
        if (!s.has(key)) {
            problem(s, key, "missing (expected: an integer)");
            return fallback;
        }
        try {
            return s.getInt(key);
        } catch (ConfigurationException e) {
            problem(s, key, "expected: an integer");
            return fallback;
        }
    }

    private boolean bool(Settings s, String key, boolean fallback) {
        if (!s.has(key)) {
            problem(s, key, "missing (expected: true or false)");
            return fallback;
        }
        try {
            return s.getBoolean(key);
        } catch (ConfigurationException e) {
            problem(s, key, "expected: true or false");
            return fallback;
        }
    }

    private String string(Settings s, String key, String fallback) {
        if (!s.has(key)) {
            problem(s, key, "missing");
            return fallback;
        }
        try {
            return s.getString(key);
        } catch (ConfigurationException e) {
            problem(s, key, "expected: a string");
            return fallback;
        }
    }
}
