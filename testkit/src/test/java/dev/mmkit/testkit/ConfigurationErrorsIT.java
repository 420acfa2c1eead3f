package dev.mmkit.testkit;

// Why: every configuration problem, whichever module finds it, must be reported before the
// run as file: line: path: problem with exit status 2, never as a create failure, a raw
// Typesafe exception or a NullPointerException (regressions found by the CLI fuzz session).

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.assembly.Main;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigurationErrorsIT {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    /** {@code mmkit run} with a small, quick workload, in a run directory of its own. */
    private int run(String... args) {
        List<String> all = new ArrayList<>(List.of("run",
            "--set", "mmkit.run.directory=\"" + dir.resolve("run") + "\"",
            "--set", "mmkit.plugins.dir=\"" + dir.resolve("no-plugins") + "\"",
            "--set", "mmkit.workload.impl=sequential",
            "--set", "mmkit.workload.sequential.pages=64",
            "--set", "mmkit.workload.sequential.references=100"));
        all.addAll(List.of(args));
        return Main.execute(new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8), all.toArray(String[]::new));
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private Path conf(String... lines) throws IOException {
        Path file = dir.resolve("my.conf");
        Files.writeString(file, String.join("\n", lines) + "\n");
        return file;
    }

    @Test
    void badZonesAreAConfigurationErrorReportedWithTheOthers() throws IOException {
        Path file = conf("mmkit.machine {", "  zones = [ { name = DMA }, { name = Normal } ]",
            "  reclaim.writeback.threads = 0", "}");
        assertThat(run("-c", file.toString())).as(err()).isEqualTo(Main.USAGE);
        assertThat(err()).doesNotContain("create failed").doesNotContain("Exception")
            .contains(file + ": 2: mmkit.machine.zones[1].name: zone Normal has no size, nor has DMA")
            .contains(file + ": 3: mmkit.machine.reclaim.writeback.threads: 0 (expected: 1-64)");
    }

    @Test
    void kswapdOomKillerOfTheWrongTypeIsAConfigurationError() {
        assertThat(run("--set", "mmkit.machine.reclaim.kswapd.oom-killer=nope")).as(err()).isEqualTo(Main.USAGE);
        assertThat(err()).doesNotContain("create failed")
            .contains("--set mmkit.machine.reclaim.kswapd.oom-killer=nope: mmkit.machine.reclaim.kswapd.oom-killer: "
                + "wrong type: expected boolean, got string \"nope\"");
    }

    @Test
    void theDocumentedWatermarksSyntaxIsNotAnUnknownKey() {
        assertThat(run("--set", "mmkit.machine.page-allocator.watermarks={ Normal { min = 128, low = 160, high = 192 } }"))
            .as(err()).isEqualTo(Main.OK);
        assertThat(out.toString(StandardCharsets.UTF_8)).containsPattern("(?s)zone +Normal.*min +128\n +low +160\n +high +192");
    }

    @Test
    void anImplOfTheWrongTypeIsAConfigurationErrorNotANullPointerException() {
        assertThat(run("--set", "mmkit.machine.page-allocator.impl=[buddy]")).as(err()).isEqualTo(Main.USAGE);
        assertThat(err()).doesNotContain("NullPointerException")
            .contains("--set mmkit.machine.page-allocator.impl=[buddy]: mmkit.machine.page-allocator.impl: wrong type");
    }

    @Test
    void aScalarInPlaceOfTheMachineBlockIsAConfigurationError() {
        assertThat(run("--set", "mmkit.machine=5")).as(err()).isEqualTo(Main.USAGE);
        assertThat(err()).doesNotContain("com.typesafe")
            .contains("--set mmkit.machine=5: mmkit.machine: wrong type: expected object");
    }

    @Test
    void aTypoInsideAListElementIsAnUnknownKey() throws IOException {
        Path file = conf("mmkit.machine.zones = [", "  { name = DMA, size = 16MiB }", "  { name = Normal, sise = 8MiB }",
            "  { name = HighMem, size = 0 }", "]");
        assertThat(run("-c", file.toString())).as(err()).isEqualTo(Main.USAGE);
        assertThat(err()).contains(file + ": 3: mmkit.machine.zones[1].sise: unknown key (did you mean size?)");
    }

    @Test
    void aWatermarkOfAZoneThatDoesNotExistIsAnUnknownKey() {
        assertThat(run("--set", "mmkit.machine.page-allocator.watermarks={ Nromal { min = 1, low = 2, high = 3 } }"))
            .as(err()).isEqualTo(Main.USAGE);
        assertThat(err()).contains("mmkit.machine.page-allocator.watermarks.Nromal: unknown key "
            + "(did you mean mmkit.machine.page-allocator.watermarks.Normal?)");
    }

    @Test
    void aProblemInsideAStructuredSetNamesTheSet() {
        String set = "mmkit.machine.zones=[{ name = Normal, size = 4097 }]";
        assertThat(run("--set", set)).as(err()).isEqualTo(Main.USAGE);
        assertThat(err()).contains("--set " + set + ": mmkit.machine.zones[0].size: 4097 bytes").doesNotContain("String: 1");
    }

    @Test
    void moreMemoryThanTheX86_32FormatCanMapIsAConfigurationErrorNotACrashAtTheFirstReference() {
        int status = run("--set", "mmkit.machine.page-table.impl=x86-32", "--set", "mmkit.machine.memory.size=8GiB",
            "--set", "mmkit.machine.memory.backing=none");
        assertThat(err()).doesNotContain("IllegalArgumentException").doesNotContain("the run failed");
        assertThat(status).as(err()).isEqualTo(Main.USAGE);
        assertThat(err()).contains("--set mmkit.machine.memory.size=8GiB: mmkit.machine.memory.size: 8589934592 bytes");
    }

    @Test
    void aNullImplNamesItsOrigin() {
        assertThat(run("-c", writeQuietly("mmkit.machine.page-allocator.impl = null"))).as(err()).isEqualTo(Main.USAGE);
        assertThat(err()).doesNotContain("com.typesafe").contains("my.conf: 1: mmkit.machine.page-allocator.impl: null");
    }

    private String writeQuietly(String... lines) {
        try {
            return conf(lines).toString();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
