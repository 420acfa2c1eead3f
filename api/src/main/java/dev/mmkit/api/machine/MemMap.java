package dev.mmkit.api.machine;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Linux's {@code mem_map}: the metadata of every page frame ({@code struct page}), kept as
 * a structure of arrays indexed by pfn rather than an object per frame. The fields are the
 * ones that travel between subsystems; what only one subsystem needs (buddy links, policy
 * lists) it keeps in arrays of its own.
 *
 * <table>
 *   <caption>Fields and who uses them</caption>
 *   <tr><th>field</th><th>meaning</th></tr>
 *   <tr><td>flags</td><td>{@link PageFlags}</td></tr>
 *   <tr><td>refcount</td><td>{@code _refcount}: references held; 0 means free</td></tr>
 *   <tr><td>mapcount</td><td>{@code _mapcount + 1}: page-table entries that map the frame</td></tr>
 *   <tr><td>mapping</td><td>id of the owning address_space (file) or anon_vma ({@link PageFlags#PG_ANON}); 0 for none</td></tr>
 *   <tr><td>index</td><td>page offset in the file, or the virtual page number for anonymous memory</td></tr>
 *   <tr><td>private</td><td>owner data: a swap entry in the swap cache, slab state in a SLUB slab, a buddy order</td></tr>
 * </table>
 *
 * <p>An out-of-range pfn is an {@link IndexOutOfBoundsException} naming it.
 */
@ProviderType
public abstract class MemMap {
    /** For the machine's implementation (a class, not an interface: see the package). */
    protected MemMap() {
    }

    public abstract long nrFrames();

    public abstract int flags(long pfn);

    public abstract boolean testFlag(long pfn, int flag);

    public abstract void setFlag(long pfn, int flag);

    public abstract void clearFlag(long pfn, int flag);

    /** Sets {@code flag}, returning whether it was already set. */
    public abstract boolean testAndSetFlag(long pfn, int flag);

    /** Clears {@code flag}, returning whether it was set. */
    public abstract boolean testAndClearFlag(long pfn, int flag);

    public abstract int refcount(long pfn);

    public abstract void setRefcount(long pfn, int count);

    /** {@code get_page}: one more reference; returns the new count. */
    public abstract int getPage(long pfn);

    /** {@code put_page}: one reference fewer; returns the new count. */
    public abstract int putPage(long pfn);

    public abstract int mapcount(long pfn);

    public abstract void setMapcount(long pfn, int count);

    public abstract int mapping(long pfn);

    public abstract void setMapping(long pfn, int mapping);

    public abstract long index(long pfn);

    public abstract void setIndex(long pfn, long index);

    public abstract long privateData(long pfn);

    public abstract void setPrivateData(long pfn, long value);

    /**
     * Sets every field of a frame at once, flags included (not ORed into those it has): what
     * a fault does to the page it has just allocated for a user mapping ({@code
     * do_anonymous_page}, {@code do_swap_page}), in one call where a setter per field would
     * each find the frame again.
     */
    public abstract void setPage(long pfn, int flags, int refcount, int mapcount, int mapping, long index, long privateData);

    /** Resets every field of a frame to zero, as when it returns to the page allocator. */
    public abstract void reset(long pfn);
}
