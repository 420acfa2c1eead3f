package dev.mmkit.replacement;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.hw.Access;
import dev.mmkit.api.hw.Page;
import dev.mmkit.api.machine.Characteristic;
import dev.mmkit.api.machine.VmItem;
import dev.mmkit.api.mm.MemoryManager;
import dev.mmkit.api.replacement.ReplacementPolicy;
import dev.mmkit.api.replacement.ReplacementPolicyProvider;
import dev.mmkit.machine.StandaloneMachine;
import dev.mmkit.paging.TestMachine;
import dev.mmkit.paging.fifo.FifoPolicyProvider;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * A whole machine (real buddy allocator, SLUB, x86-64 page tables, TLB, the Linux memory
 * manager, swap) running one replay process with a resident limit of N frames, its
 * replacement policy from a provider of this bundle: the "N frames" of the textbook
 * exercises, exactly.
 */
final class PolicyMachine {
    final StandaloneMachine machine;
    final MemoryManager mm;
    final int pid;
    private final List<Counting> policies = new ArrayList<>();

    /**
     * @param extra more HOCON, e.g. {@code mmkit.machine.replacement.nth-chance.n = 3}
     */
    PolicyMachine(int frames, ReplacementPolicyProvider provider, String extra) {
        machine = TestMachine.build("mmkit.machine.memory.size = 4MiB\n"
                + "mmkit.machine.zones = [ { name = Normal } ]\n"
                + "mmkit.machine.paging.swap.size = 1MiB\n"
                + "mmkit.machine.paging.resident-limit = " + frames + "\n" + extra,
            (builder, settingsAt) -> builder.replacement((m, refs) -> {
                Counting c = new Counting(provider.create(settingsAt.apply("mmkit.machine.replacement"), m, refs), m.memMap());
                policies.add(c);
                return c;
            }));
        mm = machine.memoryManager();
        pid = mm.spawnAdmitAll("trace");
    }

    static PolicyMachine of(int frames, ReplacementPolicyProvider provider) {
        return new PolicyMachine(frames, provider, "");
    }

    static PolicyMachine fifo(int frames) {
        return of(frames, new FifoPolicyProvider());
    }

    /** Reads page {@code page} of the replay process (next access unknown). */
    PolicyMachine read(int... pages) {
        for (int p : pages) {
            access(p, Access.READ, -1);
        }
        return this;
    }

    /** Writes page {@code page} of the replay process. */
    PolicyMachine write(int page) {
        access(page, Access.WRITE, -1);
        return this;
    }

    void access(long page, int access, long nextAccess) {
        assertThat(mm.access(pid, page * Page.SIZE + 16, access, nextAccess)).isTrue();
        assertThat(mm.processes().get(pid - 1).residentPages()).isLessThanOrEqualTo(frameLimit());
    }

    private long frameLimit() {
        return machine.settings().getBlock("paging").getLong("resident-limit");
    }

    /** Reads the string in order, telling each reference its next one (the index of the page's next reference). */
    PolicyMachine replayWithFuture(int... pages) {
        long[] next = nextAccesses(pages);
        for (int i = 0; i < pages.length; i++) {
            access(pages[i], Access.READ, next[i]);
        }
        return this;
    }

    /** For each position, the position of the same page's next reference, Long.MAX_VALUE for none. */
    static long[] nextAccesses(int[] pages) {
        long[] next = new long[pages.length];
        Arrays.fill(next, Long.MAX_VALUE);
        for (int i = 0; i < pages.length; i++) {
            for (int j = i + 1; j < pages.length; j++) {
                if (pages[j] == pages[i]) {
                    next[i] = j;
                    break;
                }
            }
        }
        return next;
    }

    /** Faults of every kind (pgfault). */
    long faults() {
        return machine.vmstat().get(VmItem.PGFAULT);
    }

    /** Faults that brought a page in: the pages the policy was given. */
    long pageIns() {
        long adds = 0;
        for (Counting c : policies) {
            adds += c.adds;
        }
        return adds;
    }

    /** How often the machine asked the replay process's policy for its next victims ({@code candidates}). */
    long candidateCalls() {
        return policies.get(policies.size() - 1).candidateCalls;
    }

    /** The virtual page numbers of the pages the policy gave up, in order. */
    List<Long> victims() {
        return policies.get(policies.size() - 1).victims;
    }

    /** The policy instance of the replay process. */
    @SuppressWarnings("unchecked")
    <P extends ReplacementPolicy> P policy() {
        return (P) policies.get(policies.size() - 1).inner;
    }

    /** The memory manager's and every policy's invariants. */
    PolicyMachine verify() {
        mm.verify();
        return this;
    }

    /** Counts what the machine gives the policy and records the victims; delegates everything. */
    private static final class Counting implements ReplacementPolicy {
        final ReplacementPolicy inner;
        long adds;
        long candidateCalls;
        final List<Long> victims = new ArrayList<>();
        private final dev.mmkit.api.machine.MemMap memMap;

        Counting(ReplacementPolicy inner, dev.mmkit.api.machine.MemMap memMap) {
            this.inner = inner;
            this.memMap = memMap;
        }

        @Override
        public Set<Characteristic> characteristics() {
            return inner.characteristics();
        }

        @Override
        public void add(long pfn) {
            adds++;
            inner.add(pfn);
        }

        @Override
        public void remove(long pfn) {
            inner.remove(pfn);
        }

        @Override
        public long evict() {
            long pfn = inner.evict();
            if (pfn >= 0) {
                victims.add(memMap.index(pfn)); // anonymous memory: the virtual page number
            }
            return pfn;
        }

        @Override
        public int candidates(long[] out, int max) {
            candidateCalls++;
            return inner.candidates(out, max);
        }

        @Override
        public void referenced(long pfn, long nextAccess) {
            inner.referenced(pfn, nextAccess);
        }

        @Override
        public void softFault(long pfn) {
            inner.softFault(pfn);
        }

        @Override
        public long size() {
            return inner.size();
        }

        @Override
        public void verify() {
            inner.verify();
        }
    }
}
