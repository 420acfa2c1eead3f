package dev.mmkit.paging.fifo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

// The FIFO queue in arrays: order of eviction, removal from the middle, and its own consistency check.
class FifoPolicyTest {
    @Test
    void evictsInArrivalOrder() {
        FifoPolicy fifo = new FifoPolicy(16);
        fifo.add(5);
        fifo.add(0);
        fifo.add(9);
        assertThat(fifo.size()).isEqualTo(3);
        fifo.verify();
        assertThat(fifo.evict()).isEqualTo(5);
        assertThat(fifo.evict()).isEqualTo(0);
        fifo.add(5);
        assertThat(fifo.evict()).isEqualTo(9);
        assertThat(fifo.evict()).isEqualTo(5);
        assertThat(fifo.evict()).isEqualTo(-1);
        fifo.verify();
    }

    @Test
    void removesFromAnywhere() {
        FifoPolicy fifo = new FifoPolicy(16);
        for (long p = 1; p <= 5; p++) {
            fifo.add(p);
        }
        fifo.remove(3);
        fifo.remove(1);
        fifo.remove(5);
        fifo.verify();
        assertThat(fifo.evict()).isEqualTo(2);
        assertThat(fifo.evict()).isEqualTo(4);
        assertThat(fifo.size()).isZero();
    }

    @Test
    void refusesDoubleAddAndRemovingWhatIsNotQueued() {
        FifoPolicy fifo = new FifoPolicy(16);
        fifo.add(2);
        assertThatThrownBy(() -> fifo.add(2)).hasMessage("page 0x2: already in the FIFO queue");
        assertThatThrownBy(() -> fifo.remove(3)).hasMessage("page 0x3: not in the FIFO queue");
        assertThatThrownBy(() -> fifo.add(16)).isInstanceOf(IndexOutOfBoundsException.class);
        fifo.verify();
    }

    @Test
    void itsCandidatesAreTheNextVictimsInOrder() {
        FifoPolicy fifo = new FifoPolicy(16);
        long[] out = new long[4];
        assertThat(fifo.candidates(out, 4)).isZero();
        for (long p : new long[] {7, 0, 3, 12, 9}) {
            fifo.add(p);
        }
        fifo.remove(3);
        assertThat(fifo.candidates(out, 4)).isEqualTo(4);
        assertThat(out).containsExactly(7, 0, 12, 9);
        assertThat(fifo.candidates(out, 2)).isEqualTo(2);
        assertThat(out).startsWith(7, 0);
        assertThat(fifo.evict()).isEqualTo(7);
        assertThat(fifo.evict()).isEqualTo(0);
        assertThat(fifo.candidates(out, 4)).isEqualTo(2);
        assertThat(out).startsWith(12, 9);
        fifo.verify();
    }
}
