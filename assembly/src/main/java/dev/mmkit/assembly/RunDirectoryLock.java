package dev.mmkit.assembly;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A run directory belongs to one run at a time. The run's framework storage is cleaned at
 * start, its swap file is written and read back, its page cache writes real files there: a
 * second run in the same directory would wipe the first one's bundle cache under it and
 * overwrite its swap slots. So a run takes an exclusive lock on {@code <run dir>/.lock}
 * before it touches anything there, and a second run is refused with a message naming the
 * directory, the holder's pid and the way out, as a second postmaster is refused a data
 * directory that has a live {@code postmaster.pid}.
 *
 * <h2>How</h2>
 * The lock is the operating system's ({@link FileChannel#tryLock()}, {@code fcntl} on Linux),
 * so it goes away with the process that holds it, however that process ends: a lock file
 * left behind by a killed run locks nothing. The holder writes its pid into the file, for
 * the refusal's message only. A run in the same JVM that holds the lock counts as a holder
 * too (the JVM reports it as an overlapping lock).
 */
final class RunDirectoryLock implements AutoCloseable {
    static final String FILE = ".lock";

    private final FileChannel channel;
    private final FileLock lock;

    private RunDirectoryLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Creates the run directory if needed and locks it.
     *
     * @throws AssemblyException when another run holds it, or it cannot be created or locked
     */
    static RunDirectoryLock acquire(Path runDir) {
        Path file = runDir.resolve(FILE);
        FileChannel channel = null;
        try {
            Files.createDirectories(runDir);
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // held by another run of this JVM
            }
            if (lock == null) {
                String holder = holder(channel);
                channel.close();
                throw new AssemblyException("run directory " + runDir.toAbsolutePath() + " is in use by another mmkit run"
                    + (holder.isEmpty() ? "" : " (pid " + holder + ")")
                    + ": wait for it to finish, or give this run its own with --set mmkit.run.directory=DIR");
            }
            byte[] pid = Long.toString(ProcessHandle.current().pid()).getBytes(StandardCharsets.US_ASCII);
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(pid), 0);
            return new RunDirectoryLock(channel, lock);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new AssemblyException("run directory " + runDir.toAbsolutePath() + ": cannot lock " + file.getFileName()
                + ": " + e, e);
        }
    }

    /** The pid the holder wrote, or "" if it is not there (yet). */
    private static String holder(FileChannel channel) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(32);
        channel.read(buffer, 0);
        String text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII).trim();
        return text.chars().allMatch(Character::isDigit) ? text : "";
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // the open failed or the refusal is already being reported
            }
        }
    }

    /** Releases the lock; the file stays (an unlocked file locks nothing). */
    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // closing the channel below releases it too
        }
        closeQuietly(channel);
    }
}
