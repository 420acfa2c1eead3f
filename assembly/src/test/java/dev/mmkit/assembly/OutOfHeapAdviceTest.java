package dev.mmkit.assembly;

// Why: a machine too big for the host's heap is reported with what it keeps there and what to
// change, from the configuration as written (CliIT runs the three failures end to end).

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

class OutOfHeapAdviceTest {
    @Test
    void namesTheMemorySizeItsFramesAndTheBacking() {
        String advice = Assembly.outOfHeapAdvice(ConfigFactory.parseString(
            "mmkit.machine.memory { size = 64GiB, backing = none }"));
        assertThat(advice).startsWith(" (its limit: " + (Runtime.getRuntime().maxMemory() >> 20) + " MiB): ")
            .contains("mmkit.machine.memory.size = 64GiB (16777216 frames) with backing = none keeps the metadata of every frame on that heap")
            .doesNotContain("contents")
            .endsWith("; give the JVM more (MMKIT_JAVA_OPTS=-Xmx<size>) or the machine less memory");
    }

    @Test
    void withBytesTheContentsOfFramesInUseToo() {
        String advice = Assembly.outOfHeapAdvice(ConfigFactory.parseString(
            "mmkit.machine.memory { size = 1024MiB, backing = bytes }"));
        assertThat(advice).contains("size = 1024MiB (262144 frames) with backing = bytes keeps the metadata of every frame"
            + " and the 4 KiB contents of every frame in use on that heap");
    }

    @Test
    void withoutAMemorySizeOnlyTheLimitAndTheRemedy() {
        assertThat(Assembly.outOfHeapAdvice(ConfigFactory.empty())).matches(
            " \\(its limit: \\d+ MiB\\); give the JVM more \\(MMKIT_JAVA_OPTS=-Xmx<size>\\) or the machine less memory");
    }
}
