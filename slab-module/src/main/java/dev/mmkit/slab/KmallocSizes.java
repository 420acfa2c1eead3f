package dev.mmkit.slab;

/**
 * The size classes of {@code kmalloc}: the lecture's thirteen power-of-two general caches
 * from 32 to 131,072 bytes, plus Linux's 96 and 192 (which save a third of the memory
 * for the many objects just above 64 and 128 bytes). Names are Linux's
 * ({@code kmalloc_info[]} in {@code mm/slab_common.c}): {@code kmalloc-96},
 * {@code kmalloc-1k}, {@code kmalloc-128k}.
 *
 * <p>{@link #index(long)} is {@code kmalloc_index}: the smallest class that holds a size.
 * Requests above {@link #MAX_SIZE} ({@code KMALLOC_MAX_CACHE_SIZE}) bypass the caches and
 * go to the page allocator ({@code kmalloc_large}).
 */
final class KmallocSizes {
    /** Object size of each general cache, smallest first. */
    static final int[] SIZES = {
        32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768, 65536, 131072};
    /** The largest size served from a general cache. */
    static final int MAX_SIZE = 131072;
    /** Number of general caches. */
    static final int COUNT = SIZES.length;

    /** {@code size_index[]}: the class of each 8-byte step up to 192, for the common small sizes. */
    private static final int SMALL_MAX = 192;
    private static final byte[] SIZE_INDEX = new byte[SMALL_MAX / 8];

    static {
        for (int i = 0; i < SIZE_INDEX.length; i++) {
            int size = (i + 1) * 8;
            SIZE_INDEX[i] = (byte) (size <= 32 ? 0 : size <= 64 ? 1 : size <= 96 ? 2 : size <= 128 ? 3 : 4);
        }
    }

    private KmallocSizes() {
    }

    /** {@code kmalloc_index}: the class for {@code size} (1 to {@link #MAX_SIZE}), or -1 above. */
    static int index(long size) {
        if (size <= SMALL_MAX) {
            return SIZE_INDEX[(int) (size - 1) >>> 3];
        }
        if (size <= 32) {
            return 0;
        }
        if (size <= 64) {
            return 1;
        }
        if (size <= 96) {
            return 2;
        }
        if (size <= 128) {
            return 3;
        }
        if (size <= 192) {
            return 4;
        }
        if (size <= 256) {
            return 5;
        }
        if (size > MAX_SIZE) {
            return -1;
        }
        // 257..131072: ceil(log2(size)) = 9..17 maps to 6..14
        return 64 - Long.numberOfLeadingZeros(size - 1) - 3;
    }

    /** The Linux name of class {@code index}: {@code kmalloc-192}, {@code kmalloc-8k}. */
    static String name(int index) {
        int size = SIZES[index];
        return size >= 1024 ? "kmalloc-" + (size / 1024) + "k" : "kmalloc-" + size;
    }
}
