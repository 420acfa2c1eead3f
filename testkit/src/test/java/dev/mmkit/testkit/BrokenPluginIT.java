package dev.mmkit.testkit;

// Why: a plugin that fails, by throwing from its provider or by not resolving, stops the
// boot with a message naming its bundle, version and cause; the machine never starts.

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.mmkit.assembly.AssemblyException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BrokenPluginIT {
    @TempDir
    Path dir;

    @Test
    void aProviderThatThrowsIsNamedWithItsBundle() {
        TestPlugins.assumeComplete();
        AssemblyException e = catchThrowableOfType(AssemblyException.class,
            () -> MmkitAssembly.config("mmkit.machine.replacement.impl = broken-on-create")
                .plugin(TestPlugins.testPlugin()).boot());
        assertThat(e.getMessage())
            .startsWith("replacement [broken-on-create] of bundle dev.mmkit.testplugin 1.0.0")
            .contains("create failed: java.lang.IllegalStateException: broken on purpose");
    }

    @Test
    void thePluginsOwnSettingReachesItsProvider() {
        TestPlugins.assumeComplete();
        AssemblyException e = catchThrowableOfType(AssemblyException.class,
            () -> MmkitAssembly.config("mmkit.machine.replacement { impl = broken-on-create, broken-on-create.message = boom }")
                .plugin(TestPlugins.testPlugin()).boot());
        assertThat(e.getMessage()).endsWith("IllegalStateException: boom");
    }

    @Test
    void aPluginThatDoesNotResolveIsNamedWithItsVersionFileAndCause() throws IOException {
        Path jar = TestPlugins.unresolvable(dir.resolve("unresolvable.jar"), "1.2.3");
        AssemblyException e = catchThrowableOfType(AssemblyException.class,
            () -> MmkitAssembly.defaults().plugin(jar).boot());
        assertThat(e.getMessage())
            .startsWith("bundle com.example.unresolvable 1.2.3 (" + jar + ") does not resolve: ")
            .contains("dev.mmkit.api.nothing");
    }

    @Test
    void aJarThatIsNotABundleIsNamed() throws IOException {
        Path jar = dir.resolve("plain.jar");
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, manifest)) {
            j.flush();
        }
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Files.copy(jar, plugins.resolve("plain.jar"));
        AssemblyException e = catchThrowableOfType(AssemblyException.class,
            () -> MmkitAssembly.defaults().pluginsDir(plugins).boot());
        assertThat(e.getMessage()).startsWith("bundle " + plugins.resolve("plain.jar"));
    }
}
