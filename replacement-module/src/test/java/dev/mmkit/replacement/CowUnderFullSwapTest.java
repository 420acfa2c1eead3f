package dev.mmkit.replacement;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.mm.MemoryManager;
import dev.mmkit.api.replacement.ReplacementPolicyProvider;
import dev.mmkit.api.workload.Mman;
import dev.mmkit.machine.StandaloneMachine;
import dev.mmkit.paging.TestMachine;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

// A copy on write under a resident limit with the swap area full: the limit's reclaim scans
// the page being copied (a clock clears its A bit or invalidates it). The fault must still
// complete: it used to retry 16 times and throw IllegalStateException (found by fuzzing).
class CowUnderFullSwapTest {
    @ParameterizedTest
    @ValueSource(strings = {"clock", "nth-chance", "vms", "freelist-clock"})
    void aCopyOnWriteCompletesWhenTheLimitsReclaimTestsThePageBeingCopied(String policy) {
        ReplacementPolicyProvider provider = switch (policy) {
            case "clock" -> new ClockPolicyProvider();
            case "nth-chance" -> new NthChancePolicyProvider();
            case "vms" -> new VmsPolicyProvider();
            default -> new FreelistClockPolicyProvider();
        };
        StandaloneMachine m = TestMachine.build("mmkit.machine.memory.size = 1MiB\n"
            + "mmkit.machine.zones = [ { name = Normal } ]\n"
            + "mmkit.machine.paging.swap.size = 8KiB\n"          // one usable slot
            + "mmkit.machine.paging.resident-limit = 4\n",
            (b, at) -> b.replacement((mach, refs) -> provider.create(at.apply("mmkit.machine.replacement"), mach, refs)));
        MemoryManager mm = m.memoryManager();
        int parent = mm.spawn("parent");
        long a = mm.mmap(parent, 0, 8 * 4096L, Mman.PROT_READ | Mman.PROT_WRITE, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS, -1, 0);
        for (int i = 0; i < 8; i++) {
            mm.store(parent, a + i * 4096L, 8, i + 1);
        }
        assertThat(mm.swapFreePages()).isZero();
        int child = mm.fork(parent);
        for (int i = 0; i < 8; i++) {
            assertThat(mm.store(parent, a + i * 4096L, 8, 100 + i)).isTrue();
        }
        for (int i = 0; i < 8; i++) {
            assertThat(mm.load(parent, a + i * 4096L, 8)).isEqualTo(100 + i);
            assertThat(mm.load(child, a + i * 4096L, 8)).isEqualTo(i + 1);
        }
        mm.verify();
    }
}
