package dev.mmkit.slab;

import static dev.mmkit.api.slab.SlabFlags.CACHE_LINE_SIZE;
import static dev.mmkit.api.slab.SlabFlags.POISON_END;
import static dev.mmkit.api.slab.SlabFlags.POISON_FREE;
import static dev.mmkit.api.slab.SlabFlags.RED_ACTIVE;
import static dev.mmkit.api.slab.SlabFlags.RED_INACTIVE;
import static dev.mmkit.api.slab.SlabFlags.SLAB_HWCACHE_ALIGN;
import static dev.mmkit.api.slab.SlabFlags.SLAB_POISON;
import static dev.mmkit.api.slab.SlabFlags.SLAB_RED_ZONE;
import static dev.mmkit.api.slab.SlabFlags.SLAB_STORE_USER;

import dev.mmkit.api.hw.PhysicalMemory;

/**
 * Where everything lives inside one object slot, and the debugging bytes written there:
 * shared by the three flavours (SLUB's {@code calculate_sizes}, {@code init_object},
 * {@code check_object}).
 *
 * <pre>
 *  slot start                                                         slot start + size
 *  |&lt;------- objectSize -------&gt;|&lt;- red zone -&gt;|&lt;- free ptr -&gt;|&lt;- track -&gt;|&lt;- pad -&gt;|
 *  |  object (poison 6b..6b a5)  |  bb / cc     |  (SLUB only)  | alloc,free|         |
 *                                               ^ inuse
 * </pre>
 *
 * <ul>
 *   <li><b>Alignment</b> ({@code calculate_alignment}): with {@code SLAB_HWCACHE_ALIGN} the
 *       cache line (64), halved while the object fits in half of it; never below 8 bytes
 *       (a pointer).</li>
 *   <li><b>Red zone</b> ({@code Z}): the bytes from {@code objectSize} to {@code inuse},
 *       at least one word: 0xbb while the object is free, 0xcc while it is allocated.</li>
 *   <li><b>Poison</b> ({@code P}): a free object reads 0x6b ... 0x6b 0xa5. Not for caches
 *       with a constructor (poisoning would destroy the constructed state; SLUB does the
 *       same).</li>
 *   <li><b>Free pointer</b>: SLUB links free objects through a word inside the object
 *       (offset 0); with poison or a constructor the object's bytes must survive a free, and
 *       with a red zone an object smaller than the word cannot hold it, so the word moves
 *       behind the red zone. SLAB and SLOB keep no link in the slot.</li>
 *   <li><b>Track</b> ({@code U}, {@code SLAB_STORE_USER}): two words, the last
 *       allocation and the last free, each {@code (cpu + 1) << 56 | virtual time in ns} (0: never).</li>
 * </ul>
 *
 * <p>Checks report the first wrong byte as SLUB does ({@code check_bytes_and_report}):
 * {@code Redzone overwritten @offset=72. First byte 0x0 instead of 0xcc}, and restore the
 * range so the cache stays usable after the report.
 */
final class SlotLayout {
    /** sizeof(void *). */
    static final int WORD = 8;

    final int objectSize;
    final int align;
    /** The slot size: the distance between objects ({@code s->size}). */
    final int size;
    /** End of object and red zone ({@code s->inuse}). */
    final int inuse;
    /** Offset of SLUB's free pointer in the slot; -1 for flavours without one. */
    final int freePointerOffset;
    /** Offset of the two track words; -1 without {@code SLAB_STORE_USER}. */
    final int trackOffset;
    final boolean redZone;
    final boolean poison;

    private SlotLayout(int objectSize, int align, int size, int inuse, int freePointerOffset, int trackOffset,
                       boolean redZone, boolean poison) {
        this.objectSize = objectSize;
        this.align = align;
        this.size = size;
        this.inuse = inuse;
        this.freePointerOffset = freePointerOffset;
        this.trackOffset = trackOffset;
        this.redZone = redZone;
        this.poison = poison;
    }

    /**
     * {@code calculate_sizes}.
     *
     * @param freePointer whether the flavour links free objects through the slot (SLUB)
     */
    static SlotLayout of(int objectSize, int align, int flags, boolean hasCtor, boolean freePointer) {
        int a = alignment(flags, align, objectSize);
        boolean redZone = (flags & SLAB_RED_ZONE) != 0;
        boolean poison = (flags & SLAB_POISON) != 0 && !hasCtor;
        int size = alignUp(objectSize, WORD);
        if (redZone && size == objectSize) {
            size += WORD;
        }
        int inuse = size;
        int fp = -1;
        if (freePointer) {
            // calculate_sizes: the word goes behind the red zone also when the object is
            // smaller than it, or the link of a free object would overwrite its red zone
            if (poison || hasCtor || redZone && objectSize < WORD) {
                fp = size;
                size += WORD;
            } else {
                fp = 0;
            }
        }
        int track = -1;
        if ((flags & SLAB_STORE_USER) != 0) {
            track = size;
            size += 2 * WORD;
        }
        return new SlotLayout(objectSize, a, alignUp(size, a), inuse, fp, track, redZone, poison);
    }

