package dev.mmkit.paging.mm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mmkit.api.hw.Access;
import dev.mmkit.api.workload.Mman;
import dev.mmkit.machine.StandaloneMachine;
import org.junit.jupiter.api.Test;

// SIGSEGV: every kind of bad reference kills the process, records why, and leaves others running.
class SegvTest {
    private final StandaloneMachine machine = Machines.small("8MiB", "1MiB", "");
    private final LinuxMemoryManager mm = Machines.mm(machine);

    private String reason(int pid) {
        return mm.processes().get(pid - 1).exitReason();
    }

    @Test
    void anAddressOutsideEveryVma() {
        int pid = mm.spawn("p");
        int other = mm.spawn("q");
        assertThat(mm.access(pid, 0x1234_5678L, Access.READ, -1)).isFalse();
        assertThat(mm.alive(pid)).isFalse();
        assertThat(reason(pid)).isEqualTo("SIGSEGV at 0x12345678");
        assertThat(mm.counters().get("segfaults")).isEqualTo(1);
        assertThat(mm.alive(other)).isTrue();
        assertThatThrownBy(() -> mm.access(pid, 0, Access.READ, -1)).isInstanceOf(IllegalArgumentException.class);
        mm.verify();
    }

    @Test
    void aWriteToAReadOnlyMapping() {
        int pid = mm.spawn("p");
        long a = mm.mmap(pid, 0, 4096, Mman.PROT_READ, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS, -1, 0);
        assertThat(mm.load(pid, a, 4)).isZero();
        assertThat(mm.store(pid, a, 4, 1)).isFalse();
        assertThat(reason(pid)).isEqualTo("SIGSEGV at 0x" + Long.toHexString(a));
    }

    @Test
    void executingANoExecutePage() {
        int pid = mm.spawn("p");
        long a = mm.mmap(pid, 0, 8192, Mman.PROT_READ | Mman.PROT_WRITE, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS, -1, 0);
        long x = mm.mmap(pid, 0, 4096, Mman.PROT_READ | Mman.PROT_EXEC, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS, -1, 0);
        assertThat(mm.access(pid, x, Access.EXECUTE, -1)).isTrue();
        assertThat(mm.access(pid, a, Access.READ, -1)).isTrue();
        // resident and cached in the TLB, yet NX stops the fetch
        assertThat(mm.access(pid, a, Access.EXECUTE, -1)).isFalse();
        assertThat(reason(pid)).startsWith("SIGSEGV");
    }

    @Test
    void aUserReferenceToTheKernelHalfAndANonCanonicalAddress() {
        int p = mm.spawn("p");
        assertThat(mm.access(p, 0xffff_8000_0000_1000L, Access.READ, -1)).isFalse();
        assertThat(reason(p)).isEqualTo("SIGSEGV at 0xffff800000001000");
        int q = mm.spawn("q");
        assertThat(mm.access(q, 0x0000_8000_0000_0000L, Access.READ, -1)).isFalse();
        assertThat(reason(q)).isEqualTo("SIGSEGV at 0x800000000000");
        // the last canonical user page is outside TASK_SIZE_MAX: never user memory
        int g = mm.spawn("g");
        assertThat(mm.access(g, 0x7fff_ffff_f008L, Access.READ, -1)).isFalse();
        assertThat(reason(g)).isEqualTo("SIGSEGV at 0x7ffffffff008");
    }

    @Test
    void protNoneRefusesEveryAccessEvenWhenResident() {
        int pid = mm.spawn("p");
        long a = mm.mmap(pid, 0, 4096, Mman.PROT_READ | Mman.PROT_WRITE, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS, -1, 0);
        mm.store(pid, a, 8, 5);
        mm.mprotect(pid, a, 4096, Mman.PROT_NONE);
        assertThat(mm.load(pid, a, 8)).isZero();
        assertThat(mm.alive(pid)).isFalse();
    }

    @Test
    void theSupervisorMayTouchWhatTheUserMayNot() {
        int pid = mm.spawn("p");
        long a = mm.mmap(pid, 0, 4096, Mman.PROT_READ | Mman.PROT_WRITE, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS, -1, 0);
        mm.store(pid, a, 8, 5);
        mm.mprotect(pid, a, 4096, Mman.PROT_NONE);
        // the entry stays present with U/S clear: a kernel-mode reference passes the hardware check,
        // a user-mode one does not
        assertThat(mm.access(pid, a, Access.READ | Access.KERNEL, -1)).isTrue();
        assertThat(mm.access(pid, a, Access.READ, -1)).isFalse();
    }
}
