package dev.mmkit.paging.mm;

import dev.mmkit.api.replacement.PageReferences;
import dev.mmkit.api.replacement.ReplacementPolicy;
import dev.mmkit.machine.StandaloneMachine;
import dev.mmkit.paging.TestMachine;
import dev.mmkit.paging.fifo.FifoPolicyProvider;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A test double around the real FIFO policy: it records the fault events it hears
 * ({@code softFault}) and keeps the {@link PageReferences} the machine gave it, so a test can
 * act as a policy (invalidate a page, test its bits).
 */
final class RecordingPolicy implements ReplacementPolicy {
    final ReplacementPolicy fifo;
    final PageReferences references;
    final List<Long> softFaults = new ArrayList<>();

    /** Pages in arrival order, for the invalidating variant (a ring of the last adds). */
    private final long[] recent;
    private final Set<Long> tracked = new HashSet<>();
    private long adds;

    private RecordingPolicy(ReplacementPolicy fifo, PageReferences references, int invalidateAfter) {
        this.fifo = fifo;
        this.references = references;
        this.recent = new long[invalidateAfter];
    }

    /** A small machine (as {@link Machines#small}) whose replacement sets are recording FIFOs, listed in {@code out}. */
    static StandaloneMachine machine(String ram, String swap, String extra, List<RecordingPolicy> out) {
        return machine(ram, swap, extra, out, 0);
    }

    /**
     * As {@link #machine(String, String, String, List)}, with policies that act as a
     * second-chance list or a clock would: {@code invalidateAfter} adds after a page came in,
     * it is invalidated, or (every other add) its referenced bits are tested and cleared
     * (0: neither).
     */
    static StandaloneMachine machine(String ram, String swap, String extra, List<RecordingPolicy> out, int invalidateAfter) {
        return TestMachine.build("mmkit.machine.memory.size = " + ram + "\n"
            + "mmkit.machine.zones = [ { name = Normal } ]\n"
            + "mmkit.machine.page-cache.impl = test\n"
            + "mmkit.machine.paging.swap.size = " + swap + "\n" + extra, (b, at) -> b.replacement((m, refs) -> {
                RecordingPolicy p = new RecordingPolicy(new FifoPolicyProvider().create(at.apply("mmkit.machine.replacement"),
                    m, refs), refs, invalidateAfter);
                out.add(p);
                return p;
            }));
    }

    @Override
    public void add(long pfn) {
        fifo.add(pfn);
        if (recent.length == 0) {
            return;
        }
        tracked.add(pfn);
        int slot = (int) (adds++ % recent.length);
        long old = recent[slot];
        recent[slot] = pfn;
        if (adds > recent.length && old != pfn && tracked.contains(old)) {
            if (adds % 2 == 0) {
                references.testAndClearReferenced(old);
            } else {
                references.invalidate(old);
            }
        }
    }

    @Override
    public void remove(long pfn) {
        fifo.remove(pfn);
        tracked.remove(pfn);
    }

    @Override
    public long evict() {
        long pfn = fifo.evict();
        tracked.remove(pfn);
        return pfn;
    }

    @Override
    public void softFault(long pfn) {
        softFaults.add(pfn);
    }

    @Override
    public long size() {
        return fifo.size();
    }

    @Override
    public void verify() {
        fifo.verify();
    }
}
