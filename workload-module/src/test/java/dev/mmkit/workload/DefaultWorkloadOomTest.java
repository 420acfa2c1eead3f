package dev.mmkit.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import org.junit.jupiter.api.Test;

// Checks the default workload's promise "a process that the machine kills (out of memory) ends its part of the program; the report shows why" when the OOM killer picks another process than the one that faulted (Linux kills the largest RSS), and when fork answers ENOMEM: the workload must not go on calling the Kernel with a dead pid (IllegalArgumentException: the run fails with no report, as `mmkit run --set mmkit.machine.memory.size=640KiB --set 'mmkit.machine.zones=[{name=Normal}]' --set mmkit.machine.paging.swap.size=0` does).
class DefaultWorkloadOomTest {
    private static final long RAM = 1L << 20; // 256 pages

    @Test
    void initKilledWhileTheChildReadsTheSharedHeap() {
        FakeKernel kernel = new FakeKernel();
        kernel.oomTrigger = 2; // the child's first reference kills init
        kernel.oomAt = 1;
        kernel.oomVictim = 1;
        assertThatCode(() -> new DefaultWorkload(RAM, 1.25, true, 42).run(kernel)).doesNotThrowAnyException();
        assertThat(kernel.alive(1)).isFalse();
        // the child's part goes on: it becomes the worker and puts the machine under pressure
        assertThat(kernel.calls).contains("oom-kill 1", "exec 2 worker", "mmap 2 320 pages");
    }

    @Test
    void initKilledWhileTheWorkerRuns() {
        FakeKernel kernel = new FakeKernel();
        kernel.oomTrigger = 2; // reference 200 of the child (the worker's pressure loop) kills init
        kernel.oomAt = 200;
        kernel.oomVictim = 1;
        assertThatCode(() -> new DefaultWorkload(RAM, 1.25, true, 42).run(kernel)).doesNotThrowAnyException();
        assertThat(kernel.calls).contains("oom-kill 1", "exec 2 worker").doesNotContain("exec 3 segv");
        assertThat(kernel.alive(2)).as("the worker").isTrue();
    }

    @Test
    void theChildKilledWhileInitChecksItsHeap() {
        FakeKernel kernel = new FakeKernel();
        kernel.oomTrigger = 1; // init's reference 170 (its check after the fork) kills the child
        kernel.oomAt = 170;
        kernel.oomVictim = 2;
        assertThatCode(() -> new DefaultWorkload(RAM, 1.25, true, 42).run(kernel)).doesNotThrowAnyException();
        // init's parts go on
        assertThat(kernel.calls).contains("oom-kill 2", "mprotect 1", "exec 3 segv", "spawn reader")
            .doesNotContain("exec 2 worker");
        assertThat(kernel.alive(1)).isTrue();
    }

    @Test
    void aForkThatFailsEndsOnlyTheChildsPart() {
        FakeKernel kernel = new FakeKernel();
        kernel.forkFails = true;
        assertThatCode(() -> new DefaultWorkload(RAM, 1.25, true, 42).run(kernel)).doesNotThrowAnyException();
        assertThat(kernel.calls).contains("fork 1 = -12", "mprotect 1", "spawn reader");
        assertThat(kernel.alive(1)).isTrue();
    }
}
