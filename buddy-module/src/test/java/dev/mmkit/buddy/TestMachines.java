package dev.mmkit.buddy;

import dev.mmkit.api.machine.Machine;
import dev.mmkit.api.page.PageAllocator;
import dev.mmkit.api.page.PageAllocatorProvider;
import dev.mmkit.buddy.fit.BestFitProvider;
import dev.mmkit.buddy.fit.FirstFitProvider;
import dev.mmkit.buddy.fit.WorstFitProvider;
import java.util.List;
import dev.mmkit.api.reclaim.ReclaimDaemon;
import dev.mmkit.machine.StandaloneMachine;

/** Builds real machines around the allocators under test. */
final class TestMachines {
    private TestMachines() {
    }

    /** The four allocators by their configuration names. */
    static final List<String> IMPLS = List.of("buddy", "first-fit", "best-fit", "worst-fit");

    static PageAllocatorProvider provider(String impl) {
        switch (impl) {
            case "buddy":
                return new BuddyProvider();
            case "first-fit":
                return new FirstFitProvider();
            case "best-fit":
                return new BestFitProvider();
            case "worst-fit":
                return new WorstFitProvider();
            default:
                throw new IllegalArgumentException("Unknown page allocator [" + impl + "], known options " + IMPLS);
        }
    }

    static StandaloneMachine machine(String hocon, ReclaimDaemon reclaim) {
        return machine("buddy", hocon, reclaim);
    }

    static StandaloneMachine machine(String impl, String hocon, ReclaimDaemon reclaim) {
        PageAllocatorProvider provider = provider(impl);
        StandaloneMachine.Builder builder = StandaloneMachine.builder(StandaloneMachine.config(hocon))
            .pageAllocator(m -> provider.create(m.settings().getBlock("page-allocator"), m));
        if (reclaim != null) {
            builder.reclaimDaemon(m -> reclaim);
        }
        return builder.build();
    }

    static BuddyAllocator buddy(String hocon) {
        return (BuddyAllocator) machine(hocon, null).pageAllocator();
    }

    static BuddyAllocator buddy(Machine machine) {
        return (BuddyAllocator) machine.pageAllocator();
    }

    /** A one-zone machine of {@code frames} frames with no watermarks and no per-CPU lists. */
    static String plain(int frames, int maxOrder) {
        return "mmkit.machine { memory.size = " + frames * 4 + "KiB, zones = [{ name = Normal }],"
            + " page-allocator { max-order = " + maxOrder + ", min-free-kbytes = 0, pcp.high = 0 } }";
    }

    static PageAllocator allocator(String impl, String hocon) {
        return machine(impl, hocon, null).pageAllocator();
    }
}
