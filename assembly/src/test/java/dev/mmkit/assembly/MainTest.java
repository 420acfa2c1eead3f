package dev.mmkit.assembly;

// Why: usage errors must exit with 2 before anything boots, and help must exit with 0.

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class MainTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int mmkit(String... args) {
        return Main.execute(new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8), args);
    }

    @Test
    void usageErrorsExitWithTwo() {
        assertThat(mmkit()).isEqualTo(Main.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("missing command: run, plugins, config or trace (mmkit --help tells more)");
        assertThat(mmkit("bogus")).isEqualTo(Main.USAGE);
        assertThat(mmkit("run", "--format", "xml")).isEqualTo(Main.USAGE);
        assertThat(mmkit("run", "--trace", "lackey")).isEqualTo(Main.USAGE);
        assertThat(mmkit("run", "--trace", ":x")).isEqualTo(Main.USAGE);
        assertThat(mmkit("run", "--bogus-option")).isEqualTo(Main.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("Unknown format [xml], known options [json, text]")
            .contains("--trace lackey: expected FORMAT:PATH");
    }

    @Test
    void onlyTheNamedCommandIsBuiltAndAnyOtherLineGetsThemAll() {
        assertThat(Main.commandsFor("run", "--trace", "lackey:x")).containsExactly(Main.Run.class);
        assertThat(Main.commandsFor("trace", "zipf", "out")).containsExactly(Main.TraceCommand.class);
        List<Class<?>> all = List.of(Main.Run.class, Main.Plugins.class, Main.ConfigCommand.class, Main.TraceCommand.class);
        assertThat(Main.commandsFor()).isEqualTo(all);
        assertThat(Main.commandsFor("--help")).isEqualTo(all);
        assertThat(Main.commandsFor("runn")).isEqualTo(all);
        assertThat(mmkit("--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("  run ").contains("  plugins ").contains("  config ")
            .contains("  trace ");
    }

    @Test
    void helpAndVersionExitWithZero() {
        assertThat(mmkit("--help")).isZero();
        assertThat(mmkit("run", "--help")).isZero();
        assertThat(mmkit("--version")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("run").contains("plugins").contains("config")
            .contains("--trace=FORMAT:PATH").contains("mmkit 1.0.0");
    }

    @Test
    void traceValuesAreQuotedAsHoconStrings() {
        String path = "/tmp/a \"b\"\\c//d#e";
        String quoted = Main.quote(path);
        assertThat(com.typesafe.config.ConfigFactory.parseString("p = " + quoted).getString("p")).isEqualTo(path);
    }
}
