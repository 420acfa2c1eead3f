package dev.mmkit.assembly;

// Why: the system bundle must export the API packages exactly as the API jar's manifest
// versions them (bundles import [1.0,2)), and the embedded bundles' index must list
// Declarative Services before the modules that need it.

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
}
