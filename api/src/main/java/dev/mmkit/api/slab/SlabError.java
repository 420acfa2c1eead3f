package dev.mmkit.api.slab;

/**
 * Misuse of a cache found by the allocator, reported as SLUB reports it:
 * {@code BUG kmalloc-64: Object already free} with the object's address. The cache
 * refuses the operation and stays consistent.
 */
public class SlabError extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    private final String cache;
    private final long object;

    public SlabError(String cache, long object, String problem) {
        super("BUG " + cache + ": " + problem + " (object 0x" + Long.toHexString(object) + ")");
        this.cache = cache;
        this.object = object;
    }

    public String cache() {
        return cache;
    }

    public long object() {
        return object;
    }
}
