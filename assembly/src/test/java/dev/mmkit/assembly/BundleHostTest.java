package dev.mmkit.assembly;

// Why: the system bundle must export the API packages exactly as the API jar's manifest
// versions them (bundles import [1.0,2)), and the embedded bundles' index must list
// Declarative Services before the modules that need it. Of the JDK's packages it exports
// those the bundles import, a plugin's included, and no others.

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundleHostTest {
    @Test
    void apiExportsComeFromTheApiManifestWithVersions() {
        String exports = BundleHost.apiExports();
        assertThat(exports).contains("dev.mmkit.api.machine;version=\"2.0.0\"")
            .contains("dev.mmkit.api.page;version=")
            .contains("dev.mmkit.api.workload;version=");
    }

    @Test
    void theIndexInstallsDeclarativeServicesFirst() {
        assertThat(BundleHost.embeddedBundles()).startsWith("org.osgi.util.function.jar", "org.osgi.util.promise.jar",
            "org.osgi.service.component.jar", "org.apache.felix.scr.jar")
            .contains("buddy-module.jar", "slab-module.jar", "tlb-module.jar", "paging-module.jar", "workload-module.jar")
            .doesNotContain("mmkit-api.jar");
    }

    @Test
    void pluginJarsAreTheDirectorysJarsByName(@TempDir Path dir) throws IOException {
        Files.createFile(dir.resolve("b.jar"));
        Files.createFile(dir.resolve("a.jar"));
        Files.createFile(dir.resolve("notes.txt"));
        assertThat(BundleHost.pluginJars(dir)).containsExactly(dir.resolve("a.jar"), dir.resolve("b.jar"));
        assertThat(BundleHost.pluginJars(dir.resolve("absent"))).isEmpty();
    }

    @Test
    void theSystemBundleExportsTheFrameworksPackagesAndTheJdkPackagesTheBundlesImport(@TempDir Path dir) throws IOException {
        // (the embedded bundles are packed into the assembly jar after the unit tests: here a
        // plugin stands for every bundle; SystemPackagesIT boots the whole assembly)
        String none = BundleHost.systemPackages(List.of(), List.of());
        assertThat(none).contains("org.osgi.framework;version=\"1.10\"", "org.osgi.util.tracker;version=")
            .doesNotContain("java.", "javax.");

        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", "com.example.jdbc");
        main.putValue("Import-Package", "java.sql;resolution:=optional,java.util.zip;java.util.jar;version=\"0\","
            + "com.example.elsewhere");
        // a dynamic import's wildcard matches the packages below it, not the package itself
        main.putValue("DynamicImport-Package", "javax.naming.*");
        Path plugin = dir.resolve("jdbc.jar");
        try (OutputStream out = Files.newOutputStream(plugin); JarOutputStream jar = new JarOutputStream(out, manifest)) {
            jar.flush();
        }
        String jdk = ";version=\"0.0.0.JavaSE_" + String.format("%03d", Runtime.version().feature()) + "\"";
        assertThat(BundleHost.systemPackages(List.of(), List.of(plugin))).startsWith(none)
            .contains("java.sql" + jdk, "java.util.zip" + jdk, "java.util.jar" + jdk, "javax.naming.directory" + jdk)
            .doesNotContain("javax.naming;", "java.awt", "com.example.elsewhere");
    }
}
