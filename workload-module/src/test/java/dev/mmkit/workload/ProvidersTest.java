package dev.mmkit.workload;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.machine.ConfigurationException;
import dev.mmkit.api.workload.WorkloadSource;
import dev.mmkit.api.workload.WorkloadSourceProvider;
import dev.mmkit.machine.ConfigSettings;
import dev.mmkit.machine.StandaloneMachine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

// Checks the providers against reference.conf: defaults validate, bad values are reported with their keys, create builds the right source.
class ProvidersTest {
    @TempDir
    Path dir;

    private static final List<WorkloadSourceProvider> SYNTHETIC = List.of(new SequentialWorkloadProvider(),
        new UniformWorkloadProvider(), new ZipfWorkloadProvider(), new LoopWorkloadProvider(), new PhasedWorkloadProvider());

    private static StandaloneMachine machine(String hocon) {
        // the synthetic workloads check their region against the page table's user address space (x86-64's)
        return StandaloneMachine.builder(StandaloneMachine.config(hocon)).runDirectory(Path.of("target/run"))
            .pageTable(m -> SyntheticRegionFitsTest.pageTable(1L << 47)).build();
    }

    @Test
    void defaultsValidateAndCreate() {
        StandaloneMachine m = machine("");
        ConfigSettings settings = m.settingsAt("mmkit.workload");
        assertThat(settings.getString("impl")).isEqualTo("default");
        for (WorkloadSourceProvider p : SYNTHETIC) {
            p.validate(settings);
            assertThat(p.description()).isNotEmpty();
            WorkloadSource source = p.create(settings, m);
            assertThat(source.expectedReferences()).isEqualTo(1_000_000);
        }
        new DefaultWorkloadProvider().validate(settings);
        assertThat(m.problems().list()).isEmpty();
        assertThat(new DefaultWorkloadProvider().create(settings, m)).isInstanceOf(DefaultWorkload.class);
    }

    @Test
    void badSyntheticValuesAreAllReported() {
        StandaloneMachine m = machine("mmkit.workload { zipf { pages = 0, alpha = -1, write-ratio = 1.5 },"
            + " phased { working-set = 40000, phases = 0 }, sequential.stride = 8KiB }");
        ConfigSettings settings = m.settingsAt("mmkit.workload");
        for (WorkloadSourceProvider p : SYNTHETIC) {
            p.validate(settings);
        }
        assertThat(m.problems().list()).containsExactly(
            "test configuration: 1: mmkit.workload.sequential.stride: 8192 bytes (expected: 1-4096)",
            "test configuration: 1: mmkit.workload.zipf.pages: 0 (expected: 1-68719476736, a 48-bit address space)",
            "test configuration: 1: mmkit.workload.zipf.write-ratio: 1.5 (expected: 0.0-1.0)",
            "test configuration: 1: mmkit.workload.zipf.alpha: -1.0 (expected: more than 0, at most 100; use uniform for 0)",
            "test configuration: 1: mmkit.workload.phased.phases: 0 (expected: at least 1)",
            "test configuration: 1: mmkit.workload.phased.working-set: 40000 pages (expected: 1-32768, at most pages)");
    }

    @Test
    void traceNeedsAFileAndAKnownFormat() {
        StandaloneMachine m = machine("mmkit.workload.trace { format = pin, path = \"" + dir.resolve("nope") + "\" }");
        new TraceWorkloadProvider().validate(m.settingsAt("mmkit.workload"));
        assertThat(m.problems().list()).containsExactly(
            "test configuration: 1: mmkit.workload.trace.format: Unknown trace format [pin], known options [lackey, oracle-general, text]",
            "test configuration: 1: mmkit.workload.trace.path: no such file: " + dir.resolve("nope"));
    }

    @Test
    void aDirectoryIsNotATraceFile() {
        StandaloneMachine m = machine("mmkit.workload.trace { format = text, path = \"" + dir + "\" }");
        new TraceWorkloadProvider().validate(m.settingsAt("mmkit.workload"));
        assertThat(m.problems().list()).containsExactly(
            "test configuration: 1: mmkit.workload.trace.path: " + dir + " is a directory (expected: a trace file)");
    }

    @Test
    void traceCreatesTheReaderOfItsFormat() throws Exception {
        Path file = Files.writeString(dir.resolve("t.txt"), "R 0x1000\n");
        for (String[] c : new String[][] {{"lackey", "LackeyTrace"}, {"oracle-general", "OracleGeneralTrace"}, {"text", "TextTrace"}}) {
            StandaloneMachine m = machine("mmkit.workload.trace { format = " + c[0] + ", path = \"" + file + "\" }");
            ConfigSettings settings = m.settingsAt("mmkit.workload");
            new TraceWorkloadProvider().validate(settings);
            assertThat(m.problems().list()).isEmpty();
            assertThat(new TraceWorkloadProvider().create(settings, m).getClass().getSimpleName()).isEqualTo(c[1]);
        }
    }

    @Test
    void syntheticWorkloadsUseTheMachinesSeed() throws Exception {
        FakeKernel a = new FakeKernel();
        FakeKernel b = new FakeKernel();
        String conf = "mmkit.workload.uniform.references = 500";
        StandaloneMachine ma = machine(conf);
        new UniformWorkloadProvider().create(ma.settingsAt("mmkit.workload"), ma).run(a);
        StandaloneMachine mb = machine(conf);
        new UniformWorkloadProvider().create(mb.settingsAt("mmkit.workload"), mb).run(b);
        assertThat(a.refs).hasSize(500).isEqualTo(b.refs);
    }

    @Test
    void theDefaultWorkloadIsSizedFromRamAndHonoursBackingNone() {
        StandaloneMachine m = machine("mmkit.machine.memory { size = 1MiB, backing = none }");
        DefaultWorkload w = (DefaultWorkload) new DefaultWorkloadProvider().create(m.settingsAt("mmkit.workload"), m);
        FakeKernel kernel = new FakeKernel();
        kernel.corruptVaddr = 0x60_0000L; // not compared: backing = none keeps no contents
        w.run(kernel);
        assertThat(kernel.calls).contains("mmap 2 320 pages");
    }

    @Test
    void aBadPressureIsReported() {
        StandaloneMachine m = machine("mmkit.workload.default.pressure = 20");
        new DefaultWorkloadProvider().validate(m.settingsAt("mmkit.workload"));
        assertThat(m.problems().list()).containsExactly(
            "test configuration: 1: mmkit.workload.default.pressure: 20.0 (expected: 0.0-16.0 times RAM)");
        assertThat(ConfigurationException.class).isNotNull();
    }
}
