package dev.mmkit.machine;

// Why: every setting's problem must read file: line: path: problem, so that a user finds
// the bad value whichever module reads it.

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.mmkit.api.machine.ConfigurationException;
import dev.mmkit.api.machine.Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigSettingsTest {
    @TempDir
    Path dir;

    private Path file;
    private final Problems problems = new Problems();

    private ConfigSettings machine(String... lines) throws IOException {
        file = dir.resolve("user.conf");
        Files.writeString(file, String.join("\n", lines) + "\n");
        Config config = ConfigFactory.parseFile(file.toFile())
            .withFallback(ConfigFactory.defaultReference(getClass().getClassLoader())).resolve();
        return new ConfigSettings(config, "mmkit.machine", problems);
    }

    @Test
    void aValueOfTheWrongTypeNamesFileLineAndPath() throws IOException {
        ConfigSettings settings = machine("mmkit.machine {", "  seed = 1", "  cpus = lots", "}");
        assertThatThrownBy(() -> settings.getInt("cpus"))
            .isInstanceOf(ConfigurationException.class)
            .hasMessage(file + ": 3: mmkit.machine.cpus: wrong type: expected number, got string \"lots\"");
    }

    @Test
    void aNumberWithAFractionOrOutOfRangeIsRefusedWhereAWholeOneIsRead() throws IOException {
        ConfigSettings settings = machine("mmkit.machine {", "  cpus = 1.5", "  seed = 1e30", "  memory.size = 2.0", "}");
        assertThatThrownBy(() -> settings.getInt("cpus"))
            .hasMessage(file + ": 2: mmkit.machine.cpus: 1.5 (expected: a whole number from -2147483648 to 2147483647)");
        assertThatThrownBy(() -> settings.getLong("seed"))
            .hasMessage(file + ": 3: mmkit.machine.seed: 1.0E30 (expected: a whole number from -9223372036854775808 to 9223372036854775807)");
        assertThat(settings.getBlock("memory").getLong("size")).as("a whole number written with a fraction").isEqualTo(2);
    }

    @Test
    void aBadSizeNamesFileLineAndPath() throws IOException {
        ConfigSettings settings = machine("mmkit.machine.memory {", "  size = banana", "}");
        Settings memory = settings.getBlock("memory");
        assertThat(memory.path()).isEqualTo("mmkit.machine.memory");
        assertThatThrownBy(() -> memory.getBytes("size"))
            .hasMessage(file + ": 2: mmkit.machine.memory.size: No number in size-in-bytes value 'banana'");
        assertThat(memory.getBytes("page-size")).isEqualTo(4096);
    }

    @Test
    void aMissingKeyNamesItsPath() throws IOException {
        ConfigSettings settings = machine("mmkit.machine.seed = 1");
        assertThatThrownBy(() -> settings.getString("nope"))
            .hasMessage("mmkit.machine.nope: missing (no default in any reference.conf)");
    }

    @Test
    void reportedProblemsCollectWithTheirOrigin() throws IOException {
        ConfigSettings settings = machine("", "mmkit.machine.seed = 4", "mmkit.machine.cost.memory = -5ns");
        settings.reportProblem("seed", "must be odd, got 4");
        settings.getBlock("cost").reportProblem("memory", "must not be negative, got -5 ns");
        assertThat(problems.list()).containsExactly(
            file + ": 2: mmkit.machine.seed: must be odd, got 4",
            file + ": 3: mmkit.machine.cost.memory: must not be negative, got -5 ns");
        assertThatThrownBy(problems::throwIfAny).isInstanceOf(ConfigurationException.class)
            .satisfies(e -> assertThat(((ConfigurationException) e).problems()).hasSize(2));
    }

    @Test
    void listsOfBlocksAreIndexedInTheirPaths() throws IOException {
        ConfigSettings settings = machine("mmkit.machine.zones = [", "  { name = DMA, size = 1MiB }", "  { name = Normal, size = x }", "]");
        var zones = settings.getBlockList("zones");
        assertThat(zones).hasSize(2);
        assertThat(zones.get(1).path()).isEqualTo("mmkit.machine.zones[1]");
        assertThat(zones.get(0).getBytes("size")).isEqualTo(1 << 20);
        assertThatThrownBy(() -> zones.get(1).getBytes("size"))
            .hasMessage(file + ": 3: mmkit.machine.zones[1].size: No number in size-in-bytes value 'x'");
    }

    @Test
    void typedGettersAndOrigins() throws IOException {
        ConfigSettings settings = machine("mmkit.machine { seed = 7, cost.page-fault = 2ms }");
        assertThat(settings.getLong("seed")).isEqualTo(7);
        assertThat(settings.getBlock("cost").getNanos("page-fault")).isEqualTo(2_000_000);
        assertThat(settings.has("nope")).isFalse();
        assertThat(settings.has("seed")).isTrue();
        assertThat(settings.origin("seed")).isEqualTo(file + ": 1");
        assertThat(settings.origin("cpus")).endsWith("reference.conf: 21");
    }
}
