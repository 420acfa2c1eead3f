package dev.mmkit.tlb;

import static dev.mmkit.tlb.TestTlbs.tlb;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.hw.Access;
import dev.mmkit.api.hw.Page;
import dev.mmkit.api.hw.Pte;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

// Runs long random mixes of every operation and re-derives the invariants (verify) after each, against a naive scan.
class RandomOperationsTest {
    private static final int[] SHIFTS = {Page.SHIFT, Page.SHIFT, Page.SHIFT, Page.SHIFT_2M, Page.SHIFT_1G};

    private static void mix(String block, long seed) {
        AbstractTlb tlb = tlb(block);
        SplittableRandom random = new SplittableRandom(seed);
        String last = "";
        for (int op = 0; op < 4000; op++) {
            long vaddr = Page.address(random.nextInt(96)) + (random.nextInt(3) == 0 ? 0x4000_0000L : 0);
            int asid = random.nextInt(6);
            int kind = random.nextInt(10);
            last = kind + " " + Page.hex(vaddr) + " asid " + asid + " cur " + tlb.asids.current() + " hw " + tlb.currentHw;
            switch (kind) {
                case 0 -> tlb.switchTo(asid);
                case 1 -> tlb.invalidatePage(vaddr, asid);
                case 2 -> tlb.shootdown(vaddr, asid);
                case 3 -> {
                    if (random.nextInt(20) == 0) {
                        tlb.invalidateAsid(asid);
                    }
                }
                case 4, 5, 6 -> {
                    int shift = SHIFTS[random.nextInt(SHIFTS.length)];
                    long flags = Pte.P | Pte.RW | (random.nextInt(8) == 0 ? Pte.G : 0);
                    long pfn = (Page.vpn(vaddr) >>> (shift - Page.SHIFT)) << (shift - Page.SHIFT);
                    tlb.insert(vaddr, random.nextBoolean() ? Access.READ : Access.EXECUTE, Pte.make(pfn, flags), shift);
                }
                default -> {
                    long t = tlb.lookup(vaddr, random.nextBoolean() ? Access.READ : Access.EXECUTE);
                    if (t != 0) {
                        // Every mapping inserted above is the identity: frame = vpn.
                        assertThat(Pte.pfn(t)).as("op %d vaddr %s", op, Page.hex(vaddr)).isEqualTo(Page.vpn(vaddr));
                    }
                }
            }
            try {
                tlb.verify();
            } catch (IllegalStateException e) {
                throw new AssertionError("op " + op + " last=" + last, e);
            }
            for (TlbLevel level : op % 25 == 0 ? tlb.levels : new TlbLevel[0]) {
                for (int slot = 0; slot < level.tag.length; slot++) {
                    long tag = level.tag[slot];
                    if (tag != 0) {
                        int found = level.find(level.setOf(TlbEntry.pageNumber(tag)), tag, tag);
                        assertThat(found).as("%s slot %d", level.name, slot).isEqualTo(slot);
                    }
                }
            }
        }
        assertThat(tlb.hits() + tlb.misses()).isPositive();
    }

    @Test
    void fullyAssociative() {
        mix("impl = fully-associative, entries = 16, replacement = lru", 1);
        mix("impl = fully-associative, entries = 64, replacement = random, asid-bits = 2", 2);
    }

    @Test
    void setAssociative() {
        mix("impl = set-associative, entries = 16, ways = 4, replacement = plru, asid-bits = 2", 3);
        mix("impl = set-associative, entries = 32, ways = 2, replacement = fifo, asid = false", 4);
    }

    @Test
    void directMapped() {
        mix("impl = direct-mapped, entries = 8, asid-bits = 3", 5);
    }

    @Test
    void aPageCachedForAnAsidAndAsGlobalIsReplacedOnce() {
        // Regression: a page inserted for asid 0, then as global while asid 1 was current,
        // then again for asid 0 left two identical entries in the set.
        AbstractTlb tlb = tlb("impl = set-associative, entries = 8, ways = 4");
        tlb.insert(0x39000, Access.READ, Pte.make(0x39, Pte.P), Page.SHIFT);
        tlb.switchTo(1);
        tlb.insert(0x39000, Access.READ, Pte.make(0x39, Pte.P | Pte.G), Page.SHIFT);
        tlb.switchTo(0);
        assertThat(tlb.nrEntries()).isEqualTo(2);
        tlb.insert(0x39000, Access.READ, Pte.make(0x39, Pte.P), Page.SHIFT);
        assertThat(tlb.nrEntries()).isEqualTo(1);
        tlb.verify();
        tlb.switchTo(1);
        tlb.insert(0x39000, Access.READ, Pte.make(0x39, Pte.P | Pte.G), Page.SHIFT);
        tlb.switchTo(0);
        tlb.invalidatePage(0x39000, 0);
        assertThat(tlb.nrEntries()).as("invlpg drops both").isZero();
    }

    @Test
    void hierarchy() {
        mix("impl = hierarchy, asid-bits = 2", 6);
        mix("impl = hierarchy, writeback-bits = true", 7);
    }
}
