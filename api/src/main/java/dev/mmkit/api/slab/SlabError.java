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

    /** A problem with the cache as a whole (no single object): {@code BUG dentry: ...}. */
    public SlabError(String cache, String problem) {
        super("BUG " + cache + ": " + problem);
        this.cache = cache;
        this.object = 0;
    }

    public String cache() {
        return cache;
    }

    /** The object's address, 0 for a problem with the whole cache. */
    public long object() {
        return object;
    }
}
