package dev.mmkit.paging.mm;

import dev.mmkit.api.replacement.ReplacementPolicy;

/**
 * A set of pages replaced within (Linux's {@code lruvec}): the whole machine, or one
 * address space that has a resident limit. Holds that set's replacement-policy instance.
 */
final class Lruvec {
    final int id;
    final ReplacementPolicy policy;
    /** The address space it limits, null for the machine-wide set. */
    final Mm mm;

    Lruvec(int id, ReplacementPolicy policy, Mm mm) {
        this.id = id;
        this.policy = policy;
        this.mm = mm;
    }
}
