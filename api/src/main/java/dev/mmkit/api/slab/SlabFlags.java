package dev.mmkit.api.slab;

/**
 * Cache creation flags ({@code SLAB_*} in {@code include/linux/slab.h}) and the byte
 * patterns of the debugging flags ({@code include/linux/poison.h}). Values are Linux's.
 */
public final class SlabFlags {
    /** Check every operation thoroughly (slab_debug=F). */
    public static final int SLAB_CONSISTENCY_CHECKS = 0x00000100;
    /** Guard every object with red zones (slab_debug=Z). */
    public static final int SLAB_RED_ZONE = 0x00000400;
    /** Fill free objects with a poison pattern (slab_debug=P). */
    public static final int SLAB_POISON = 0x00000800;
    /** Align objects on a hardware cache line. */
    public static final int SLAB_HWCACHE_ALIGN = 0x00002000;
    /** Take slabs from ZONE_DMA. */
    public static final int SLAB_CACHE_DMA = 0x00004000;
    /** Record the last user of each object (slab_debug=U). */
    public static final int SLAB_STORE_USER = 0x00010000;
    /** Objects are reclaimable (counted as SReclaimable). */
    public static final int SLAB_RECLAIM_ACCOUNT = 0x00020000;
    /** Failing to create the cache stops the machine. */
    public static final int SLAB_PANIC = 0x00040000;

    /** Poison of a free object's bytes. */
    public static final byte POISON_FREE = 0x6b;
    /** Poison of an allocated but not yet initialised object (SLAB). */
    public static final byte POISON_INUSE = 0x5a;
    /** The last byte of a poisoned object. */
    public static final byte POISON_END = (byte) 0xa5;
    /** Red zone of a free object (SLUB_RED_INACTIVE). */
    public static final byte RED_INACTIVE = (byte) 0xbb;
    /** Red zone of an allocated object (SLUB_RED_ACTIVE). */
    public static final byte RED_ACTIVE = (byte) 0xcc;

    /** The size of a hardware cache line, for {@link #SLAB_HWCACHE_ALIGN}. */
    public static final int CACHE_LINE_SIZE = 64;

    private SlabFlags() {
    }
}
