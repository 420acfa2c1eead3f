package dev.mmkit.machine;

// Why: the machine is built the same way by the assembly and by every module's tests; it
// must report every bad setting at once and catch a collaborator asked for inside create.

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.mmkit.api.machine.ConfigurationException;
import dev.mmkit.api.page.PageAllocator;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class StandaloneMachineTest {
    @Test
    void buildsTheMachineServicesFromSettings() {
        StandaloneMachine machine = StandaloneMachine.builder(StandaloneMachine.config(
            "mmkit.machine { memory.size = 1MiB, cpus = 2, seed = 9 }")).build();
        assertThat(machine.memory().nrFrames()).isEqualTo(256);
        assertThat(machine.memMap().nrFrames()).isEqualTo(256);
        assertThat(machine.nrCpus()).isEqualTo(2);
        assertThat(machine.seed()).isEqualTo(9);
        assertThat(machine.cost().memory()).isEqualTo(100);
        assertThat(machine.cost().pageFault()).isEqualTo(8_000_000);
        assertThat(machine.random().nextLong()).isEqualTo(new SplittableRandom(9).nextLong());
        machine.setCurrentCpu(1);
        assertThat(machine.currentCpu()).isEqualTo(1);
        assertThatThrownBy(() -> machine.setCurrentCpu(2)).hasMessage("cpu: 2 (expected: 0-1)");
    }

    @Test
    void everyBadSettingIsReportedAtOnce() {
        ConfigurationException e = catchThrowableOfType(ConfigurationException.class,
            () -> StandaloneMachine.builder(StandaloneMachine.config(
                "mmkit.machine { memory { size = 1000, backing = tape }, cpus = 0, seed = x, cost.memory = -1ns }")).build());
        assertThat(e.problems()).containsExactlyInAnyOrder(
            "test configuration: 1: mmkit.machine.memory.size: 1000 bytes (expected: a whole number of 4KiB pages, at least 64KiB)",
            "test configuration: 1: mmkit.machine.memory.backing: Unknown backing [tape], known options [bytes, none]",
            "test configuration: 1: mmkit.machine.cpus: 0 (expected: 1-64)",
            "test configuration: 1: mmkit.machine.seed: wrong type: expected number, got string \"x\"",
            "test configuration: 1: mmkit.machine.cost.memory: must not be negative, got -1 ns");
    }

    @Test
    void collaboratorsAreCreatedOnFirstUseAndKept() {
        int[] created = {0};
        StandaloneMachine machine = StandaloneMachine.builder(StandaloneMachine.config("")).pageAllocator(m -> {
            created[0]++;
            return (PageAllocator) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {PageAllocator.class}, (proxy, method, args) -> null);
        }).build();
        assertThat(machine.hasCreated("page allocator")).isFalse();
        PageAllocator first = machine.pageAllocator();
        assertThat(machine.pageAllocator()).isSameAs(first);
        assertThat(created[0]).isEqualTo(1);
        assertThat(machine.hasCreated("page allocator")).isTrue();
        assertThatThrownBy(machine::slab).hasMessage("this machine has no slab allocator configured");
    }

    @Test
    void aCollaboratorAskedForInsideCreateIsACycle() {
        StandaloneMachine machine = StandaloneMachine.builder(StandaloneMachine.config(""))
            .pageAllocator(m -> {
                m.pageAllocator();
                return null;
            }).build();
        assertThatThrownBy(machine::pageAllocator)
            .isInstanceOf(IllegalStateException.class)
            .hasMessageStartingWith("the page allocator was asked for while it was being created");
    }
}
