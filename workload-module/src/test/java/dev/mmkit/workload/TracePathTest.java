package dev.mmkit.workload;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.machine.StandaloneMachine;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

// Checks that a trace path the host cannot even name (a NUL character, from a HOCON "\u0000" escape) is reported through Settings.reportProblem like a missing file, as ImplementationProvider.validate promises ("reporting every problem through reportProblem"), rather than thrown as InvalidPathException, which the assembly turns into "validate failed" (exit 1, no file or line).
class TracePathTest {
    @Test
    void aPathWithANulCharacterIsAProblemOfThePathKey() {
        StandaloneMachine m = StandaloneMachine.builder(StandaloneMachine.config(
            "mmkit.workload.trace { format = text, path = \"a\\u0000b.txt\" }")).runDirectory(Path.of("target/run")).build();
        new TraceWorkloadProvider().validate(m.settingsAt("mmkit.workload"));
        assertThat(m.problems().list()).singleElement().asString()
            .startsWith("test configuration: 1: mmkit.workload.trace.path: ");
    }
}
