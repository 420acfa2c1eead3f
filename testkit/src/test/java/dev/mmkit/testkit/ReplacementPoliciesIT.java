package dev.mmkit.testkit;

// Why: every replacement policy of the replacement bundle is selected by name in a real
// assembly (Felix, the bundles, Declarative Services) and replaces pages of a real run: the
// textbook string replayed from an oracleGeneral trace gives the textbook fault counts, and
// the default workload, with more memory than RAM, swaps and reads its data back intact.

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.assembly.Slot;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ReplacementPoliciesIT {
    private static final String SMALL = "mmkit.machine.memory.size = 16MiB\n"
        + "mmkit.machine.zones = [ { name = DMA, size = 4MiB }, { name = Normal } ]\n";
    /** Silberschatz's reference string (Operating System Concepts, ch. 10). */
    private static final int[] SILBERSCHATZ = {7, 0, 1, 2, 0, 3, 0, 4, 2, 3, 0, 3, 2, 1, 2, 0, 1, 7, 0, 1};

    @TempDir
    static Path dir;
    private static Path trace;

    @BeforeAll
    static void writeTrace() throws IOException {
        TestPlugins.assumeComplete();
        trace = dir.resolve("silberschatz.oracleGeneral");
        Files.write(trace, oracleGeneral(SILBERSCHATZ));
    }

    /**
     * libCacheSim's oracleGeneral records (24 bytes, little-endian: u32 time, u64 object id,
     * u32 size, i64 next access as the 1-based position of the object's next request, −1 for
     * never); object ids are page numbers, offset from page 0.
     */
    static byte[] oracleGeneral(int[] pages) {
        ByteBuffer b = ByteBuffer.allocate(24 * pages.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < pages.length; i++) {
            long next = -1;
            for (int j = i + 1; j < pages.length; j++) {
                if (pages[j] == pages[i]) {
                    next = j + 1;
                    break;
                }
            }
            b.putInt(i).putLong(0x100 + pages[i]).putInt(4096).putLong(next);
        }
        return b.array();
    }

    // Figures: FIFO 15, LRU 12, OPT 9 (Silberschatz). Clock 14, worked by hand in the replacement
    // module's ReplacementGoldenTest (use bit set on arrival, new pages behind the hand).
    // Nth chance with N = 2 (the default), by hand, [ring from the hand], page*/count: 7 0 1 F;
    // 2 F: all cleared, all /1, 7 out [0/1 1/1 2*/0]; 0 hit; 3 F: 0 cleared, 1 out; 0 hit; 4 F: all
    // cleared, 2 3 0 /1, 2 out; 2 F: 0 out; 3 hit; 0 F: 3 out (after a turn); 3 F: 4 out; 2 hit;
    // 1 F: 2 out; 2 F: 0 out; 0 F: 3 out; 1 hit; 7 F: 1 out; 0 hit; 1 F: 2 out. 14 faults: on this
    // string the extra sweep never changes a choice.
    // Two lists (I = inactive, oldest first; r = PG_referenced, * = A; A and r: activate, A
    // only: r and rotate, else out; inactive low when shorter than active): 7 0 1 F; 2 F: 7 0 1
    // get r, 7 out I[0r 1r 2*]; 0 hit; 3 F: 0 activated, 1 out, I[2* 3*] active [0]; 0 hit;
    // 4 F: 2 3 get r, 2 out I[3r 4*]; 2 F: 3 out I[4* 2*]; 3 F: 4 2 get r, 4 out I[2r 3*];
    // 0 3 2 hit; 1 F: 2 activated (active [0 2], inactive [3]: low), 0 deactivated (A cleared,
    // r kept) I[3* 0r], 3 gets r, 0 out I[3r 1*]; 2 hit; 0 F: 3 out I[1* 0*]; 1 hit; 7 F: 1 0
    // get r, 1 out I[0r 7*]; 0 hit; 1 F: 0 activated, 2 deactivated, 7 gets r, 2 out.
    // 12 faults (victims 7 1 2 3 4 0 3 1 2).
    // VMS with the default second-chance list (25% of 3 pages, rounded up: 1 page): 10 pages in
    // and 5 soft faults, worked by hand in the replacement module's ReplacementSoftFaultTest.
    @ParameterizedTest
    @CsvSource({"fifo, 15", "lru, 12", "opt, 9", "clock, 14", "nth-chance, 14", "two-list, 12", "vms, 15"})
    void theTextbookStringFromAnOracleGeneralTrace(String policy, long faults) {
        MmkitAssembly.RunOutcome run = replayTheTextbookString(policy);
        assertThat(run.vmstat().get("pgfault")).isEqualTo(faults);
    }

    @ParameterizedTest
    @ValueSource(strings = {"freelist-clock"})
    void theFreeListClockRunsTheTraceToo(String policy) {
        MmkitAssembly.RunOutcome run = replayTheTextbookString(policy);
        // no policy brings fewer pages in than OPT (9); the references to pages on the free
        // list, mapped invalid, add soft faults on top
        assertThat(run.vmstat().get("pgfault")).isGreaterThanOrEqualTo(9);
    }

    @ParameterizedTest
    @ValueSource(strings = {"lru", "clock", "nth-chance", "vms", "two-list", "freelist-clock"})
    void theDefaultWorkloadSwapsAndKeepsItsData(String policy) {
        MmkitAssembly.RunOutcome run = MmkitAssembly.config(SMALL)
            .set("mmkit.machine.replacement.impl", policy)
            .run();
        assertThat(run.implementations().get(Slot.REPLACEMENT).name()).isEqualTo(policy);
        assertThat(run.vmstat().get("pswpout")).isPositive();
        assertThat(run.vmstat().get("pgfault")).isPositive();
    }

    /** The Silberschatz string from the oracleGeneral trace, 3 frames, with {@code policy} selected by name. */
    private static MmkitAssembly.RunOutcome replayTheTextbookString(String policy) {
        MmkitAssembly.RunOutcome run = MmkitAssembly.config(SMALL)
            .set("mmkit.machine.paging.resident-limit", 3)
            .set("mmkit.workload.impl", "trace")
            .set("mmkit.workload.trace.format", "oracle-general")
            .set("mmkit.workload.trace.path", com.typesafe.config.ConfigUtil.quoteString(trace.toString()))
            .set("mmkit.machine.replacement.impl", policy)
            .run();
        assertThat(run.implementations().get(Slot.REPLACEMENT).name()).isEqualTo(policy);
        assertThat(run.references()).isEqualTo(SILBERSCHATZ.length);
        return run;
    }
}
