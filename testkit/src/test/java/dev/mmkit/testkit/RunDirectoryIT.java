package dev.mmkit.testkit;

// Why: a run directory holds the framework's storage (cleaned or reused at start), the swap file and
// the page cache's files, so a second run in it would wipe or overwrite the first one's.
// The second run is refused before it touches anything, and the first runs on unharmed.

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mmkit.assembly.Assembly;
import dev.mmkit.assembly.AssemblyException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunDirectoryIT {
    @TempDir
    Path dir;

    @BeforeAll
    static void complete() {
        TestPlugins.assumeComplete();
    }

    @Test
    void aSecondRunInTheSameDirectoryIsRefusedAndTheFirstLosesNothing() {
        MmkitAssembly.RunOutcome alone = MmkitAssembly.defaults().run();
        Path run = dir.resolve("run");
        try (Assembly first = MmkitAssembly.defaults().runDirectory(run).boot()) {
            assertThatThrownBy(() -> MmkitAssembly.defaults().runDirectory(run).boot())
                .isInstanceOf(AssemblyException.class)
                .hasMessage("run directory " + run.toAbsolutePath() + " is in use by another mmkit run (pid "
                    + ProcessHandle.current().pid() + "): wait for it to finish, or give this run its own with"
                    + " --set mmkit.run.directory=DIR");
            first.run();
            assertThat(first.vmstat()).isEqualTo(alone.vmstat());
            assertThat(first.counters()).isEqualTo(alone.counters());
        }
        MmkitAssembly.RunOutcome after = MmkitAssembly.defaults().runDirectory(run).run();
        assertThat(after.vmstat()).isEqualTo(alone.vmstat());
    }
}
