package dev.mmkit.paging.swap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mmkit.api.backing.BackingStore;
import dev.mmkit.api.hw.Page;
import dev.mmkit.machine.StandaloneMachine;
import dev.mmkit.paging.TestMachine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

// The file backing store moves whole pages between frames and a real file at index * 4096.
class FileBackingStoreTest {
    @TempDir
    Path dir;

    private final StandaloneMachine machine = TestMachine.build("mmkit.machine.memory.size = 1MiB\n"
        + "mmkit.machine.zones = [ { name = Normal } ]");

    @Test
    void pagesRoundTripAtTheirOffset() throws IOException {
        Path file = dir.resolve("swap");
        try (BackingStore store = new FileBackingStoreProvider().open(null, machine, file)) {
            store.setLength(4 * Page.SIZE);
            machine.memory().writeLong(Page.address(3) + 8, 0x1122_3344_5566_7788L);
            machine.memory().writeByte(Page.address(3) + 4095, (byte) 0x7f);
            store.writePage(2, 3);
            store.readPage(2, 10);
            assertThat(machine.memory().readLong(Page.address(10) + 8)).isEqualTo(0x1122_3344_5566_7788L);
            assertThat(machine.memory().readByte(Page.address(10) + 4095)).isEqualTo((byte) 0x7f);
            store.readPage(1, 10);
            assertThat(machine.memory().readLong(Page.address(10) + 8)).isZero();
            store.sync();
        }
        byte[] bytes = Files.readAllBytes(file);
        assertThat(bytes).hasSize(4 * Page.SIZE);
        assertThat(bytes[2 * Page.SIZE + 8]).isEqualTo((byte) 0x88);
    }

    @Test
    void aStoreNeverGrowsByItself() throws IOException {
        try (BackingStore store = new FileBackingStoreProvider().open(null, machine, dir.resolve("f"))) {
            store.setLength(Page.SIZE + 100);
            store.writePage(1, 3);
            assertThat(store.length()).isEqualTo(Page.SIZE + 100);
            assertThatThrownBy(() -> store.writePage(2, 3)).isInstanceOf(IOException.class)
                .hasMessageContaining("page 2: beyond the end");
            // past the end reads as zeros
            machine.memory().writeLong(Page.address(4), -1);
            store.readPage(5, 4);
            assertThat(machine.memory().readLong(Page.address(4))).isZero();
        }
        assertThat(Files.size(dir.resolve("f"))).isEqualTo(Page.SIZE + 100);
    }
}
