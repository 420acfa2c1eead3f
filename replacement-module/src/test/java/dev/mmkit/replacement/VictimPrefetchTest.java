package dev.mmkit.replacement;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.hw.Access;
import dev.mmkit.api.hw.Page;
import dev.mmkit.api.machine.VmItem;
import dev.mmkit.api.replacement.ReplacementPolicy;
import dev.mmkit.api.replacement.ReplacementPolicyProvider;
import dev.mmkit.paging.fifo.FifoPolicyProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

// A prefetch hint over a large replacement set also reads the set's next victims ahead (the policy's candidates):
// the replay is the same with hints or without, victim for victim and counter for counter, for every policy that names them.
class VictimPrefetchTest {
    private static final int FRAMES = 4500;
    private static final int PAGES = 6000;
    private static final int REFERENCES = 30_000;
    private static final int HINT = 16;

    private record Outcome(List<Long> victims, List<Long> vmstat, long candidateCalls) {
    }

    private static ReplacementPolicyProvider provider(String name) {
        return switch (name) {
            case "fifo" -> new FifoPolicyProvider();
            case "clock" -> new ClockPolicyProvider();
            case "nth-chance" -> new NthChancePolicyProvider();
            case "vms" -> new VmsPolicyProvider();
            default -> new LruPolicyProvider();
        };
    }

    private static Outcome replay(String policy, boolean hints) {
        return replay(provider(policy), hints);
    }

    private static Outcome replay(ReplacementPolicyProvider provider, boolean hints) {
        PolicyMachine m = new PolicyMachine(FRAMES, provider,
            "mmkit.machine.memory.size = 32MiB\nmmkit.machine.paging.swap.size = 32MiB");
        SplittableRandom random = new SplittableRandom(11);
        long[] pages = new long[REFERENCES];
        for (int i = 0; i < REFERENCES; i++) {
            // half the references to a tenth of the pages
            pages[i] = random.nextBoolean() ? random.nextInt(PAGES / 10) : random.nextInt(PAGES);
        }
        long[] ahead = new long[HINT];
        for (int i = 0; i < REFERENCES; i++) {
            if (hints && i % HINT == 0) {
                int n = Math.min(HINT, REFERENCES - i);
                for (int j = 0; j < n; j++) {
                    ahead[j] = pages[i + j] * Page.SIZE + 16;
                }
                m.mm.prefetch(m.pid, ahead, n);
            }
            m.access(pages[i], i % 4 == 0 ? Access.WRITE : Access.READ, -1);
        }
        m.verify();
        List<Long> vmstat = new ArrayList<>();
        for (VmItem item : VmItem.values()) {
            vmstat.add(m.machine.vmstat().get(item));
        }
        return new Outcome(m.victims(), vmstat, m.candidateCalls());
    }

    @ParameterizedTest
    @ValueSource(strings = {"fifo", "clock", "lru", "nth-chance", "vms"})
    void readingTheNextVictimsAheadChangesNothing(String policy) {
        Outcome without = replay(policy, false);
        Outcome with = replay(policy, true);
        assertThat(without.victims()).as("the set is full and evicts").hasSizeGreaterThan(1000);
        assertThat(with.victims()).isEqualTo(without.victims());
        assertThat(with.vmstat()).isEqualTo(without.vmstat());
        assertThat(with.candidateCalls()).as("the hints asked for the next victims").isPositive();
        assertThat(without.candidateCalls()).isZero();
    }

    // a plugin's candidates are only a hint: pfns that name no frame are ignored, and change nothing either
    @org.junit.jupiter.api.Test
    void candidatesThatNameNoFrameAreIgnored() {
        ReplacementPolicyProvider fifo = new FifoPolicyProvider();
        ReplacementPolicyProvider bogus = (settings, machine, refs) -> new ForwardingFifo(fifo.create(settings, machine, refs));
        Outcome plain = replay(fifo, false);
        Outcome with = replay(bogus, true);
        assertThat(with.victims()).isEqualTo(plain.victims());
        assertThat(with.vmstat()).isEqualTo(plain.vmstat());
        assertThat(with.candidateCalls()).isPositive();
    }

    /** FIFO whose candidates are a real page between pfns that name no frame. */
    private record ForwardingFifo(ReplacementPolicy inner) implements ReplacementPolicy {
        @Override
        public int candidates(long[] out, int max) {
            int n = inner.candidates(out, 1);
            out[n] = -7;
            out[n + 1] = Long.MAX_VALUE / 2;
            return n + 2;
        }

        @Override
        public void add(long pfn) {
            inner.add(pfn);
        }

        @Override
        public void remove(long pfn) {
            inner.remove(pfn);
        }

        @Override
        public long evict() {
            return inner.evict();
        }

        @Override
        public long size() {
            return inner.size();
        }
    }
}
