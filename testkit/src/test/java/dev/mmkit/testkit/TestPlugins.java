package dev.mmkit.testkit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/** Where the build put the test plugin, and whether the project's bundles fill every slot. */
final class TestPlugins {
    /** The directory failsafe's pre-integration-test copied the test plugin into. */
    static final Path DIR = Path.of(System.getProperty("mmkit.test.plugins", "target/plugins"));
    /** The test plugin bundle (dev.mmkit.testplugin). */
    static final Path TEST_PLUGIN = DIR.resolve("test-plugin.jar");

    private static List<String> missing;

    private TestPlugins() {
    }

    static Path testPlugin() {
        if (!Files.isRegularFile(TEST_PLUGIN)) {
            throw new IllegalStateException(TEST_PLUGIN + " is missing: run the tests with mvn verify, which copies it");
        }
        return TEST_PLUGIN;
    }

    /**
     * Writes {@code jar}, an empty bundle {@code com.example.unresolvable} (of {@code version},
     * when not null) that imports a package nobody exports: it installs, and does not resolve.
     */
    static Path unresolvable(Path jar, String version) throws IOException {
        return emptyBundle(jar, "com.example.unresolvable", version, "dev.mmkit.api.nothing;version=\"[9.0,10)\"");
    }

    /** Writes {@code jar}, an empty bundle {@code name} (of {@code version}, when not null) that imports {@code imports}. */
    static Path emptyBundle(Path jar, String name, String version, String imports) throws IOException {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", name);
        if (version != null) {
            main.putValue("Bundle-Version", version);
        }
        main.putValue("Import-Package", imports);
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, manifest)) {
            j.flush();
        }
        return jar;
    }

    /**
     * Skips a test that runs a machine while some default implementation is not installed
     * (a module still being written), naming what is missing.
     */
    static synchronized void assumeComplete() {
        if (missing == null) {
            missing = MmkitAssembly.defaults().plugin(testPlugin()).problems();
        }
        assumeTrue(missing.isEmpty(), () -> "the project's bundles do not fill every slot yet: " + missing);
    }
}
