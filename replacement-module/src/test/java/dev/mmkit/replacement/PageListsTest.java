package dev.mmkit.replacement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

// The intrusive rings every list policy is built on: order, moves, rotation, growth, and that verify() finds corruption.
class PageListsTest {
    @Test
    void keepsOrderAcrossMovesAndRotation() {
        PageLists l = new PageLists("test", 5000, "a", "b");
        l.addTail(0, 7);
        l.addTail(0, 3);
        l.addTail(0, 4000);
        l.addTail(1, 9);
        assertThat(l.head(0)).isEqualTo(7);
        assertThat(l.tail(0)).isEqualTo(4000);
        l.rotate(0);
        assertThat(l.head(0)).isEqualTo(3);
        assertThat(l.tail(0)).isEqualTo(7);
        l.moveToTail(3, 1);
        assertThat(l.listOf(3)).isEqualTo(1);
        assertThat(l.head(1)).isEqualTo(9);
        assertThat(l.tail(1)).isEqualTo(3);
        assertThat(l.size(0)).isEqualTo(2);
        assertThat(l.size(1)).isEqualTo(2);
        l.verify();
        assertThat(l.pollHead(0)).isEqualTo(4000);
        assertThat(l.pollHead(0)).isEqualTo(7);
        assertThat(l.pollHead(0)).isEqualTo(-1);
        assertThat(l.unlink(9, "test")).isEqualTo(1);
        assertThat(l.head(1)).isEqualTo(3);
        l.verify();
    }

    @Test
    void sweepClearsBitsUntilAnUnreferencedPage() {
        PageLists l = new PageLists("test", 16, "ring");
        for (long p = 1; p <= 4; p++) {
            l.addTail(0, p);
        }
        FakeReferences refs = new FakeReferences().touch(1, 2, 4);
        assertThat(l.sweep(0, refs)).isEqualTo(3);
        assertThat(refs.tested).containsExactly(1L, 2L, 3L);
        refs.touch(3, 4);
        // 3 and 4 referenced, 1 and 2 cleared last time: the hand stops on 1
        assertThat(l.sweep(0, refs)).isEqualTo(1);
        refs.touch(1, 2, 3, 4);
        // every bit set: one full turn clears them all and the hand is back where it started
        assertThat(l.sweep(0, refs)).isEqualTo(1);
        assertThat(refs.accessed).isEmpty();
    }

    @Test
    void setAuxOnAPageBeyondTheArraysGrowsThemFirst() {
        PageLists l = new PageLists("test", 1 << 20, "a");
        l.setAux(5000, 7); // before any add: the arrays are empty
        assertThat(l.aux(5000)).isEqualTo(7);
        l.addTail(0, 5000);
        l.verify();
    }

    @Test
    void refusesDoubleAddAndUnknownPagesNamingThem() {
        PageLists l = new PageLists("VMS", 16, "active", "second-chance");
        l.addTail(1, 5);
        assertThatThrownBy(() -> l.addTail(0, 5)).hasMessage("page 0x5: already on the VMS second-chance list");
        assertThatThrownBy(() -> l.unlink(6, "remove")).hasMessage("page 0x6: not tracked by VMS (remove)");
        assertThatThrownBy(() -> l.addTail(0, 16)).isInstanceOf(IndexOutOfBoundsException.class)
            .hasMessageContaining("page 0x10: outside memory");
    }

    @Test
    void verifyFindsABrokenCount() throws Exception {
        PageLists l = new PageLists("test", 16, "a");
        l.addTail(0, 1);
        l.addTail(0, 2);
        var size = PageLists.class.getDeclaredField("size");
        size.setAccessible(true);
        ((long[]) size.get(l))[0] = 3;
        assertThatThrownBy(l::verify).hasMessage("test: a list: size 3 but 2 pages linked");
    }
}
