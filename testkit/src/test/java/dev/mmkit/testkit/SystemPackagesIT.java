package dev.mmkit.testkit;

// Why: the system bundle exports only the JDK packages that the boot's bundles import; a
// plugin that imports one no other bundle does must still resolve, and one that imports a
// package nobody exports must still fail, named.

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mmkit.assembly.AssemblyException;
import dev.mmkit.assembly.BundleHost;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.wiring.BundleWire;
import org.osgi.framework.wiring.BundleWiring;

class SystemPackagesIT {
    @TempDir
    Path dir;

    @Test
    void aPluginImportingAJdkPackageNoOtherBundleImportsResolvesToTheSystemBundle() throws IOException {
        Path plugin = bundle("com.example.jdbc", "java.sql,java.util.zip");
        try (BundleHost host = BundleHost.start(dir.resolve("felix-cache"), List.of(plugin))) {
            Bundle jdbc = host.bundles().stream().filter(b -> b.getSymbolicName().equals("com.example.jdbc"))
                .findFirst().orElseThrow();
            assertThat(jdbc.getState()).isEqualTo(Bundle.ACTIVE);
            List<BundleWire> wires = jdbc.adapt(BundleWiring.class).getRequiredWires("osgi.wiring.package");
            assertThat(wires).extracting(w -> w.getCapability().getAttributes().get("osgi.wiring.package"))
                .containsExactlyInAnyOrder("java.sql", "java.util.zip");
            assertThat(wires).allMatch(w -> w.getProvider().getBundle().getBundleId() == 0);
        }
    }

    @Test
    void aPluginImportingAPackageNobodyExportsIsNamed() throws IOException {
        Path plugin = bundle("com.example.missing", "java.sql,com.example.nowhere");
        assertThatThrownBy(() -> BundleHost.start(dir.resolve("felix-cache"), List.of(plugin)).close())
            .isInstanceOf(AssemblyException.class)
            .hasMessageContaining("com.example.missing")
            .hasMessageContaining("does not resolve")
            .hasMessageContaining("com.example.nowhere");
    }

    private Path bundle(String name, String imports) throws IOException {
        return TestPlugins.emptyBundle(dir.resolve(name + ".jar"), name, null, imports);
    }
}
