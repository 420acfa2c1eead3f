package dev.mmkit.assembly;

// Why: the configuration checks that need no framework (layers, --set origins, unknown keys
// with suggestions, type errors, rendering with origins) must name file, line and path.

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.mmkit.api.machine.ConfigurationException;
import dev.mmkit.machine.Problems;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigurationTest {
    @TempDir
    Path dir;

    private static final Config REFERENCE = ConfigFactory.parseString(
        "mmkit { machine { memory { size = 64MiB }, cpus = 1, slab.impl = slub }, workload.impl = default }");

    @Test
    void setsOverTextsOverTheFile() throws IOException {
        Path file = dir.resolve("a.conf");
        Files.writeString(file, "mmkit.machine.cpus = 2\nmmkit.machine.memory.size = 8MiB\n");
        Configuration c = Configuration.user(file, List.of("mmkit.machine.cpus = 3"), List.of("mmkit.machine.cpus=4"));
        Config effective = c.effective(REFERENCE);
        assertThat(effective.getInt("mmkit.machine.cpus")).isEqualTo(4);
        assertThat(effective.getString("mmkit.machine.memory.size")).isEqualTo("8MiB");
        assertThat(effective.getString("mmkit.machine.slab.impl")).isEqualTo("slub");
        assertThat(Problems.where(effective.getValue("mmkit.machine.cpus").origin())).isEqualTo("--set mmkit.machine.cpus=4: ");
        assertThat(Problems.where(effective.getValue("mmkit.machine.memory.size").origin())).isEqualTo(file + ": 2: ");
    }

    @Test
    void setValuesAreHoconOrPlainStrings() {
        Config c = Configuration.parseSet("mmkit.x = [a, b]");
        assertThat(c.getStringList("mmkit.x")).containsExactly("a", "b");
        assertThat(Configuration.parseSet("mmkit.y=128MiB").getBytes("mmkit.y")).isEqualTo(128L << 20);
        assertThat(Configuration.parseSet("mmkit.z=a:b{").getString("mmkit.z")).isEqualTo("a:b{");
        assertThat(Configuration.parseSet("mmkit.p=/tmp//trace#1").getString("mmkit.p")).isEqualTo("/tmp//trace#1");
        assertThatThrownBy(() -> Configuration.parseSet("novalue")).hasMessage("--set novalue: expected path=value");
        assertThatThrownBy(() -> Configuration.parseSet("=1")).hasMessage("--set =1: expected path=value");
    }

    @Test
    void unreadableFilesAndBadSetsAreReportedTogether() {
        ConfigurationException e = catchThrowableOfType(ConfigurationException.class,
            () -> Configuration.user(dir.resolve("missing.conf"), List.of(), List.of("oops")));
        assertThat(e.problems()).containsExactly("--set oops: expected path=value", dir.resolve("missing.conf") + ": cannot read: no such file");
    }

    @Test
    void unknownKeysAreReportedAtTheirShallowestPathWithASuggestion() throws IOException {
        Path file = dir.resolve("typo.conf");
        Files.writeString(file, "mmkit.machine {\n  memroy { size = 1MiB }\n  cpus = 2\n  slab.imp = slab\n}\nmy.own.var = 1\n");
        Configuration c = Configuration.user(file, List.of(), List.of());
        Problems problems = new Problems();
        c.unknownKeys(REFERENCE, problems);
        assertThat(problems.list()).containsExactlyInAnyOrder(
            file + ": 2: mmkit.machine.memroy: unknown key (did you mean mmkit.machine.memory?)",
            file + ": 4: mmkit.machine.slab.imp: unknown key (did you mean mmkit.machine.slab.impl?)");
    }

    @Test
    void aKeyFarFromEveryOtherHasNoSuggestion() {
        Configuration c = Configuration.user(null, List.of("mmkit.machine.zzzzzzzz = 1"), List.of());
        Problems problems = new Problems();
        c.unknownKeys(REFERENCE, problems);
        assertThat(problems.list()).containsExactly("configuration text 1: 1: mmkit.machine.zzzzzzzz: unknown key");
    }

    @Test
    void structuralTypeErrorsComeFromTheReference() {
        Configuration c = Configuration.user(null, List.of("mmkit.machine.memory = 5"), List.of());
        Problems problems = new Problems();
        Configuration.typeErrors(c.effective(REFERENCE), REFERENCE, problems);
        assertThat(problems.list()).singleElement().asString()
            .startsWith("configuration text 1: 1: mmkit.machine.memory: wrong type: expected object");
    }

    @Test
    void renderShowsEveryValueWithItsOrigin() {
        Configuration c = Configuration.user(null, List.of(), List.of("mmkit.machine.cpus=2"));
        String text = Configuration.render(c.effective(REFERENCE.withFallback(ConfigFactory.parseString("other = 1"))));
        assertThat(text).contains("mmkit.machine.cpus = 2")
            .containsPattern("mmkit\\.machine\\.cpus = 2 +# --set mmkit\\.machine\\.cpus=2\n")
            .contains("mmkit.workload.impl = \"default\"")
            .doesNotContain("other");
        // The output is HOCON that parses back to the same values.
        assertThat(ConfigFactory.parseString(text).getInt("mmkit.machine.cpus")).isEqualTo(2);
    }

    @Test
    void editDistanceCountsASwapAsOneEdit() {
        assertThat(Configuration.distance("memroy", "memory")).isEqualTo(1);
        assertThat(Configuration.distance("cpu", "cpus")).isEqualTo(1);
        assertThat(Configuration.distance("abc", "xyz")).isEqualTo(3);
    }
}
