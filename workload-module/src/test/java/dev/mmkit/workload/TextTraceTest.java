package dev.mmkit.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import dev.mmkit.api.hw.Access;
import dev.mmkit.api.workload.WorkloadException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

// Checks the plain text trace format: ops, decimal and hex addresses, page numbers, comments, errors by line.
class TextTraceTest {
    @TempDir
    Path dir;

    @Test
    void readsOpsAddressesAndComments() throws Exception {
        Path trace = Files.writeString(dir.resolve("t.txt"), String.join("\n",
            "# a comment",
            "",
            "R 0x7ffd1000",
            "W 4096",
            "0x1a2b3c",
            "x,0x400000   # fetch",
            "  w\t12",
            ""));
        FakeKernel kernel = new FakeKernel();
        new TextTrace(trace, false, "t").run(kernel);
        assertThat(kernel.refs).extracting(FakeKernel.Ref::vaddr, FakeKernel.Ref::access).containsExactly(
            tuple(0x7ffd1000L, Access.READ),
            tuple(4096L, Access.WRITE),
            tuple(0x1a2b3cL, Access.READ),
            tuple(0x400000L, Access.EXECUTE),
            tuple(12L, Access.WRITE));
    }

    @Test
    void aProcessWithoutMemoryIsAnErrorAtItsLine() throws Exception {
        Path trace = Files.writeString(dir.resolve("t.txt"), "# first\nR 0x1000\n");
        FakeKernel kernel = new FakeKernel();
        kernel.spawn("other");
        kernel.noMemoryForProcesses = true;
        assertThatThrownBy(() -> new TextTrace(trace, false, "t").run(kernel))
            .isInstanceOf(WorkloadException.class)
            .hasMessage(trace + ": line 2: cannot start process t: out of memory (errno -12) in 'R 0x1000'");
    }

    @Test
    void streamsPastItsBufferAndAcceptsCrlf() throws Exception {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 20_000; i++) {
            text.append(i % 2 == 0 ? "W " : "R ").append("0x").append(Integer.toHexString(i * 4096)).append("\r\n");
        }
        Path trace = Files.writeString(dir.resolve("long.txt"), text); // about 230 KiB: several 64 KiB blocks
        FakeKernel kernel = new FakeKernel();
        new TextTrace(trace, false, "t").run(kernel);
        assertThat(kernel.refs).hasSize(20_000);
        assertThat(kernel.refs.get(12_345).vaddr()).isEqualTo(12_345L * 4096);
        assertThat(kernel.refs.get(12_345).access()).isEqualTo(Access.READ);
        assertThat(kernel.refs.get(19_998).access()).isEqualTo(Access.WRITE);
    }

    @Test
    void pageNumbersAreShiftedToAddresses() throws Exception {
        Path trace = Files.writeString(dir.resolve("p.txt"), "17\nW 0x11\n");
        FakeKernel kernel = new FakeKernel();
        new TextTrace(trace, true, "t").run(kernel);
        assertThat(kernel.refs).extracting(FakeKernel.Ref::vaddr).containsExactly(0x11000L, 0x11000L);
    }

    @Test
    void aBadAddressNamesItsLine() throws Exception {
        Path trace = Files.writeString(dir.resolve("bad.txt"), "R 0x10\n# ok\nW 12ab\n");
        assertThatThrownBy(() -> new TextTrace(trace, false, "t").run(new FakeKernel()))
            .isInstanceOf(WorkloadException.class)
            .hasMessage(trace + ": line 3: unexpected text after the address in 'W 12ab'");
    }

    @Test
    void aBadOpNamesItsLine() throws Exception {
        Path trace = Files.writeString(dir.resolve("bad.txt"), "Q 0x10\n");
        assertThatThrownBy(() -> new TextTrace(trace, false, "t").run(new FakeKernel()))
            .hasMessage(trace + ": line 1: bad op (expected: R, W or X, then an address) in 'Q 0x10'");
    }

    @Test
    void aPageNumberTooLargeIsAnError() throws Exception {
        Path trace = Files.writeString(dir.resolve("big.txt"), "0x10000000000000\n");
        assertThatThrownBy(() -> new TextTrace(trace, true, "t").run(new FakeKernel()))
            .hasMessageStartingWith(trace + ": line 1: page number 0x10000000000000 too large");
    }

    @Test
    void aHexAddressWiderThan64BitsIsAnError() throws Exception {
        Path trace = Files.writeString(dir.resolve("big.txt"), "R 0x1ffffffffffffffff\n");
        assertThatThrownBy(() -> new TextTrace(trace, false, "t").run(new FakeKernel()))
            .hasMessageStartingWith(trace + ": line 1: address wider than 64 bits");
    }

    @Test
    void leadingZerosDoNotCountTowardsTheWidth() throws Exception {
        // 20 digits, 16 of them leading zeros, read as 0x1abc; 32 digits, the last 16 all ones: -1 as a long
        Path trace = Files.writeString(dir.resolve("padded.txt"), "W 0x00000000000000001abc\nR 0x0000000000000000ffffffffffffffff\n");
        FakeKernel kernel = new FakeKernel();
        new TextTrace(trace, false, "t").run(kernel);
        assertThat(kernel.refs).extracting(FakeKernel.Ref::vaddr, FakeKernel.Ref::access).containsExactly(
            tuple(0x1abcL, Access.WRITE),
            tuple(-1L, Access.READ));
    }
}
