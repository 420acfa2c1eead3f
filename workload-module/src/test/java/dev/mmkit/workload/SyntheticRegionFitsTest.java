package dev.mmkit.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mmkit.api.machine.ConfigurationException;
import dev.mmkit.api.pagetable.PageTable;
import dev.mmkit.api.workload.WorkloadSourceProvider;
import dev.mmkit.machine.ConfigSettings;
import dev.mmkit.machine.StandaloneMachine;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

// Checks that a synthetic workload whose region (pages at 0x10000000) does not fit the machine's user address space is a configuration error, not a run whose process dies with SIGSEGV at its first reference past the end: reference.conf promises "pages: 1 to 2^36" and validation accepts 2^36, but x86-64's user space ends at 2^47 and x86-32's at 3 GiB.
class SyntheticRegionFitsTest {
    private static final List<WorkloadSourceProvider> SYNTHETIC = List.of(new SequentialWorkloadProvider(),
        new UniformWorkloadProvider(), new ZipfWorkloadProvider(), new LoopWorkloadProvider(), new PhasedWorkloadProvider());

    /** A page table that answers only its user address limit (what the workload may ask of it). */
    static PageTable pageTable(long userLimit) {
        return (PageTable) Proxy.newProxyInstance(PageTable.class.getClassLoader(), new Class<?>[] {PageTable.class},
            (proxy, method, args) -> {
                if (method.getName().equals("userAddressLimit")) {
                    return userLimit;
                }
                throw new UnsupportedOperationException(method.getName());
            });
    }

    private static StandaloneMachine machine(String hocon, long userLimit) {
        return StandaloneMachine.builder(StandaloneMachine.config(hocon)).runDirectory(Path.of("target/run"))
            .pageTable(m -> pageTable(userLimit)).build();
    }

    /** Whether the configuration is refused: a validation problem, or a ConfigurationException at create. */
    private static boolean refused(WorkloadSourceProvider p, StandaloneMachine m) {
        ConfigSettings settings = m.settingsAt("mmkit.workload");
        p.validate(settings);
        if (!m.problems().list().isEmpty()) {
            return true;
        }
        try {
            p.create(settings, m);
            return false;
        } catch (ConfigurationException e) {
            assertThat(e.problems()).singleElement().asString().contains("mmkit.workload.").contains(".pages: ");
            return true;
        }
    }

    @Test
    void aRegionPastX8664UserSpaceIsAConfigurationError() {
        for (WorkloadSourceProvider p : SYNTHETIC) {
            String name = p.getClass().getSimpleName().replace("WorkloadProvider", "").toLowerCase();
            // 2^36 pages from 256 MiB end at 2^48 + 256 MiB; x86-64's user space ends at 2^47
            StandaloneMachine m = machine("mmkit.workload." + name + " { pages = 68719476736, working-set = 1 }", 1L << 47);
            assertThat(refused(p, m)).as("%s with 2^36 pages", name).isTrue();
        }
    }

    @Test
    void theLargestRegionThatFitsIsAccepted() {
        long fits = ((1L << 47) - SyntheticWorkload.BASE) >>> 12;
        for (WorkloadSourceProvider p : SYNTHETIC) {
            String name = p.getClass().getSimpleName().replace("WorkloadProvider", "").toLowerCase();
            StandaloneMachine m = machine("mmkit.workload." + name + " { pages = " + fits + ", working-set = 1 }", 1L << 47);
            assertThat(refused(p, m)).as("%s with %s pages", name, fits).isFalse();
        }
    }

    @Test
    void aRegionPastX8632UserSpaceIsAConfigurationError() {
        // 1 Mi pages (4 GiB) from 256 MiB: past x86-32's 3 GiB
        StandaloneMachine m = machine("mmkit.workload.uniform.pages = 1048576", 0xC000_0000L);
        assertThatThrownBy(() -> {
            new UniformWorkloadProvider().validate(m.settingsAt("mmkit.workload"));
            assertThat(m.problems().list()).isEmpty();
            new UniformWorkloadProvider().create(m.settingsAt("mmkit.workload"), m);
        }).isInstanceOf(ConfigurationException.class)
            .hasMessage("test configuration: 1: mmkit.workload.uniform.pages: 1048576 pages from 0x10000000 end at 0x110000000,"
                + " past the end of user space at 0xc0000000 (expected: at most 720896)");
    }
}
