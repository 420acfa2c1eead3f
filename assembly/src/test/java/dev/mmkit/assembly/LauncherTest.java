package dev.mmkit.assembly;

// Why: bin/mmkit picks the JIT from the command line (C1 for short runs, tiered C2 for long
// replays), and a wrong pick costs a replay of ten million references a factor of two or a
// thousand-reference replay a fifth of its time; every run asks for transparent huge pages
// (the default run a third faster) and full-width references (replays 6-12 % faster, and
// the class archives are dumped so); the script runs here with a java that only prints its
// arguments.

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LauncherTest {
    private static final Path SCRIPT = Path.of("src/main/dist/bin/mmkit").toAbsolutePath();
    private static final String C1 = "-XX:TieredStopAtLevel=1";
    /** One of the raised C2 thresholds of tiered runs. */
    private static final String C2 = "-XX:Tier4InvocationThreshold=50000";
    private static final String HUGE_PAGES = "-XX:+UseTransparentHugePages";
    private static final String SMALL_TLABS = "-XX:TLABSize=128k";
    private static final String FULL_REFERENCES = "-XX:-UseCompressedOops";

    @TempDir
    Path dir;

    private Path small;
    private Path large;

    @BeforeEach
    void fakeJavaAndTraces() throws IOException {
        assumeTrue(Files.isExecutable(Path.of("/bin/sh")), "needs a POSIX shell");
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path java = bin.resolve("java");
        Files.writeString(java, "#!/bin/sh\nfor a in \"$@\"; do echo \"$a\"; done\n", StandardCharsets.US_ASCII);
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        small = dir.resolve("small trace.oracleGeneral"); // 1,000 records of 24 bytes
        Files.write(small, new byte[24_000]);
        large = dir.resolve("large.oracleGeneral"); // 6 MiB: 262,144 records
        try (RandomAccessFile file = new RandomAccessFile(large.toFile(), "rw")) {
            file.setLength(6L << 20);
        }
    }

    /** The JVM options bin/mmkit passes for this command line. */
    private List<String> jvmOptions(String... args) throws IOException, InterruptedException {
        return jvmOptions(SCRIPT, null, args);
    }

    /** The JVM options {@code script} passes for this command line, with MMKIT_JAVA_OPTS (null: unset). */
    private List<String> jvmOptions(Path script, String javaOpts, String... args) throws IOException, InterruptedException {
        List<String> arguments = javaArguments(script, javaOpts, args);
        return arguments.subList(0, arguments.indexOf("-cp"));
    }

    /** Every argument {@code script} passes to java for this command line, with MMKIT_JAVA_OPTS (null: unset). */
    private List<String> javaArguments(Path script, String javaOpts, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("/bin/sh", script.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().put("PATH", dir.resolve("bin") + ":" + System.getenv("PATH"));
        builder.environment().remove("MMKIT_JIT");
        builder.environment().remove("MMKIT_JAVA_OPTS");
        if (javaOpts != null) {
            builder.environment().put("MMKIT_JAVA_OPTS", javaOpts);
        }
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as(output).isZero();
        List<String> arguments = List.of(output.split("\n"));
        assertThat(arguments).as(output).contains("-cp");
        return arguments;
    }

    @Test
    void shortRunsGetC1() throws Exception {
        assertThat(jvmOptions("run")).contains(C1).doesNotContain(C2);
        assertThat(jvmOptions("plugins")).contains(C1).doesNotContain(C2);
    }

    @Test
    void aReplayOfAFileUnderSixMebibytesIsAShortRun() throws Exception {
        assertThat(jvmOptions("run", "--trace", "oracle-general:" + small)).contains(C1).doesNotContain(C2);
        assertThat(jvmOptions("run", "--trace=oracle-general:" + small, "--format", "json")).contains(C1)
            .doesNotContain(C2);
        assertThat(jvmOptions("run", "--trace", "text:small trace.oracleGeneral")).as("relative to the working directory")
            .contains(C1).doesNotContain(C2);
    }

    @Test
    void longReplaysAndRecordingsGetTieredC2() throws Exception {
        assertThat(jvmOptions("run", "--trace", "oracle-general:" + large)).contains(C2).doesNotContain(C1);
        assertThat(jvmOptions("run", "--trace", "oracle-general:" + dir.resolve("missing"))).as("size unknown")
            .contains(C2).doesNotContain(C1);
        assertThat(jvmOptions("run", "--set", "mmkit.workload.impl=trace", "--set",
            "mmkit.workload.trace.path=" + small)).as("a trace chosen by --set").contains(C2).doesNotContain(C1);
        assertThat(jvmOptions("run", "--trace", "oracle-general:" + small, "--set",
            "mmkit.workload.trace.path=" + large)).as("--set overrides the --trace path").contains(C2).doesNotContain(C1);
        assertThat(jvmOptions("trace", "zipf", small.toString())).contains(C2).doesNotContain(C1);
    }

    @Test
    void tieredRunsCallTheFaultPathsLargerStepsQuietly() throws Exception {
        List<String> tiered = jvmOptions("run", "--trace", "oracle-general:" + large);
        String walk = "-XX:CompileCommand=dontinline,dev/mmkit/paging/pagetable/RadixPageTable.walk";
        assertThat(tiered).contains(walk,
            "-XX:CompileCommand=dontinline,dev/mmkit/paging/mm/Reclaim.reclaimFrom");
        // without quiet, the JVM prints each command on stdout, in front of the report
        assertThat(tiered.indexOf("-XX:CompileCommand=quiet")).isNotNegative().isLessThan(tiered.indexOf(walk));
        assertThat(jvmOptions("run")).noneMatch(o -> o.startsWith("-XX:CompileCommand"));
    }

    @Test
    void everyRunAsksForTransparentHugePagesSmallAllocationBuffersAndFullWidthReferences() throws Exception {
        for (List<String> options : List.of(jvmOptions("run"), jvmOptions("plugins"),
            jvmOptions("run", "--trace", "oracle-general:" + large), jvmOptions("trace", "zipf", small.toString()))) {
            // the class archives are dumped with full-width references: one JVM for all commands
            assertThat(options).contains(HUGE_PAGES, SMALL_TLABS, FULL_REFERENCES);
        }
    }

    /** A copy of bin/mmkit in a distribution under a directory whose name has a space. */
    private Path distributionWithASpace() throws IOException {
        Path home = dir.resolve("my mmkit");
        Path script = Files.createDirectories(home.resolve("bin")).resolve("mmkit");
        Files.copy(SCRIPT, script);
        Files.createDirectories(home.resolve("lib"));
        return script;
    }

    @Test
    void theClassArchivesGoAsOneOptionTheBundlesOnTopOfTheBase() throws Exception {
        Path script = distributionWithASpace();
        Path lib = script.getParent().resolveSibling("lib");
        assertThat(jvmOptions(script, null, "run")).noneMatch(o -> o.startsWith("-XX:SharedArchiveFile"));
        Path top = Files.createFile(lib.resolve("mmkit.jsa"));
        assertThat(jvmOptions(script, null, "run")).as("a top archive without its base")
            .noneMatch(o -> o.startsWith("-XX:SharedArchiveFile"));
        Path base = Files.createFile(lib.resolve("mmkit-base.jsa"));
        assertThat(jvmOptions(script, null, "run")).contains("-XX:SharedArchiveFile=" + base + ":" + top);
        Files.delete(top);
        assertThat(jvmOptions(script, null, "run")).contains("-XX:SharedArchiveFile=" + base);
    }

    @Test
    void theDistributionIsFoundByItsRealPathThroughLinksAndRelativePaths() throws Exception {
        Path script = distributionWithASpace();
        Path home = script.getParent().getParent().toRealPath();
        Path base = Files.createFile(home.resolve("lib/mmkit-base.jsa"));
        Path links = Files.createDirectories(dir.resolve("links"));
        List<Path> ways = List.of(
            script,
            dir.relativize(script), // bin/mmkit from where it is
            Files.createSymbolicLink(links.resolve("mmkit"), script), // as /usr/local/bin/mmkit
            Files.createSymbolicLink(links.resolve("relative"), links.relativize(script)),
            Files.createSymbolicLink(dir.resolve("current"), home).resolve("bin/mmkit")); // as /opt/mmkit -> mmkit-1.0
        for (Path way : ways) {
            List<String> arguments = javaArguments(way, null, "run");
            // the class archives name the jars by their real path: the class path must be it too
            assertThat(arguments.get(arguments.indexOf("-cp") + 1)).as(way.toString()).isEqualTo(home.resolve("lib") + "/*");
            assertThat(arguments).as(way.toString()).contains("-XX:SharedArchiveFile=" + base);
        }
    }

    @Test
    void javaOptionsAreSplitAtSpacesAndNotExpandedAsFileNames() throws Exception {
        Files.createFile(dir.resolve("-Dmatched=1"));
        List<String> options = jvmOptions(SCRIPT, "-Xmx96m  -Dmatched=*", "run");
        assertThat(options).contains("-Xmx96m", "-Dmatched=*");
        assertThat(options.subList(options.indexOf("-XX:+UseSerialGC"), options.size())).as("after the script's own")
            .contains("-Xmx96m");
    }
}
