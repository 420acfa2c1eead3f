package dev.mmkit.assembly;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunDirectoryLockTest {
    @TempDir
    Path dir;

    @Test
    void aSecondRunOfTheSameJvmIsRefusedUntilTheFirstReleases() {
        Path run = dir.resolve("run");
        RunDirectoryLock first = RunDirectoryLock.acquire(run);
        assertThatThrownBy(() -> RunDirectoryLock.acquire(run))
            .isInstanceOf(AssemblyException.class)
            .hasMessage("run directory " + run.toAbsolutePath() + " is in use by another mmkit run (pid "
                + ProcessHandle.current().pid() + "): wait for it to finish, or give this run its own with"
                + " --set mmkit.run.directory=DIR");
        first.close();
        RunDirectoryLock second = RunDirectoryLock.acquire(run);
        second.close();
        second.close(); // a second release does nothing
    }

    @Test
    void anotherProcessHoldsItUntilItDiesAndItsLeftoverFileLocksNothing() throws Exception {
        Path run = dir.resolve("run");
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        Process holder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Holder.class.getName(), run.toString())
            .redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            assertThat(out.readLine()).isEqualTo("locked");
            assertThatThrownBy(() -> RunDirectoryLock.acquire(run))
                .isInstanceOf(AssemblyException.class)
                .hasMessageContaining("run directory " + run.toAbsolutePath() + " is in use by another mmkit run (pid " + holder.pid() + ")");
        } finally {
            holder.destroyForcibly();
            assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(run.resolve(RunDirectoryLock.FILE)).exists(); // killed: the file stays, its lock went with the process
        RunDirectoryLock mine = RunDirectoryLock.acquire(run);
        assertThat(Files.readString(run.resolve(RunDirectoryLock.FILE))).isEqualTo(Long.toString(ProcessHandle.current().pid()));
        mine.close();
    }

    @Test
    void aRunDirectoryThatCannotBeCreatedIsNamed() throws IOException {
        Path file = Files.writeString(dir.resolve("plain-file"), "x");
        assertThatThrownBy(() -> RunDirectoryLock.acquire(file.resolve("run")))
            .isInstanceOf(AssemblyException.class)
            .hasMessageStartingWith("run directory " + file.resolve("run").toAbsolutePath() + ": cannot lock .lock: ");
    }

    /** A second process: locks the run directory given as its argument, says so, and waits to be killed. */
    public static final class Holder {
        public static void main(String[] args) throws InterruptedException {
            RunDirectoryLock.acquire(Paths.get(args[0]));
            System.out.println("locked");
            System.out.flush();
            Thread.sleep(TimeUnit.MINUTES.toMillis(5));
        }
    }
}
