package dev.mmkit.testkit;

// Why: the mmkit command line answers with the documented exit status (0 success, 2 usage or
// configuration error, 1 failed run) and prints what each command promises.

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mmkit.assembly.Main;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliIT {
    @TempDir
    Path dir;

    private String out;
    private String err;

    private int mmkit(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        if (!all.isEmpty() && List.of("run", "plugins", "config").contains(all.get(0))) {
            all.add("--set");
            all.add("mmkit.run.directory=\"" + dir.resolve("run") + "\"");
            all.add("--set");
            all.add("mmkit.plugins.dir=\"" + TestPlugins.DIR + "\"");
        }
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int status = Main.execute(new PrintStream(o, true, StandardCharsets.UTF_8),
            new PrintStream(e, true, StandardCharsets.UTF_8), all.toArray(String[]::new));
        out = o.toString(StandardCharsets.UTF_8);
        err = e.toString(StandardCharsets.UTF_8);
        return status;
    }

    @Test
    void pluginsListsEveryExtensionPointWithNameBundleAndVersion() {
        assertThat(mmkit("plugins")).as(err).isZero();
        assertThat(out).contains("page-allocator  (mmkit.machine.page-allocator.impl = buddy)")
            .containsPattern("\\* buddy +dev\\.mmkit\\.buddy +1\\.0\\.0")
            .containsPattern("  random +dev\\.mmkit\\.testplugin +1\\.0\\.0")
            .contains("workload  (mmkit.workload.impl = default)")
            .contains("page-cache  (mmkit.machine.page-cache.impl = radix)");
    }

    @Test
    void configPrintsEffectiveValuesWithOrigins() throws IOException {
        Path file = dir.resolve("my.conf");
        Files.writeString(file, "mmkit.machine {\n  seed = 7\n}\n");
        int status = mmkit("config", "-c", file.toString(), "--set", "mmkit.machine.cpus=2");
        assertThat(out)
            .containsPattern("mmkit\\.machine\\.seed = 7 +# " + java.util.regex.Pattern.quote(file.toString()) + ": 2\n")
            .containsPattern("mmkit\\.machine\\.cpus = 2 +# --set mmkit\\.machine\\.cpus=2\n")
            .containsPattern("mmkit\\.machine\\.memory\\.size = \"64MiB\" +# mmkit-machine.*reference\\.conf: \\d+\n");
        assertThat(status).isIn(0, 2);
    }

    @Test
    void configChecksTheValuesAsARunWouldWithoutBuildingAMachine() throws IOException {
        Path file = dir.resolve("values.conf");
        Files.writeString(file, "mmkit.machine {\n  cpus = 65\n  memory.size = 1KiB\n}\n"
            + "mmkit.machine.tlb.entries = 0\nmmkit.machine.paging.swap.size = -1\n");
        assertThat(mmkit("config", "-c", file.toString())).isEqualTo(2);
        assertThat(err).contains(file + ": 2: mmkit.machine.cpus: 65 (expected: 1-64)")
            .contains(file + ": 3: mmkit.machine.memory.size: 1024 bytes (expected: a whole number of 4KiB pages, at least 64KiB)")
            .contains(file + ": 5: mmkit.machine.tlb.entries: ")
            .contains(file + ": 6: mmkit.machine.paging.swap.size: ");
        assertThat(out).contains("mmkit.machine.cpus = 65");
        assertThat(dir.resolve("run").resolve("swapfile")).doesNotExist(); // nothing was built
    }

    @Test
    void configurationErrorsExitWithTwo() throws IOException {
        Path file = dir.resolve("bad.conf");
        Files.writeString(file, "mmkit.machine.page-allocator.impl = foo\n");
        assertThat(mmkit("run", "-c", file.toString())).isEqualTo(2);
        assertThat(err).contains(file + ": 1: mmkit.machine.page-allocator.impl: Unknown page-allocator [foo], known options [");
        assertThat(out).isEmpty();
    }

    @Test
    void usageErrorsExitWithTwo() {
        assertThat(mmkit("frobnicate")).isEqualTo(2);
        assertThat(mmkit()).isEqualTo(2);
        assertThat(mmkit("run", "--format", "xml")).isEqualTo(2);
        assertThat(err).contains("Unknown format [xml], known options [json, text]");
        assertThat(mmkit("run", "--set", "novalue")).isEqualTo(2);
        assertThat(mmkit("run", "--trace", "lackey")).isEqualTo(2);
    }

    @Test
    void aFailedRunExitsWithOneNamingThePlugin() {
        TestPlugins.assumeComplete();
        assertThat(mmkit("run", "--set", "mmkit.machine.replacement.impl=broken-on-create")).isEqualTo(1);
        assertThat(err).contains("replacement [broken-on-create] of bundle dev.mmkit.testplugin");
    }

    @Test
    void runPrintsTheReportAndExitsWithZero() {
        TestPlugins.assumeComplete();
        assertThat(mmkit("run")).as(err).isZero();
        assertThat(out).contains("pgfault ");
        assertThat(err).doesNotContain("ready in");
        assertThat(mmkit("run", "--format", "json", "--verbose")).as(err).isZero();
        assertThat(out).startsWith("{").contains("\"vmstat\":");
        assertThat(err).containsPattern("ready in \\d+ ms");
    }

    @Test
    void aTraceThatCannotBeWrittenSaysWhy() throws IOException {
        Path blocker = Files.writeString(dir.resolve("file"), "a file where a directory should be");
        assertThat(mmkit("trace", "zipf", "--pages", "10", "--references", "10", blocker.resolve("x.og").toString(),
            "--set", "mmkit.run.directory=\"" + dir.resolve("run") + "\"")).isEqualTo(1);
        assertThat(err).isEqualTo("mmkit: trace: cannot write " + blocker.resolve("x.og") + ": Not a directory\n");
        assertThat(mmkit("trace", "zipf", "--pages", "10", "--references", "10", dir.toString(),
            "--set", "mmkit.run.directory=\"" + dir.resolve("run") + "\"")).isEqualTo(1);
        assertThat(err).isEqualTo("mmkit: trace: cannot write " + dir + ": Is a directory\n");
    }

    /**
     * A machine bigger than the host's heap allows fails with what to change, not a stack
     * trace: at boot (every frame's metadata), during a run (backing = bytes keeps each frame
     * in use) and while recording a trace. The distribution script runs with a 96 MiB heap.
     */
    @Test
    void runningOutOfHeapExitsWithOneSayingWhatToChange() throws Exception {
        Path script = distributionScript();
        assumeTrue(Files.isExecutable(script), script + " is not built");
        String runDir = "mmkit.run.directory=\"" + dir.resolve("run") + "\"";
        String boot = script(script, "run", "--set", "mmkit.machine.memory.size=16GiB", "--set",
            "mmkit.machine.memory.backing=none", "--set", runDir);
        assertThat(boot).startsWith("mmkit: the host's Java heap ran out while the machine was built (its limit: ")
            .contains("the machine keeps there the metadata of every frame of mmkit.machine.memory.size = 16GiB (4194304 frames)")
            .contains("MMKIT_JAVA_OPTS=-Xmx<size>").doesNotContain("Exception in thread");
        String run = script(script, "run", "--set", "mmkit.machine.memory.size=512MiB", "--set",
            "mmkit.machine.memory.backing=bytes", "--set", runDir);
        assertThat(run).containsPattern("^mmkit: the host's Java heap ran out after \\d+ references \\(its limit: \\d+ MiB\\)")
            .contains("(131072 frames), and the 4 KiB contents of every frame in use (backing = bytes)")
            .doesNotContain("Exception in thread");
        Path trace = dir.resolve("kept.og");
        Files.writeString(trace, "kept");
        String recording = script(script, "trace", "zipf", "--pages", "1000", "--references", "30000000", trace.toString(),
            "--set", runDir);
        assertThat(recording).startsWith("mmkit: trace: the host's Java heap ran out after ").contains("record fewer references")
            .doesNotContain("Exception in thread");
        assertThat(Files.readString(trace)).as("the file it would have replaced").isEqualTo("kept");
    }

    /** bin/mmkit of the distribution {@code mvn package} laid out. */
    private static Path distributionScript() {
        return Path.of(System.getProperty("mmkit.test.distribution", "../assembly/target/mmkit"), "bin", "mmkit");
    }

    /** The distribution script's output (stdout and stderr) with a 96 MiB heap; its exit status must be 1. */
    private static String script(Path script, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(script.toString()));
        command.addAll(List.of(args));
        ProcessBuilder b = new ProcessBuilder(command).redirectErrorStream(true);
        b.environment().put("MMKIT_JAVA_OPTS", "-Xmx96m");
        Process p = b.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isEqualTo(1);
        return output;
    }

    @Test
    void theDistributionScriptRuns() throws Exception {
        Path script = distributionScript();
        assumeTrue(Files.isExecutable(script), script + " is not built");
        Process p = new ProcessBuilder(script.toString(), "plugins", "--set", "mmkit.run.directory=\"" + dir + "\"")
            .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        assertThat(output).contains("page-allocator");
        Process bad = new ProcessBuilder(script.toString(), "run", "--set", "mmkit.machine.slab.impl=nope",
            "--set", "mmkit.run.directory=\"" + dir + "\"").redirectErrorStream(true).start();
        String badOutput = new String(bad.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(bad.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(bad.exitValue()).as(badOutput).isEqualTo(2);
        assertThat(badOutput).contains("--set mmkit.machine.slab.impl=nope: mmkit.machine.slab.impl: Unknown slab [nope]");
    }

    /**
     * The class-data archives that {@code mvn package} dumped map at a start ({@code -Xshare:on}
     * fails the start when they do not), picocli's Java 5 classes in the static base and the
     * bundles' classes, which Felix's class loaders define, in the dynamic archive on top.
     * Picocli skips its java.time converters ({@code Main.main} excludes them): their
     * formatters are never initialised.
     */
    @Test
    void theDistributionStartsFromItsClassArchives() throws Exception {
        Path script = distributionScript();
        assumeTrue(Files.isExecutable(script), script + " is not built");
        Path log = dir.resolve("class-load.log");
        ProcessBuilder b = new ProcessBuilder(script.toString(), "plugins", "--set", "mmkit.run.directory=\"" + dir + "\"")
            .redirectErrorStream(true);
        b.environment().put("MMKIT_JAVA_OPTS", "-Xshare:on -Xlog:class+load=info:file=" + log);
        Process p = b.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        assertThat(Files.readString(log))
            .containsPattern("\\] picocli\\.CommandLine source: shared objects file\n")
            .containsPattern("\\] dev\\.mmkit\\.buddy\\.\\S+ source: shared objects file \\(top\\)\n")
            .doesNotContainPattern("\\] java\\.time\\.MonthDay ");
    }
}
