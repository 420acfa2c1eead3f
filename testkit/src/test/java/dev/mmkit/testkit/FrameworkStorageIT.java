package dev.mmkit.testkit;

// Why: the framework's storage is kept from one boot to the next only while the bundles
// are the same; a changed or removed bundle, storage that does not boot, or a boot that
// failed must never leave a run with stale bundles or a broken framework.

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.mmkit.assembly.AssemblyException;
import dev.mmkit.assembly.BundleHost;
import dev.mmkit.assembly.Slot;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;

class FrameworkStorageIT {
    @TempDir
    Path dir;

    @Test
    void theStorageIsKeptWhileTheBundlesAreTheSame() throws IOException {
        Path storage = dir.resolve("felix-cache");
        Path plugin = Files.copy(TestPlugins.testPlugin(), dir.resolve("test-plugin.jar"));
        List<Long> ids;
        try (BundleHost host = BundleHost.start(storage, List.of(plugin))) {
            ids = host.bundles().stream().map(Bundle::getBundleId).toList();
        }
        assertThat(storage.resolve("mmkit.bundles")).as("written once every bundle started").isRegularFile();
        Path marker = Files.writeString(storage.resolve("marker"), "left by the test");
        try (BundleHost host = BundleHost.start(storage, List.of(plugin))) {
            assertThat(marker).as("kept, not cleaned").exists();
            assertThat(host.bundles().stream().map(Bundle::getBundleId).toList()).isEqualTo(ids);
            assertThat(host.implementations(Slot.REPLACEMENT, "random")).as("the plugin's provider, registered again").hasSize(1);
            assertThat(host.bundles()).allMatch(b -> b.getState() == Bundle.ACTIVE);
        }
        try (BundleHost host = BundleHost.start(storage, List.of())) {
            assertThat(marker).as("a plugin fewer: cleaned").doesNotExist();
            assertThat(host.bundles()).noneMatch(b -> b.getSymbolicName().equals("dev.mmkit.testplugin"));
        }
    }

    @Test
    void aPluginChangedInPlaceIsInstalledAnew() throws IOException {
        Path storage = dir.resolve("felix-cache");
        Path plugin = Files.copy(TestPlugins.testPlugin(), dir.resolve("test-plugin.jar"));
        String before;
        try (BundleHost host = BundleHost.start(storage, List.of(plugin))) {
            before = testPlugin(host).getVersion().toString();
        }
        withVersion(TestPlugins.testPlugin(), plugin, "7.7.7");
        try (BundleHost host = BundleHost.start(storage, List.of(plugin))) {
            assertThat(testPlugin(host).getVersion().toString()).isEqualTo("7.7.7").isNotEqualTo(before);
        }
    }

    @Test
    void keptStorageThatDoesNotBootIsCleanedAndBootedAgain() throws IOException {
        Path storage = dir.resolve("felix-cache");
        Path plugin = bootOnce(storage);
        // the test plugin's cached revision replaced by a bundle that does not resolve: the
        // framework loads it as installed, so the boot on kept storage fails at its start
        Path cached;
        try (Stream<Path> files = Files.walk(storage)) {
            cached = files.filter(p -> p.getFileName().toString().equals("bundle.jar"))
                .filter(FrameworkStorageIT::isTestPlugin).findFirst().orElseThrow();
        }
        TestPlugins.unresolvable(cached, null);
        try (BundleHost host = BundleHost.start(storage, List.of(plugin))) {
            assertThat(host.implementations(Slot.REPLACEMENT, "random")).as("booted again from clean storage").hasSize(1);
            assertThat(host.bundles()).noneMatch(b -> b.getSymbolicName().equals("com.example.unresolvable"));
            assertThat(host.bundles()).allMatch(b -> b.getState() == Bundle.ACTIVE);
        }
    }

    private static boolean isTestPlugin(Path jar) {
        try (InputStream in = Files.newInputStream(jar); JarInputStream j = new JarInputStream(in)) {
            return j.getManifest() != null
                && "dev.mmkit.testplugin".equals(j.getManifest().getMainAttributes().getValue("Bundle-SymbolicName"));
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void corruptedArchivesInKeptStorageAreDroppedAndInstalledAgain() throws IOException {
        Path storage = dir.resolve("felix-cache");
        Path plugin = bootOnce(storage);
        try (Stream<Path> files = Files.walk(storage)) {
            for (Path p : files.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().equals("mmkit.bundles")).toList()) {
                Files.writeString(p, "garbage"); // every archive, revision and jar of the kept storage
            }
        }
        try (BundleHost host = BundleHost.start(storage, List.of(plugin))) {
            assertThat(host.implementations(Slot.REPLACEMENT, "random")).hasSize(1);
            assertThat(host.bundles()).allMatch(b -> b.getState() == Bundle.ACTIVE);
        }
    }

    @Test
    void aBootThatFailsLeavesStorageTheNextBootCleans() throws IOException {
        Path storage = dir.resolve("felix-cache");
        Path plugin = bootOnce(storage);
        Path unresolvable = TestPlugins.unresolvable(dir.resolve("unresolvable.jar"), null);
        AssemblyException e = catchThrowableOfType(AssemblyException.class,
            () -> BundleHost.start(storage, List.of(plugin, unresolvable)).close());
        assertThat(e.getMessage()).startsWith("bundle com.example.unresolvable 0.0.0 (" + unresolvable + ") does not resolve");
        assertThat(storage.resolve("mmkit.bundles")).as("no fingerprint: the next boot cleans").doesNotExist();
        Path marker = Files.writeString(storage.resolve("marker"), "left by the test");
        try (BundleHost host = BundleHost.start(storage, List.of(plugin))) {
            assertThat(marker).doesNotExist();
            assertThat(host.bundles()).noneMatch(b -> b.getSymbolicName().equals("com.example.unresolvable"));
        }
    }

    /** Boots once with a copy of the test plugin, which it returns, leaving its storage and fingerprint. */
    private Path bootOnce(Path storage) throws IOException {
        Path plugin = Files.copy(TestPlugins.testPlugin(), dir.resolve("test-plugin.jar"));
        try (BundleHost host = BundleHost.start(storage, List.of(plugin))) {
            assertThat(host.bundles()).isNotEmpty();
        }
        assertThat(storage.resolve("mmkit.bundles")).isRegularFile();
        return plugin;
    }

    private static Bundle testPlugin(BundleHost host) {
        return host.bundles().stream().filter(b -> b.getSymbolicName().equals("dev.mmkit.testplugin")).findFirst().orElseThrow();
    }

    /** {@code from} copied to {@code to} with another Bundle-Version, every other entry as it was. */
    private static void withVersion(Path from, Path to, String version) throws IOException {
        Path copy = Files.createTempFile(to.getParent(), "plugin", ".jar");
        try (InputStream in = Files.newInputStream(from); JarInputStream jar = new JarInputStream(in)) {
            Manifest manifest = new Manifest(jar.getManifest());
            manifest.getMainAttributes().putValue("Bundle-Version", version);
            try (OutputStream out = Files.newOutputStream(copy); JarOutputStream j = new JarOutputStream(out, manifest)) {
                for (JarEntry entry; (entry = jar.getNextJarEntry()) != null; ) {
                    j.putNextEntry(new JarEntry(entry.getName()));
                    jar.transferTo(j);
                    j.closeEntry();
                }
            }
        }
        Files.move(copy, to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
}
