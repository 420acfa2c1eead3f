package dev.mmkit.buddy;

import dev.mmkit.api.machine.Machine;
import dev.mmkit.api.page.PageAllocator;
import dev.mmkit.api.page.Zone;
import dev.mmkit.api.reclaim.ReclaimDaemon;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/** A reclaim daemon for tests: records every call; direct reclaim frees pages it was given to "own". */
final class RecordingReclaim implements ReclaimDaemon {
    final List<String> wakeups = new ArrayList<>();
    final List<Integer> directGfps = new ArrayList<>();
    /** Order-0 pages direct reclaim may free, as if it evicted them. */
    final Deque<Long> reclaimable = new ArrayDeque<>();
    /** Pages each direct reclaim frees. */
    int perCall = 4;
    /** If set, direct reclaim claims progress without freeing anything. */
    boolean lie;
    Machine machine;

    @Override
    public void wakeup(Zone zone, int order) {
        wakeups.add(zone.name() + "/" + order);
    }

    @Override
    public long directReclaim(int gfp, int order, Zone preferred) {
        directGfps.add(gfp);
        if (lie) {
            return 1;
        }
        PageAllocator allocator = machine.pageAllocator();
        long freed = 0;
        while (freed < perCall && !reclaimable.isEmpty()) {
            allocator.freePages(reclaimable.pop(), 0);
            freed++;
        }
        return freed;
    }
}
