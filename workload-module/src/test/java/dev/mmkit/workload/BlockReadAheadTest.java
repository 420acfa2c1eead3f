package dev.mmkit.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

// Checks the read-ahead thread: the blocks come back whole and in file order (the file's
// bytes, byte for byte, whatever the block size), the last is the short one, errors reach
// the consumer naming the file, and closing early stops the reader.
class BlockReadAheadTest {
    @TempDir
    Path dir;

    private static byte[] readAll(Path path, int blockSize, int blocks, int[] lengths) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int n = 0;
        try (BlockReadAhead ahead = new BlockReadAhead(path, blockSize, blocks)) {
            while (ahead.next()) {
                out.write(ahead.bytes(), 0, ahead.length());
                if (lengths != null) {
                    lengths[n] = ahead.length();
                }
                n++;
                ahead.release();
            }
            assertThat(ahead.next()).as("after the last block").isFalse();
        }
        return out.toByteArray();
    }

    @Test
    void returnsTheFileInOrderWhateverTheBlockSize() throws Exception {
        byte[] data = new byte[100_003];
        new Random(7).nextBytes(data);
        Path file = Files.write(dir.resolve("data"), data);
        for (int blockSize : new int[] {1, 7, 4096, 100_003, 1 << 20}) {
            for (int blocks : new int[] {2, 3, 8}) {
                assertThat(readAll(file, blockSize, blocks, null)).as("blocks of %d, %d ahead", blockSize, blocks)
                    .isEqualTo(data);
            }
        }
    }

    @Test
    void theLastBlockIsTheShortOneAndAnExactFileEndsWithAnEmptyOne() throws Exception {
        int[] lengths = new int[4];
        readAll(Files.write(dir.resolve("ten"), new byte[10]), 4, 2, lengths);
        assertThat(lengths).containsExactly(4, 4, 2, 0);
        lengths = new int[4];
        readAll(Files.write(dir.resolve("eight"), new byte[8]), 4, 2, lengths);
        assertThat(lengths).containsExactly(4, 4, 0, 0);
        lengths = new int[2];
        readAll(Files.write(dir.resolve("empty"), new byte[0]), 4, 2, lengths);
        assertThat(lengths).containsExactly(0, 0);
    }

    @Test
    void aMissingFileFailsAtOnceAndAReadErrorReachesTheConsumer() throws Exception {
        assertThatThrownBy(() -> new BlockReadAhead(dir.resolve("missing"), 16, 2))
            .isInstanceOf(NoSuchFileException.class).hasMessageContaining("missing");
        // a directory opens for reading on Linux and fails at the first read, on the reader's thread
        try (BlockReadAhead ahead = new BlockReadAhead(dir, 16, 2)) {
            assertThatThrownBy(ahead::next).isInstanceOf(IOException.class).hasMessageStartingWith(dir + ": ");
        }
    }

    @Test
    void closingEarlyStopsTheReader() throws Exception {
        byte[] data = new byte[1 << 16];
        Arrays.fill(data, (byte) 5);
        Path file = Files.write(dir.resolve("long"), data);
        BlockReadAhead ahead = new BlockReadAhead(file, 16, 2);
        assertThat(ahead.next()).isTrue();
        assertThat(ahead.bytes()[15]).isEqualTo((byte) 5);
        ahead.close(); // the reader waits for a free block, which never comes
        assertThat(Thread.getAllStackTraces().keySet())
            .noneMatch(t -> t.getName().equals("mmkit-read-ahead long"));
    }
}
