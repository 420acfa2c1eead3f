package dev.mmkit.paging.mm;

import dev.mmkit.machine.StandaloneMachine;
import dev.mmkit.paging.TestMachine;

/** Small machines for the memory-manager tests. */
final class Machines {
    private Machines() {
    }

    /** A machine with {@code ram} of memory in one Normal zone, swap of {@code swap}, and extra settings. */
    static StandaloneMachine small(String ram, String swap, String extra) {
        return TestMachine.build("mmkit.machine.memory.size = " + ram + "\n"
            + "mmkit.machine.zones = [ { name = Normal } ]\n"
            + "mmkit.machine.paging.swap.size = " + swap + "\n" + extra);
    }

    static LinuxMemoryManager mm(StandaloneMachine machine) {
        return (LinuxMemoryManager) machine.memoryManager();
    }
}
