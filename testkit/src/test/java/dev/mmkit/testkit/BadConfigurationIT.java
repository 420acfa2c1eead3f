package dev.mmkit.testkit;

// Why: a bad configuration fails before anything runs, with every problem at once, each as
// file: line: path: problem, and an unknown name lists the names that are known.

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.mmkit.api.machine.ConfigurationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BadConfigurationIT {
    @TempDir
    Path dir;

    @Test
    void everyProblemIsReportedAtOnceWithFileLineAndPath() throws IOException {
        Path file = dir.resolve("bad.conf");
        Files.writeString(file, String.join("\n",
            "mmkit.machine {",
            "  memroy.size = 1MiB",
            "  cpus = lots",
            "  page-allocator.impl = foo",
            "  memory.size = banana",
            "}",
            ""));
        ConfigurationException e = catchThrowableOfType(ConfigurationException.class,
            () -> MmkitAssembly.defaults().configFile(file).set("mmkit.machine.seed", "x").boot());
        assertThat(e.problems()).contains(
            file + ": 2: mmkit.machine.memroy: unknown key (did you mean mmkit.machine.memory?)",
            file + ": 3: mmkit.machine.cpus: wrong type: expected number, got string \"lots\"",
            file + ": 4: mmkit.machine.page-allocator.impl: "
                + "Unknown page-allocator [foo], known options [best-fit, buddy, first-fit, worst-fit]",
            file + ": 5: mmkit.machine.memory.size: No number in size-in-bytes value 'banana'",
            "--set mmkit.machine.seed=x: mmkit.machine.seed: wrong type: expected number, got string \"x\"");
    }

    @Test
    void unknownSlabNameListsTheKnownFlavours() {
        ConfigurationException e = catchThrowableOfType(ConfigurationException.class,
            () -> MmkitAssembly.config("mmkit.machine.slab.impl = slab2").boot());
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).matches(
            "configuration text 1: 1: mmkit\\.machine\\.slab\\.impl: Unknown slab \\[slab2\\], known options \\[.*slub.*\\]"));
    }

    @Test
    void aPluginsNameIsUnknownWithoutThePlugin() {
        ConfigurationException e = catchThrowableOfType(ConfigurationException.class,
            () -> MmkitAssembly.config("mmkit.machine.replacement.impl = random").boot());
        assertThat(e.problems()).anySatisfy(p -> assertThat(p)
            .contains("mmkit.machine.replacement.impl: Unknown replacement [random], known options [")
            .doesNotContain("random,").doesNotContain(", random"));
    }

    @Test
    void aValueOfTheWrongStructureIsATypeError() {
        ConfigurationException e = catchThrowableOfType(ConfigurationException.class,
            () -> MmkitAssembly.config("mmkit.machine.memory = 5").boot());
        assertThat(e.problems()).anySatisfy(p -> assertThat(p)
            .startsWith("configuration text 1: 1: mmkit.machine.memory: wrong type: expected object"));
    }

    @Test
    void aMissingFileAndABadSetAreConfigurationErrors() {
        ConfigurationException e = catchThrowableOfType(ConfigurationException.class,
            () -> MmkitAssembly.defaults().configFile(dir.resolve("nope.conf")).boot());
        assertThat(e.problems()).containsExactly(dir.resolve("nope.conf") + ": cannot read: no such file");
    }

    @Test
    void aFileThatDoesNotParseNamesItsLine() throws IOException {
        Path file = dir.resolve("broken.conf");
        Files.writeString(file, "mmkit {\n  machine.cpus = 2\n  = oops\n}\n");
        ConfigurationException e = catchThrowableOfType(ConfigurationException.class,
            () -> MmkitAssembly.defaults().configFile(file).boot());
        assertThat(e.problems()).singleElement().asString().startsWith(file + ": 3: ");
    }

    @Test
    void theChosenPluginsValidateReportsWithTheOthers() {
        ConfigurationException e = catchThrowableOfType(ConfigurationException.class,
            () -> MmkitAssembly.config(String.join("\n",
                    "mmkit.machine.replacement.impl = broken-on-create",
                    "mmkit.machine.replacement.broken-on-create.message = \"  \"",
                    "mmkit.machine.cpus = 0"))
                .plugin(TestPlugins.testPlugin()).boot());
        assertThat(e.problems()).contains(
            "configuration text 1: 2: mmkit.machine.replacement.broken-on-create.message: must not be empty",
            "configuration text 1: 3: mmkit.machine.cpus: 0 (expected: 1-64)");
    }

    @Test
    void anOptionalSlotKnowsNone() {
        ConfigurationException e = catchThrowableOfType(ConfigurationException.class,
            () -> MmkitAssembly.config("mmkit.machine.page-cache.impl = radix-tree").boot());
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith(
            "configuration text 1: 1: mmkit.machine.page-cache.impl: Unknown page-cache [radix-tree], known options [")
            .endsWith("[none, radix]"));
    }
}
