package dev.mmkit.machine;

// Why: a bad size or a null must still read file: line: path: problem with the problem
// named (found by the CLI fuzz session: "memory.size: -4096" said nothing, and a null lost
// its file and line).

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import org.junit.jupiter.api.Test;

class ConfigSettingsProblemTextTest {
    private final Problems problems = new Problems();

    private ConfigSettings machine(String text) {
        Config config = ConfigFactory.parseString(text, ConfigParseOptions.defaults().setOriginDescription("my.conf"))
            .withFallback(ConfigFactory.defaultReference(getClass().getClassLoader())).resolve();
        return new ConfigSettings(config, "mmkit.machine", problems);
    }

    @Test
    void aNegativeSizeSaysWhatIsWrong() {
        ConfigSettings memory = (ConfigSettings) machine("mmkit.machine.memory.size = -4KiB").getBlock("memory");
        assertThatThrownBy(() -> memory.getBytes("size"))
            .hasMessageStartingWith("my.conf: 1: mmkit.machine.memory.size: ")
            .hasMessageContaining("negative");
    }

    @Test
    void aSizeOutOfRangeSaysWhatIsWrong() {
        ConfigSettings memory = (ConfigSettings) machine("mmkit.machine.memory.size = 100EiB").getBlock("memory");
        assertThatThrownBy(() -> memory.getBytes("size"))
            .hasMessageStartingWith("my.conf: 1: mmkit.machine.memory.size: ")
            .hasMessageContaining("out of range");
    }

    @Test
    void aNullNamesItsFileAndLine() {
        ConfigSettings settings = machine("mmkit.machine.cpus = null");
        assertThatThrownBy(() -> settings.getInt("cpus"))
            .hasMessageStartingWith("my.conf: 1: mmkit.machine.cpus: ");
    }
}