    /** {@code calculate_alignment}. */
    static int alignment(int flags, int align, int size) {
        int a = align;
        if ((flags & SLAB_HWCACHE_ALIGN) != 0) {
            int ralign = CACHE_LINE_SIZE;
            while (size <= ralign / 2) {
                ralign /= 2;
            }
            a = Math.max(a, ralign);
        }
        return alignUp(Math.max(a, WORD), WORD);
    }

    static int alignUp(int value, int align) {
        return (value + align - 1) & -align;
    }

    static long alignUp(long value, long align) {
        return (value + align - 1) & -align;
    }

    boolean debugBytes() {
        return redZone || poison || trackOffset >= 0;
    }

    /** {@code init_object(s, object, SLUB_RED_INACTIVE)}: the bytes of a free object. */
    void initFree(PhysicalMemory memory, long objp) {
        if (poison) {
            memory.fill(objp, objectSize - 1, POISON_FREE);
            memory.writeByte(objp + objectSize - 1, POISON_END);
        }
        if (redZone) {
            memory.fill(objp + objectSize, inuse - objectSize, RED_INACTIVE);
        }
    }

    /** {@code init_object(s, object, SLUB_RED_ACTIVE)}: the red zone of an allocated object. */
    void initActive(PhysicalMemory memory, long objp) {
        if (redZone) {
            memory.fill(objp + objectSize, inuse - objectSize, RED_ACTIVE);
        }
    }

    /** Records the last allocation ({@code free = false}) or free in the track words. */
    void track(PhysicalMemory memory, long objp, boolean free, int cpu, long now) {
        if (trackOffset >= 0) {
            memory.writeLong(objp + trackOffset + (free ? WORD : 0), (long) (cpu + 1) << 56 | (now & ((1L << 56) - 1)));
        }
    }

    /** " (allocated at 120 ns on cpu 0, freed at 300 ns on cpu 0)", or "" without tracking. */
    String describeTrack(PhysicalMemory memory, long objp) {
        if (trackOffset < 0) {
            return "";
        }
        long alloc = memory.readLong(objp + trackOffset);
        long free = memory.readLong(objp + trackOffset + WORD);
        if (alloc == 0) {
            return "";
        }
        return " (last allocated at " + (alloc & ((1L << 56) - 1)) + " ns on cpu " + ((alloc >>> 56) - 1)
            + (free == 0 ? "" : ", last freed at " + (free & ((1L << 56) - 1)) + " ns on cpu " + ((free >>> 56) - 1)) + ")";
    }

    /**
     * {@code check_object}: the red zone and, for a free object, the poison. Returns the
     * first problem (and restores the bytes), or null.
     */
    String check(PhysicalMemory memory, long objp, boolean free) {
        if (redZone) {
            String p = checkBytes(memory, objp, objectSize, inuse - objectSize,
                free ? RED_INACTIVE : RED_ACTIVE, "Redzone");
            if (p != null) {
                return p;
            }
        }
        if (poison && free) {
            String p = checkBytes(memory, objp, 0, objectSize - 1, POISON_FREE, "Poison");
            if (p == null) {
                p = checkBytes(memory, objp, objectSize - 1, 1, POISON_END, "Poison");
            }
            return p;
        }
        return null;
    }

    /** {@code check_bytes_and_report}: the first byte in the range that is not {@code expected}. */
    private static String checkBytes(PhysicalMemory memory, long objp, int from, int length, byte expected, String what) {
        for (int i = from; i < from + length; i++) {
            byte found = memory.readByte(objp + i);
            if (found != expected) {
                memory.fill(objp + i, from + length - i, expected);
                return what + " overwritten @offset=" + i + ". First byte 0x" + Integer.toHexString(found & 0xff)
                    + " instead of 0x" + Integer.toHexString(expected & 0xff);
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return "SlotLayout[objectSize=" + objectSize + ", align=" + align + ", size=" + size + ", inuse=" + inuse
            + ", freePointerOffset=" + freePointerOffset + ", trackOffset=" + trackOffset + "]";
    }
}
