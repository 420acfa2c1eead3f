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
 * per slot or per set, in primitive arrays indexed by {@code set * ways + way} or by set.
 * The stateful rules keep a set's whole state in one small word where it fits (4-way LRU
 * and FIFO: a {@link WayOrder}; tree-PLRU up to 32 ways: one int), so that a touch or fill
 * is one load and one store at an address known from the set alone, and a victim needs no
 * scan; wider sets use the general forms (a timestamp per way, a byte per tree node).
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

    /**
     * A lookup hit {@code slot} ({@code set * ways + way}) of {@code set}. The set is passed
     * although the slot implies it: the caller knows it before the search ends, so a rule
     * whose state is per set addresses that state without waiting for the way.
     */
    abstract void touch(int set, int slot);

    /** A translation was written into {@code slot} of {@code set}. */
    abstract void fill(int set, int slot);

    /** The way (0 to ways − 1) to evict from the full set {@code set}. */
    abstract int victim(int set);

    /** The rule's name as configuration spells it. */
    abstract String name();
}
