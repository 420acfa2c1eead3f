package dev.mmkit.assembly;

// Why: a machine too big for the host's heap is reported with what it keeps there, each by
// its key, and what to change (CliIT runs the three failures end to end).

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

class OutOfHeapAdviceTest {
    private static final String LIMIT = " (its limit: " + (Runtime.getRuntime().maxMemory() >> 20) + " MiB)";

    @Test
    void namesTheMemorySizeItsFramesAndTheBacking() {
        String advice = Assembly.outOfHeapAdvice(ConfigFactory.parseString(
            "mmkit.machine.memory { size = 64GiB, backing = none }"));
        assertThat(advice).isEqualTo(LIMIT + "; the machine keeps there the metadata of every frame of"
            + " mmkit.machine.memory.size = 64GiB (16777216 frames) (backing = none);"
            + " give the JVM more (MMKIT_JAVA_OPTS=-Xmx<size>) or the machine less");
    }

    @Test
    void withBytesTheContentsOfFramesInUseToo() {
        String advice = Assembly.outOfHeapAdvice(ConfigFactory.parseString(
            "mmkit.machine.memory { size = 1024MiB, backing = bytes }"));
        assertThat(advice).contains("the metadata of every frame of mmkit.machine.memory.size = 1024MiB (262144 frames),"
            + " and the 4 KiB contents of every frame in use (backing = bytes);");
    }

    @Test
    void namesTheSwapMapAndTheTlbWhenConfigured() {
        String advice = Assembly.outOfHeapAdvice(ConfigFactory.parseString(
            "mmkit.machine { memory { size = 64MiB, backing = none }, paging.swap.size = 7TiB,"
                + " tlb { impl = set-associative, entries = 1073741824 } }"));
        assertThat(advice).contains("(16384 frames) (backing = none), 8 bytes per slot of mmkit.machine.paging.swap.size = 7TiB"
            + " (1879048192 slots), 16 bytes per entry of mmkit.machine.tlb.entries = 1073741824 on each CPU;");
        assertThat(Assembly.outOfHeapAdvice(ConfigFactory.parseString(
            "mmkit.machine { paging.swap.size = 0, tlb { impl = hierarchy, entries = 64 } }")))
            .as("no swap area, and a hierarchy's levels have entries of their own").isEqualTo(LIMIT
                + "; give the JVM more (MMKIT_JAVA_OPTS=-Xmx<size>) or the machine less");
    }
}
