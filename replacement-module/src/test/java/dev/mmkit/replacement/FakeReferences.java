package dev.mmkit.replacement;

import dev.mmkit.api.machine.MemMap;
import dev.mmkit.api.machine.PageFlags;
import dev.mmkit.api.replacement.PageReferences;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The hardware's bits for list-mechanics tests: an A bit per page that the test sets
 * ({@link #touch}), dirty pages, and a log of what the policy asked for. Like the machine,
 * {@code testAndClearReferenced} also consumes {@code PG_referenced} when given a MemMap.
 */
final class FakeReferences implements PageReferences {
    final Set<Long> accessed = new HashSet<>();
    /** Pages referenced through several mappings, by {@link #touchShared}: the number of A bits. */
    final Map<Long, Integer> shared = new HashMap<>();
    final Set<Long> dirty = new HashSet<>();
    final Set<Long> invalid = new HashSet<>();
    final List<Long> writebacks = new ArrayList<>();
    final List<Long> tested = new ArrayList<>();
    private final MemMap memMap;

    FakeReferences() {
        this(null);
    }

    FakeReferences(MemMap memMap) {
        this.memMap = memMap;
    }

    /** References pages: their A bits are set (and an invalid page would have faulted back). */
    FakeReferences touch(long... pfns) {
        for (long p : pfns) {
            accessed.add(p);
        }
        return this;
    }

    /** References a page through {@code ptes} mappings (processes sharing it): as many A bits set. */
    FakeReferences touchShared(int ptes, long pfn) {
        shared.put(pfn, ptes);
        return this;
    }

    @Override
    public boolean testAndClearReferenced(long pfn) {
        return referencedPtes(pfn) != 0;
    }

    @Override
    public int referencedPtes(long pfn) {
        tested.add(pfn);
        int flag = memMap != null && memMap.testAndClearFlag(pfn, PageFlags.PG_REFERENCED) ? 1 : 0;
        Integer ptes = shared.remove(pfn);
        return (ptes != null ? ptes : accessed.remove(pfn) ? 1 : 0) + flag;
    }

    @Override
    public boolean isReferenced(long pfn) {
        return accessed.contains(pfn) || (memMap != null && memMap.testFlag(pfn, PageFlags.PG_REFERENCED));
    }

    @Override
    public boolean isDirty(long pfn) {
        return dirty.contains(pfn);
    }

    @Override
    public boolean startWriteback(long pfn) {
        writebacks.add(pfn);
        dirty.remove(pfn);
        return true;
    }

    @Override
    public boolean invalidate(long pfn) {
        invalid.add(pfn);
        return true;
    }
}
