package dev.mmkit.testkit;

// Why: a trace replayed through the whole machine must fault exactly where an independent
// cache simulator misses (issues #6 and #7: FIFO's and LRU's fault counts equal
// libCacheSim's miss counts; the replacement bundle's opt and clock likewise), and
// `mmkit trace` must write the same trace for the same seed.

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.assembly.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TraceReplayPeerIT {
    @TempDir
    static Path dir;

    static Path trace;

    @BeforeAll
    static void recordTheTrace() throws Exception {
        TestPlugins.assumeComplete();
        trace = dir.resolve("zipf-100k.oracleGeneral");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.execute(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            "trace", "zipf", "--pages", "20000", "--references", "100000", "--alpha", "0.9", "--seed", "1",
            "--set", "mmkit.run.directory=\"" + dir.resolve("run") + "\"", trace.toString());
        assertThat(status).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(Files.size(trace)).isEqualTo(100_000L * 24);
        // the goldens below were computed from exactly this file
        String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(trace)));
        assertThat(sha256).isEqualTo("a804646512e306c0c45162980e8aee368ef8e119e2bbad5514ea71165e2ee589");
    }

    /**
     * Misses of a cache of {@code frames} objects, object sizes ignored, as counted by
     * {@code python3 bench/cachesim-peer.py zipf-100k.oracleGeneral 100 1000 10000} (fifo,
     * lru) and {@code python3 bench/peer-opt-clock.py zipf-100k.oracleGeneral 100 1000 10000}
     * (opt, clock): independent counters written for this purpose, not mmkit's code. Every
     * compulsory miss is a first-touch fault (zero fill), every other miss a swap-in, so
     * pgfault counts them all.
     */
    @ParameterizedTest(name = "{0} with {1} frames: {2} faults")
    @CsvSource({
        "fifo, 100, 80737",
        "fifo, 1000, 56571",
        "fifo, 10000, 21148",
        "lru, 100, 77458",
        "lru, 1000, 52266",
        "lru, 10000, 19050",
        "opt, 100, 57504",
        "opt, 1000, 33525",
        "opt, 10000, 15473",
        "clock, 100, 78535",
        "clock, 1000, 53426",
        "clock, 10000, 19805",
    })
    void faultsEqualThePeersMisses(String policy, int frames, long misses) {
        MmkitAssembly.RunOutcome run = MmkitAssembly.config("""
                mmkit.machine.memory { size = 256MiB, backing = none }
                mmkit.machine.paging.swap.size = 256MiB
                mmkit.workload { impl = trace, trace.format = oracle-general }
                """)
            .set("mmkit.workload.trace.path", com.typesafe.config.ConfigUtil.quoteString(trace.toString()))
            .set("mmkit.machine.replacement.impl", policy)
            .set("mmkit.machine.paging.resident-limit", frames)
            .run();
        assertThat(run.references()).isEqualTo(100_000);
        assertThat(run.vmstat().get("pgfault")).isEqualTo(misses);
        long firstTouches = run.counters().get("zero_fills");
        assertThat(run.vmstat().get("pgmajfault")).isEqualTo(misses - firstTouches);
    }
}
