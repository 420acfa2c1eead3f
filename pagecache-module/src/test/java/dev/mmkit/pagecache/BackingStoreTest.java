package dev.mmkit.pagecache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mmkit.api.backing.BackingStore;
import dev.mmkit.api.hw.Page;
import dev.mmkit.machine.StandaloneMachine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

// The file backing store the page cache reads through: clustered sequential reads never serve stale bytes; injected faults hit exactly their pages.
class BackingStoreTest {
    private final StandaloneMachine m = Machines.build("1MiB", false,
        "mmkit.machine.backing.fail = [ { path = \"files/f.bin\", offset = 20480, length = 1, op = read } ]");

    private long word(long pfn) {
        return m.memory().readLong(Page.address(pfn));
    }

    @Test
    void sequentialReadsSeeEveryWriteAndLengthChange() throws IOException {
        Path file = Machines.file(m, "g.bin");
        Files.createDirectories(file.getParent());
        try (BackingStore store = m.openBackingStore(file)) {
            store.setLength(40L * Page.SIZE);
            for (int p = 0; p < 40; p++) {
                m.memory().writeLong(Page.address(3), 100 + p);
                store.writePage(p, 3);
            }
            // a sequential run: pages 0, 1, 2 (the cluster holds 1..32 from the second read on)
            store.readPage(0, 4);
            store.readPage(1, 4);
            assertThat(word(4)).isEqualTo(101);
            // a write inside the cluster is seen by the next read
            m.memory().writeLong(Page.address(3), 777);
            store.writePage(2, 3);
            store.readPage(2, 4);
            assertThat(word(4)).isEqualTo(777);
            store.readPage(3, 4);
            assertThat(word(4)).isEqualTo(103);
            // a shrink inside the cluster: the pages past the end read as zeros
            store.setLength(4L * Page.SIZE + 8);
            store.readPage(4, 4);
            assertThat(word(4)).isEqualTo(104);
            assertThat(m.memory().readLong(Page.address(4) + 8)).isZero();
            store.readPage(5, 4);
            assertThat(word(4)).isZero();
        }
    }

    @Test
    void anInjectedReadFaultFailsItsPageOnlyEvenInsideACluster() throws IOException {
        Path file = Machines.file(m, "f.bin");
        Files.createDirectories(file.getParent());
        try (BackingStore store = m.openBackingStore(file)) {
            store.setLength(8L * Page.SIZE);
            m.memory().writeLong(Page.address(3), 42);
            for (int p = 0; p < 8; p++) {
                store.writePage(p, 3);
            }
            store.readPage(3, 4);
            store.readPage(4, 4);
            m.memory().writeLong(Page.address(5), -1);
            assertThatThrownBy(() -> store.readPage(5, 5)).isInstanceOf(IOException.class)
                .hasMessageContaining("page 5: read failed: injected I/O error (mmkit.machine.backing.fail[0])");
            // the frame is as it was, and the next page reads
            assertThat(word(5)).isEqualTo(-1);
            store.readPage(6, 4);
            assertThat(word(4)).isEqualTo(42);
        }
    }
}
