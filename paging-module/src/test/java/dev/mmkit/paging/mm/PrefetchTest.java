package dev.mmkit.paging.mm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mmkit.api.hw.Access;
import dev.mmkit.api.machine.VmItem;
import dev.mmkit.machine.StandaloneMachine;
import java.util.EnumMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

// Kernel.prefetch is a hint for the host: the same references with and without it give the same machine, counter for counter.
class PrefetchTest {
    private static final int PAGES = 600;
    private static final int REFERENCES = 20_000;
    private static final int HINT = 8;

    private record Outcome(Map<VmItem, Long> vmstat, Map<String, Long> counters, long prefetchedSum, long prefetchedVictims) {
    }

    private static Outcome replay(boolean hints) {
        return replay(hints, "4MiB", 64, PAGES, REFERENCES);
    }

    private static Outcome replay(boolean hints, String ram, int residentLimit, int pages, int references) {
        StandaloneMachine machine = Machines.small(ram, ram, "mmkit.machine.paging.resident-limit = " + residentLimit);
        LinuxMemoryManager mm = Machines.mm(machine);
        int pid = mm.spawnAdmitAll("trace");
        SplittableRandom random = new SplittableRandom(7);
        long[] vaddrs = new long[references];
        int[] kinds = new int[references];
        for (int i = 0; i < references; i++) {
            // a skewed string (half the references to a tenth of the pages), a quarter of them writes
            int page = random.nextInt(4) < 2 ? random.nextInt(pages / 10) : random.nextInt(pages);
            vaddrs[i] = page * 4096L + random.nextInt(4096);
            kinds[i] = random.nextInt(4) == 0 ? Access.WRITE : Access.READ;
        }
        long[] ahead = new long[HINT + 1];
        for (int i = 0; i < references; i++) {
            if (hints && i % HINT == 0) {
                int n = Math.min(HINT, references - i);
                System.arraycopy(vaddrs, i, ahead, 0, n);
                ahead[n] = 0x8000_0000_0000_0000L + i; // a non-canonical address among them changes nothing either
                mm.prefetch(pid, ahead, n + 1);
            }
            assertThat(mm.access(pid, vaddrs[i], kinds[i], -1)).isTrue();
        }
        mm.verify();
        Map<VmItem, Long> vmstat = new EnumMap<>(VmItem.class);
        for (VmItem item : VmItem.values()) {
            vmstat.put(item, machine.vmstat().get(item));
        }
        return new Outcome(vmstat, mm.counters(), mm.mmu.prefetchedSum, mm.mmu.prefetchedVictims);
    }

    @Test
    void hintsChangeNoCounter() {
        Outcome without = replay(false);
        Outcome with = replay(true);
        assertThat(without.vmstat().get(VmItem.PSWPIN)).as("the string swaps").isPositive();
        assertThat(with.vmstat()).isEqualTo(without.vmstat());
        assertThat(with.counters()).isEqualTo(without.counters());
        // the hints did read: swap entries' slot words (each in use, so never zero) were summed
        assertThat(with.prefetchedSum()).isNotZero();
        assertThat(without.prefetchedSum()).isZero();
    }

    // above a few thousand resident pages the hints also read ahead the policy's next victims (Mmu.prefetchVictims)
    @Test
    void readingTheNextVictimsAheadChangesNoCounterEither() {
        Outcome without = replay(false, "32MiB", 4500, 6000, 40_000);
        Outcome with = replay(true, "32MiB", 4500, 6000, 40_000);
        assertThat(without.vmstat().get(VmItem.PSWPOUT)).as("the set fills and evicts").isPositive();
        assertThat(with.vmstat()).isEqualTo(without.vmstat());
        assertThat(with.counters()).isEqualTo(without.counters());
        assertThat(with.prefetchedVictims()).isPositive();
        assertThat(without.prefetchedVictims()).isZero();
        // below the threshold the victims stay in the host's caches: only the hints' own entries are read
        assertThat(replay(true).prefetchedVictims()).isZero();
    }

    @Test
    void aHintForAnExitedProcessNamesIt() {
        StandaloneMachine machine = Machines.small("4MiB", "1MiB", "");
        LinuxMemoryManager mm = Machines.mm(machine);
        int pid = mm.spawnAdmitAll("trace");
        mm.exit(pid);
        assertThatThrownBy(() -> mm.prefetch(pid, new long[] {0x1000}, 1))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pid " + pid);
    }
}
