package dev.mmkit.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mmkit.api.hw.Access;
import dev.mmkit.api.workload.WorkloadException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

// Checks the Lackey reader against lines in valgrind's own output format: kinds, page-crossing references, errors by line.
class LackeyTraceTest {
    @TempDir
    Path dir;

    /** Lines as `valgrind --tool=lackey --trace-mem=yes ls` prints them. */
    private static final String SAMPLE = String.join("\n",
        "==20425== Lackey, an example Valgrind tool",
        "==20425== Copyright (C) 2002-2017, and GNU GPL'd, by Nicholas Nethercote.",
        "==20425== Using Valgrind-3.15.0 and LibVEX; rerun with -h for copyright info",
        "==20425== Command: ls",
        "==20425== ",
        "I  04001090,3",
        " S 1ffefffa28,8",
        "I  04001093,5",
        " L 04021b60,8",
        " M 0421ee8,4",
        " L 04000ffc,8",
        "==20425== ",
        "==20425== Counted 1 call to main()",
        "");

    @Test
    void replaysEveryKindAndSplitsAtPageBoundaries() throws Exception {
        Path trace = Files.writeString(dir.resolve("ls.lackey"), SAMPLE);
        FakeKernel kernel = new FakeKernel();
        new LackeyTrace(trace, "ls").run(kernel);

        assertThat(kernel.calls).containsExactly("spawn ls");
        assertThat(kernel.procs.get(1).admitAll).isTrue();
        assertThat(kernel.refs).extracting(FakeKernel.Ref::vaddr, FakeKernel.Ref::access).containsExactly(
            org.assertj.core.groups.Tuple.tuple(0x04001090L, Access.EXECUTE),
            org.assertj.core.groups.Tuple.tuple(0x1ffefffa28L, Access.WRITE),
            org.assertj.core.groups.Tuple.tuple(0x04001093L, Access.EXECUTE),
            org.assertj.core.groups.Tuple.tuple(0x04021b60L, Access.READ),
            org.assertj.core.groups.Tuple.tuple(0x0421ee8L, Access.READ),
            org.assertj.core.groups.Tuple.tuple(0x0421ee8L, Access.WRITE),
            // 8 bytes at 0x4000ffc cross into page 0x4001000
            org.assertj.core.groups.Tuple.tuple(0x04000ffcL, Access.READ),
            org.assertj.core.groups.Tuple.tuple(0x04001000L, Access.READ));
        assertThat(kernel.refs).allMatch(r -> r.nextAccess() == -1 && r.pid() == 1);
    }

    @Test
    void aBadLineIsReportedWithItsNumber() throws Exception {
        Path trace = Files.writeString(dir.resolve("bad.lackey"), "I  04001090,3\n L 0402zz60,8\n");
        FakeKernel kernel = new FakeKernel();
        assertThatThrownBy(() -> new LackeyTrace(trace, "t").run(kernel))
            .isInstanceOf(WorkloadException.class)
            .hasMessage(trace + ": line 2: bad line (expected: ',size' after the address) in ' L 0402zz60,8'");
        assertThat(kernel.refs).hasSize(1);
    }

    @Test
    void anUnknownKindIsAnError() throws Exception {
        Path trace = Files.writeString(dir.resolve("bad.lackey"), "I  04001090,3\n\n X 1000,4\n");
        assertThatThrownBy(() -> new LackeyTrace(trace, "t").run(new FakeKernel()))
            .hasMessageStartingWith(trace + ": line 3: bad line");
    }

    @Test
    void aSizeLackeyNeverPrintsIsAnError() throws Exception {
        // lackey/lk_main.c: MAX_DSIZE 512; a huge size would otherwise be replayed page by page
        Path trace = Files.writeString(dir.resolve("big.lackey"), " L 1000,512\n L 1000,1000000000000\n");
        FakeKernel kernel = new FakeKernel();
        assertThatThrownBy(() -> new LackeyTrace(trace, "t").run(kernel))
            .hasMessage(trace + ": line 2: size 1000000000000 (expected: 1-512 bytes, as Lackey prints them) in ' L 1000,1000000000000'");
        assertThat(kernel.refs).hasSize(1);
    }

    @Test
    void aMissingSizeIsAnError() throws Exception {
        Path trace = Files.writeString(dir.resolve("bad.lackey"), " S 1000\n");
        assertThatThrownBy(() -> new LackeyTrace(trace, "t").run(new FakeKernel()))
            .hasMessage(trace + ": line 1: bad line (expected: ',size' after the address) in ' S 1000'");
    }

    @Test
    void stopsWhenTheProcessIsKilled() throws Exception {
        Path trace = Files.writeString(dir.resolve("ls.lackey"), SAMPLE);
        FakeKernel kernel = new FakeKernel();
        kernel.killAfter = 2;
        new LackeyTrace(trace, "ls").run(kernel);
        assertThat(kernel.refs).hasSize(3);
    }
}
