package dev.mmkit.api.replacement;

import dev.mmkit.api.machine.Characteristic;
import java.util.Set;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A page replacement policy over the resident pages of one set of pages (the whole machine
 * or one process with a resident limit, like Linux's lruvec). Five hooks, after
 * libCacheSim's plugin interface: pages come in, go away, are referenced (if the policy
 * asks for it), and the machine asks for victims.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>{@link #add} is called once when a page becomes resident and evictable, after the
 *       reference that brought it in; {@link #remove} when it leaves memory without being
 *       chosen (unmapped, its process exited, its file truncated).</li>
 *   <li>{@link #evict} chooses a victim among the pages added and not removed, forgets it,
 *       and returns its pfn; −1 when it holds none. If the machine cannot evict the page
 *       right now (it is under writeback), it adds it back.</li>
 *   <li>A policy learns of hits only through {@link PageReferences}, unless it declares
 *       {@link Characteristic#EVERY_REFERENCE} or {@link Characteristic#FUTURE}; then
 *       {@link #referenced} is called for every reference, hit or fault.</li>
 *   <li>Pages of both kinds come here: anonymous pages ({@code PG_anon} in the MemMap) and
 *       page-cache pages, mapped or not. A policy that sets or clears {@code PG_active} on a
 *       tracked page moves one count between {@code NR_INACTIVE_*} and {@code NR_ACTIVE_*}
 *       (anon or file by {@code PG_anon}); the machine counts a page inactive when it is
 *       added and, when it leaves, takes it from the count its {@code PG_active} names and
 *       clears the flag.</li>
 * </ul>
 */
@ConsumerType
public interface ReplacementPolicy {
    /** The knowledge this policy needs beyond the hardware's bits. */
    default Set<Characteristic> characteristics() {
        return Set.of();
    }

    void add(long pfn);

    void remove(long pfn);

    /** Returns the victim's pfn, no longer tracked, or −1 when empty. */
    long evict();

    /**
     * The pages {@link #evict} would look at next, in the order it would (the oldest of a
     * FIFO, the least recently used, the pages under a clock hand), at most {@code max} of
     * them into {@code out}; returns how many. Changes nothing. A hint for the host only: the
     * machine reads ahead what evicting them will read (their frames' metadata, page-table
     * entries and swap slots), so that those loads overlap instead of waiting one after the
     * other. Any answer is correct; the default gives none.
     *
     * @since 1.2
     */
    default int candidates(long[] out, int max) {
        return 0;
    }

    /**
     * A reference to a resident page; only for policies with characteristics.
     *
     * @param nextAccess the virtual time of the page's next reference, {@code Long.MAX_VALUE}
     *     for never, or −1 when unknown (only with {@link Characteristic#FUTURE})
     */
    default void referenced(long pfn, long nextAccess) {
    }

    /**
     * A fault event: a reference found the resident page {@code pfn} mapped invalid, by
     * {@link PageReferences#invalidate} or by software-emulated referenced bits, and the
     * machine has just made its mappings valid again (a minor fault, counted). Policies that
     * keep invalid pages on a list of their own (the VAX/VMS second-chance list) move the
     * page back here; the page's {@code PG_referenced} is already set.
     */
    default void softFault(long pfn) {
    }

    /** Pages tracked. */
    long size();

    /** Re-checks internal invariants (lists walked both ways, sizes recounted). */
    default void verify() {
    }
}
