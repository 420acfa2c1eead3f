package dev.mmkit.testkit;

// Why: the default assembly runs files through the radix page cache and the flusher inside
// Felix: real files in the run directory, meminfo's page-cache lines true of the run, the
// writeback settings and the backing store's fault injection validated with their origins.

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mmkit.api.machine.ConfigurationException;
import dev.mmkit.assembly.Slot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PageCacheIT {
    @TempDir
    Path dir;

    @BeforeAll
    static void complete() {
        TestPlugins.assumeComplete();
    }

    private static long meminfo(String report, String field) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(field + ":") + "\\s+(\\d+) kB$").matcher(report);
        assertThat(m.find()).as("meminfo line " + field).isTrue();
        return Long.parseLong(m.group(1));
    }

    @Test
    void theDefaultWorkloadsFilesGoThroughThePageCacheToRealFiles() throws IOException {
        MmkitAssembly.RunOutcome run = MmkitAssembly.defaults().runDirectory(dir).run();
        assertThat(run.implementations().get(Slot.PAGE_CACHE).name()).isEqualTo("radix");
        assertThat(run.implementations().get(Slot.RECLAIM_WRITEBACK).name()).isEqualTo("flusher");
        // written, fsynced and written back at shutdown: pgpgout counts KiB, 4 per file page
        assertThat(run.vmstat().get("nr_dirtied")).isPositive();
        assertThat(run.vmstat().get("nr_written")).isPositive();
        assertThat(run.vmstat().get("pgpgout")).isGreaterThanOrEqualTo(4 * run.vmstat().get("nr_written"));
        // meminfo's page-cache lines are the run's vmstat states, in kB
        assertThat(meminfo(run.report(), "Dirty")).isEqualTo(run.vmstat().get("nr_dirty") * 4);
        assertThat(meminfo(run.report(), "Writeback")).isEqualTo(run.vmstat().get("nr_writeback") * 4);
        assertThat(meminfo(run.report(), "Mapped")).isEqualTo(run.vmstat().get("nr_mapped") * 4);
        assertThat(meminfo(run.report(), "Buffers")).isZero();
        assertThat(meminfo(run.report(), "Active(file)") + meminfo(run.report(), "Inactive(file)"))
            .isEqualTo((run.vmstat().get("nr_active_file") + run.vmstat().get("nr_inactive_file")) * 4);
        // the file the workload wrote is a real file under the files directory
        try (var files = Files.list(dir.resolve("files"))) {
            assertThat(files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum()).isPositive();
        }
    }

    @Test
    void anInjectedWriteErrorLosesOnlyItsPageOnDisk() throws IOException {
        MmkitAssembly.RunOutcome run = MmkitAssembly.config("mmkit.machine.backing.fail = [ { path = "
            + "\"files/default-workload.dat\", offset = 4KiB, length = 4KiB, op = write } ]").runDirectory(dir).run();
        assertThat(run.vmstat().get("nr_written")).isPositive();
        byte[] disk = Files.readAllBytes(dir.resolve("files").resolve("default-workload.dat"));
        assertThat(disk).hasSize(16 * 4096);
        // page 1 never reached the file; pages 0 and 2 did
        assertThat(java.util.Arrays.copyOfRange(disk, 4096, 8192)).containsOnly(0);
        assertThat(java.util.Arrays.copyOfRange(disk, 0, 4096)).isNotEqualTo(new byte[4096]);
        assertThat(java.util.Arrays.copyOfRange(disk, 8192, 12288)).isNotEqualTo(new byte[4096]);
    }

    @Test
    void aRunWithTheFlusherIsDeterministic() {
        MmkitAssembly base = MmkitAssembly.config("mmkit.machine.reclaim.writeback { threads = 3, dirty-expire = 1s }");
        MmkitAssembly.RunOutcome first = base.copy().run();
        MmkitAssembly.RunOutcome second = base.copy().run();
        assertThat(second.vmstat()).isEqualTo(first.vmstat());
    }

    @Test
    void badWritebackAndFaultSettingsAreReportedWithTheirPaths() {
        assertThatThrownBy(() -> MmkitAssembly.config("mmkit.machine.reclaim.writeback.threads = 0\n"
            + "mmkit.machine.page-cache.read-ahead-max = 5000\n"
            + "mmkit.machine.backing.fail = [ { path = \"files/x\", length = 4KiB, op = erase } ]").boot())
            .isInstanceOf(ConfigurationException.class)
            .hasMessageContaining("mmkit.machine.reclaim.writeback.threads: 0 (expected: 1-64)")
            .hasMessageContaining("mmkit.machine.page-cache.read-ahead-max: 5000 bytes")
            .hasMessageContaining("mmkit.machine.backing.fail[0].op: Unknown op [erase], known options [read, write, read-write]");
    }
}
