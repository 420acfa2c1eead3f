package dev.mmkit.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mmkit.api.workload.Kernel;
import dev.mmkit.api.workload.WorkloadException;
import org.junit.jupiter.api.Test;

// Checks that the default workload exercises every part of the Kernel it promises, and catches data that memory did not keep.
class DefaultWorkloadTest {
    private static final long RAM = 1L << 20; // 256 pages

    @Test
    void exercisesProcessesMemoryAndFiles() {
        FakeKernel kernel = new FakeKernel();
        DefaultWorkload workload = new DefaultWorkload(RAM, 1.25, true, 42);
        workload.run(kernel);

        assertThat(kernel.calls).contains("spawn init", "fork 1", "exec 2 worker", "exec 3 segv", "spawn reader",
            "mmap 1 16 pages default-workload.dat", "mprotect 1", "munmap 1", "fsync 1");
        assertThat(kernel.calls).filteredOn(c -> c.startsWith("brk 1")).hasSizeGreaterThanOrEqualTo(2);
        // The worker touched more pages than RAM holds.
        assertThat(kernel.calls).contains("mmap 2 320 pages");
        assertThat(kernel.refs.stream().filter(r -> r.pid() == 2).map(r -> r.vaddr() >>> 12).distinct().count())
            .isGreaterThan(RAM / 4096);
        assertThat(kernel.alive(1)).isTrue();
        assertThat(kernel.alive(2)).isTrue();
        assertThat(kernel.alive(3)).as("the segv process").isFalse();
        assertThat(kernel.alive(4)).as("the reader").isTrue();
        // The store through MAP_SHARED reached the file; the private one did not.
        assertThat(kernel.files.get(DefaultWorkload.FILE_NAME)).hasSize(DefaultWorkload.FILE_PAGES * 4096);
        assertThat(workload.expectedReferences()).isGreaterThan(640);
    }

    @Test
    void aForkExecOrSpawnWithoutMemorySkipsItsPartInsteadOfFailing() {
        FakeKernel kernel = new FakeKernel();
        kernel.noMemoryForProcesses = true;
        new DefaultWorkload(RAM, 1.25, true, 42).run(kernel); // used to name pid -12 in an IllegalArgumentException
        assertThat(kernel.calls).contains("spawn init", "fork 1 = -12", "spawn reader = -12", "fsync 1");
        assertThat(kernel.calls).noneMatch(c -> c.startsWith("exec"));
        assertThat(kernel.alive(1)).isTrue();
    }

    @Test
    void initWithoutMemoryIsAClearError() {
        Kernel kernel = (Kernel) java.lang.reflect.Proxy.newProxyInstance(Kernel.class.getClassLoader(), new Class<?>[] {Kernel.class},
            (proxy, method, args) -> {
                if (method.getName().equals("spawn")) {
                    return -12;
                }
                throw new AssertionError("called " + method.getName() + " without a process");
            });
        assertThatThrownBy(() -> new DefaultWorkload(RAM, 1.25, true, 42).run(kernel))
            .isInstanceOf(WorkloadException.class)
            .hasMessage("cannot start init: out of memory (errno -12)");
    }

    @Test
    void skipsFilesWhenTheMachineHasNoPageCache() {
        FakeKernel kernel = new FakeKernel();
        kernel.filesSupported = false;
        new DefaultWorkload(RAM, 1.25, true, 42).run(kernel);
        assertThat(kernel.calls).noneMatch(c -> c.startsWith("pwrite") || c.startsWith("spawn reader"));
        assertThat(kernel.calls).contains("exec 2 worker", "exec 3 segv");
    }

    @Test
    void aLoadThatDiffersFromTheStoreIsADataMismatch() {
        FakeKernel kernel = new FakeKernel();
        kernel.corruptVaddr = 0x60_0000L + 5 * 4096 + 5 * 8; // page 5 of init's heap
        assertThatThrownBy(() -> new DefaultWorkload(RAM, 1.25, true, 42).run(kernel))
            .isInstanceOf(WorkloadException.class)
            .hasMessageStartingWith("data mismatch at pid 1 vaddr 0x605028: expected 0x");
    }

    @Test
    void withoutCheckingAMismatchGoesUnnoticed() {
        FakeKernel kernel = new FakeKernel();
        kernel.corruptVaddr = 0x60_0000L + 5 * 4096 + 5 * 8;
        new DefaultWorkload(RAM, 1.25, false, 42).run(kernel);
        assertThat(kernel.alive(1)).isTrue();
    }

    @Test
    void aKilledProcessEndsItsPartQuietly() {
        FakeKernel kernel = new FakeKernel();
        kernel.killAfter = 10;
        new DefaultWorkload(RAM, 1.25, true, 42).run(kernel);
        assertThat(kernel.alive(1)).isFalse();
        assertThat(kernel.calls).doesNotContain("fork 1");
    }
}
