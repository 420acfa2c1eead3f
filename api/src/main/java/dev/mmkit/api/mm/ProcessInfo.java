package dev.mmkit.api.mm;

import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;

/** A read-only view of a process for the reports. */
@ConsumerType
public interface ProcessInfo {
    int pid();

    String name();

    /** False once it exited or was killed. */
    boolean alive();

    /** Why it ended: {@code exited}, {@code SIGSEGV at 0x...}, {@code oom-killed}; empty while alive. */
    String exitReason();

    /** Resident pages (VmRSS). */
    long residentPages();

    /** Its VMAs in address order. */
    List<? extends VmArea> maps();
}
