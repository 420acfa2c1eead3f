package dev.mmkit.paging.mm;

import dev.mmkit.api.mm.ProcessInfo;
import dev.mmkit.api.mm.VmArea;
import dev.mmkit.api.pagecache.AddressSpace;
import java.util.ArrayList;
import java.util.List;

/** A process ({@code struct task_struct}, the part the memory manager needs). */
final class Task implements ProcessInfo {
    final int pid;
    String name;
    Mm mm;
    boolean alive = true;
    String exitReason = "";
    /** Killed while inside a kernel call: its address space is torn down when the call returns. */
    boolean teardownPending;
    /** Open files: index = descriptor; null = closed. */
    final List<AddressSpace> files = new ArrayList<>();
    private final LinuxMemoryManager kernel;

    Task(int pid, String name, LinuxMemoryManager kernel) {
        this.pid = pid;
        this.name = name;
        this.kernel = kernel;
    }

    @Override
    public int pid() {
        return pid;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean alive() {
        return alive;
    }

    @Override
    public String exitReason() {
        return exitReason;
    }

    @Override
    public long residentPages() {
        return mm == null ? 0 : mm.rss;
    }

    @Override
    public List<? extends VmArea> maps() {
        return mm == null ? List.of() : kernel.maps(mm);
    }

    @Override
    public String toString() {
        return pid + " (" + name + ")";
    }

    /** One line of {@code /proc/PID/maps}, frozen when read. */
    record Area(long start, long end, int prot, int flags, long offset, String device, long inode, String name) implements VmArea {
    }
}
