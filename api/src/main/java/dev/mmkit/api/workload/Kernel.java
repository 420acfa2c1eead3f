package dev.mmkit.api.workload;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The machine as a workload drives it: the CPU's memory references and the system calls
 * of the memory manager. Implemented by the memory-manager core; workload sources call it.
 *
 * <p>A reference to an address no VMA admits, or against the VMA's permissions, delivers
 * SIGSEGV: the process is killed, the event recorded, and {@link #access} returns false.
 * Calls naming a process that does not exist or has exited throw
 * {@link IllegalArgumentException} naming the pid. System calls that fail return Linux's
 * negative errno, e.g. {@code -12} (ENOMEM).
 *
 * <p>Files live in the page cache: on a machine without one
 * ({@code mmkit.machine.page-cache.impl = none}) file-backed {@link #mmap} and the file calls
 * ({@link #open}, {@link #close}, {@link #pread}, {@link #pwrite}, {@link #ftruncate},
 * {@link #fsync}) return {@code -19} (ENODEV) and change nothing. A reference to a page of a
 * file mapping that lies wholly past the end of the file delivers SIGBUS, recorded and fatal
 * like SIGSEGV.
 */
@ProviderType
public interface Kernel {
    /**
     * Starts a process with an empty address space (and a stack): its pid, or {@code -12}
     * (ENOMEM) when there is no memory for the address space, as {@link #fork}: then no
     * process was created.
     */
    int spawn(String name);

    /**
     * Starts a process for trace replay: every address it references is admitted as
     * anonymous read-write-execute memory, created on first touch. Its pid, or {@code -12}
     * (ENOMEM) as {@link #spawn}.
     */
    int spawnAdmitAll(String name);

    /**
     * One memory reference by process {@code pid}.
     *
     * @param access a bit set of {@code dev.mmkit.api.hw.Access}
     * @param nextAccess the virtual time of this page's next reference, when the trace knows
     *     it ({@code Long.MAX_VALUE} for never), −1 otherwise
     * @return false when the reference killed the process (SIGSEGV)
     */
    boolean access(int pid, long vaddr, int access, long nextAccess);

    /**
     * A hint for the host, not for the simulated machine: process {@code pid} will soon
     * reference {@code vaddrs[0..count)}, in that order (a trace replay knows its next
     * records). The implementation may read ahead the host memory those references will
     * need (their page-table entries, the swap slots those name), so that the host fetches
     * those cache lines together rather than one at a time when each reference waits for
     * them. It changes nothing the simulation sees: no counter, no bit, no TLB entry, no
     * virtual time; a replay gives the same results with or without it. The default does
     * nothing.
     *
     * @throws IllegalArgumentException when {@code pid} names no live process
     */
    default void prefetch(int pid, long[] vaddrs, int count) {
    }

    /** Loads {@code size} (1, 2, 4 or 8) bytes, little-endian, as a reference; kills on SIGSEGV and returns 0. */
    long load(int pid, long vaddr, int size);

    /** Stores {@code size} bytes of {@code value}; returns false when the store killed the process. */
    boolean store(int pid, long vaddr, int size, long value);

    /**
     * {@code fork(2)}: the child's pid; its address space shares every page copy-on-write, its
     * descriptor table is a copy of the parent's. {@code -12} (ENOMEM) when memory for the
     * copy is lacking: no child was created. The OOM killer may kill the parent meanwhile
     * (then it is reported {@code oom-killed} and {@link #alive} is false).
     */
    int fork(int pid);

    /**
     * {@code execve(2)}: replaces the address space with a fresh one and renames the process;
     * 0, or {@code -12} (ENOMEM) when memory for the new address space is lacking: the
     * process then keeps its old address space and name, unless the OOM killer killed it
     * meanwhile (reported {@code oom-killed}).
     *
     * @since 1.2
     */
    int execve(int pid, String name);

    /**
     * {@link #execve} without its result, as this interface had it before 1.2.
     *
     * @deprecated use {@link #execve}, which says whether the new image was built
     */
    @Deprecated
    default void exec(int pid, String name) {
        execve(pid, name);
    }

    /** {@code exit(2)}: frees the address space. */
    void exit(int pid);

    /** {@code mmap(2)} of anonymous memory or of an open file; the address, or a negative errno. */
    long mmap(int pid, long addr, long length, int prot, int flags, int fd, long offset);

    int munmap(int pid, long addr, long length);

    int mprotect(int pid, long addr, long length, int prot);

    /** {@code brk(2)}: the new break (the old one when it cannot move). */
    long brk(int pid, long newBrk);

    /** {@code open(2)} of a file under the files directory; a descriptor, or a negative errno. */
    int open(int pid, String path, boolean create);

    int close(int pid, int fd);

    /**
     * {@code pread(2)}: bytes read, or a negative errno: {@code -22} (EINVAL) for a negative
     * {@code pos} or an end beyond {@code Long.MAX_VALUE}, {@code -14} (EFAULT) for a
     * {@code length} that is negative or larger than {@code buffer} (the buffer stands for
     * the process's memory, which ends where the array does), {@code -12} (ENOMEM) when the
     * page cache found no frame for the first page, {@code -5} (EIO) when the file's I/O failed.
     */
    int pread(int pid, int fd, byte[] buffer, int length, long pos);

    /** {@code pwrite(2)}: bytes written, or a negative errno, as {@link #pread}. */
    int pwrite(int pid, int fd, byte[] buffer, int length, long pos);

    int ftruncate(int pid, int fd, long length);

    /** {@code fsync(2)}: 0, or {@code -5} (EIO) when a writeback of the file failed. */
    int fsync(int pid, int fd);

    /** Whether the process exists and has not exited or been killed. */
    boolean alive(int pid);
}
