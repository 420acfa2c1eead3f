package dev.mmkit.paging.pagetable;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.hw.Page;
import dev.mmkit.api.hw.Pte;
import dev.mmkit.api.machine.PageFlags;
import dev.mmkit.api.pagetable.Walk;
import dev.mmkit.machine.StandaloneMachine;
import dev.mmkit.paging.TestMachine;
import org.junit.jupiter.api.Test;

// Checks the hashed inverted table: sizing by memory, chains on hash collisions, contexts kept apart.
class InvertedPageTableTest {
    private static final long USER_RW = Pte.P | Pte.RW | Pte.US;

    private final StandaloneMachine machine = TestMachine.build("mmkit.machine.memory.size = 16MiB");
    private final InvertedPageTable pt = new InvertedPageTable(machine);

    @Test
    void sizedByPhysicalMemoryInFrames() {
        long root = pt.createRoot(1);
        assertThat(root).isPositive();
        // 4096 frames: a 4096-slot HAT (4 frames of 1024 slots) and 4096 entries (32 frames of 128)
        assertThat(pt.nBuckets()).isEqualTo(4096);
        assertThat(pt.poolSize()).isEqualTo(4096);
        assertThat(pt.tablePages()).isEqualTo(4 + 32);
        long tables = 0;
        for (long pfn = 0; pfn < machine.memMap().nrFrames(); pfn++) {
            if (machine.memMap().testFlag(pfn, PageFlags.PG_TABLE)) {
                tables++;
            }
        }
        assertThat(tables).isEqualTo(36);
    }

    @Test
    void walkSetsAccessedAndDirtyAndCountsOneReadPerEntry() {
        long root = pt.createRoot(1);
        pt.setPte(root, 0x4000, Pte.make(42, USER_RW), Page.SHIFT);
        Walk w = new Walk();
        long pte = pt.walk(root, 0x4abc, true, w);
        assertThat(Pte.pfn(pte)).isEqualTo(42);
        assertThat(pte & (Pte.A | Pte.D)).isEqualTo(Pte.A | Pte.D);
        assertThat(w.memoryReferences).isEqualTo(2);
        assertThat(pt.getPte(root, 0x4000)).isEqualTo(pte);
    }

    @Test
    void collisionsChainAndLengthenTheWalk() {
        long root = pt.createRoot(1);
        int ctx = (int) root;
        long a = 7;
        long b = a + 1;
        while (pt.bucket(ctx, b) != pt.bucket(ctx, a)) {
            b++;
        }
        long c = b + 1;
        while (pt.bucket(ctx, c) != pt.bucket(ctx, a)) {
            c++;
        }
        pt.setPte(root, a << 12, Pte.make(1, USER_RW), Page.SHIFT);
        pt.setPte(root, b << 12, Pte.make(2, USER_RW), Page.SHIFT);
        pt.setPte(root, c << 12, Pte.make(3, USER_RW), Page.SHIFT);
        Walk w = new Walk();
        // new entries go to the head of the chain: c, b, a
        assertThat(Pte.pfn(pt.walk(root, a << 12, false, w))).isEqualTo(1);
        assertThat(w.memoryReferences).isEqualTo(4);
        assertThat(Pte.pfn(pt.walk(root, c << 12, false, w))).isEqualTo(3);
        assertThat(w.memoryReferences).isEqualTo(2);
        pt.setPte(root, b << 12, 0, Page.SHIFT);
        assertThat(Pte.pfn(pt.walk(root, a << 12, false, w))).isEqualTo(1);
        assertThat(w.memoryReferences).isEqualTo(3);
        assertThat(pt.walk(root, b << 12, false, w)).isZero();
        assertThat(pt.nrUsed()).isEqualTo(2);
        pt.verify();
    }

    @Test
    void contextsAreSeparateAndDestroyDropsOnlyOne() {
        long r1 = pt.createRoot(1);
        long r2 = pt.createRoot(2);
        pt.setPte(r1, 0x1000, Pte.make(10, USER_RW), Page.SHIFT);
        pt.setPte(r2, 0x1000, Pte.make(20, USER_RW), Page.SHIFT);
        assertThat(Pte.pfn(pt.getPte(r1, 0x1000))).isEqualTo(10);
        assertThat(Pte.pfn(pt.getPte(r2, 0x1000))).isEqualTo(20);
        pt.destroyRoot(r1);
        assertThat(Pte.pfn(pt.getPte(r2, 0x1000))).isEqualTo(20);
        assertThat(pt.nrUsed()).isEqualTo(1);
        long[] seen = new long[4];
        int[] n = {0};
        pt.setPte(r2, 0x9000, Pte.make(21, USER_RW), Page.SHIFT);
        pt.forEach(r2, 0, 1L << 47, (va, pte) -> {
            seen[n[0]++] = va;
            return 0;
        });
        assertThat(n[0]).isEqualTo(2);
        assertThat(seen[0]).isEqualTo(0x1000);
        assertThat(seen[1]).isEqualTo(0x9000);
        assertThat(pt.nrUsed()).isZero();
    }

    @Test
    void thePoolGrowsBeyondOneEntryPerFrame() {
        long root = pt.createRoot(1);
        int n = pt.poolSize() + 10;
        for (int i = 0; i < n; i++) {
            pt.setPte(root, (long) (i + 1) << 12, Pte.swapEntry(0, i + 1), Page.SHIFT);
        }
        assertThat(pt.poolSize()).isEqualTo(4096 + 128);
        pt.verify();
        assertThat(pt.getPte(root, (long) n << 12)).isEqualTo(Pte.swapEntry(0, n));
    }
}
