package dev.mmkit.tlb;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * A replacement rule inside one set of a TLB level: which way a fill evicts when every way
 * of the set is valid. The level itself fills invalid ways first (lowest way first), so a
 * rule is asked only for a victim among valid ways.
 *
 * <p>A rule sees three events, as hardware does: a hit on a way ({@link #touch}), a fill
 * of a way ({@link #fill}), and the choice of a victim ({@link #victim}). Its state is
 * per slot or per set, in primitive arrays indexed by {@code set * ways + way}.
 */
abstract class Replacement {
    /** The names configuration accepts, in the order messages list them. */
    static final List<String> NAMES = List.of("lru", "fifo", "random", "plru");

    final int sets;
    final int ways;

    Replacement(int sets, int ways) {
        this.sets = sets;
        this.ways = ways;
    }

    /** The rule named {@code name} for a level of {@code sets × ways}. */
    static Replacement of(String name, int sets, int ways, RandomGenerator random) {
        return switch (name) {
            case "lru" -> new LruReplacement(sets, ways);
            case "fifo" -> new FifoReplacement(sets, ways);
            case "random" -> new RandomReplacement(sets, ways, random);
            case "plru" -> new TreePlruReplacement(sets, ways);
            default -> throw new IllegalArgumentException(unknown(name));
        };
    }

    static String unknown(String name) {
        return "Unknown replacement [" + name + "], known options " + NAMES;
    }

    /** A lookup hit {@code slot} ({@code set * ways + way}). */
    abstract void touch(int slot);

    /** A translation was written into {@code slot}. */
    abstract void fill(int slot);

    /** The way (0 to ways − 1) to evict from the full set {@code set}. */
    abstract int victim(int set);

    /** The rule's name as configuration spells it. */
    abstract String name();
}
