package dev.mmkit.assembly;

import dev.mmkit.api.workload.Kernel;
import java.util.function.LongConsumer;

/**
 * The {@link Kernel} a workload drives, counting its memory references on the way to the
 * memory manager. Every {@value #BATCH} references it reports progress (the progress bar),
 * so the per-reference cost is one increment and one compare.
 */
final class CountingKernel implements Kernel {
    static final int BATCH = 1 << 14;

    private final Kernel kernel;
    private final LongConsumer progress;
    private long references;
    private int pending;

    /** @param progress receives the number of references made since its last call; may be null */
    CountingKernel(Kernel kernel, LongConsumer progress) {
        this.kernel = kernel;
        this.progress = progress;
    }

    /** References made so far: accesses, loads and stores. */
    long references() {
        return references;
    }

    private void counted() {
        references++;
        if (++pending == BATCH) {
            flush();
        }
    }

    /** Reports the references not yet reported. */
    void flush() {
        if (progress != null && pending > 0) {
            progress.accept(pending);
        }
        pending = 0;
    }

    @Override
    public int spawn(String name) {
        return kernel.spawn(name);
    }

    @Override
    public int spawnAdmitAll(String name) {
        return kernel.spawnAdmitAll(name);
    }

    @Override
    public boolean access(int pid, long vaddr, int access, long nextAccess) {
        counted();
        return kernel.access(pid, vaddr, access, nextAccess);
    }

    @Override
    public void prefetch(int pid, long[] vaddrs, int count) {
        kernel.prefetch(pid, vaddrs, count);
    }

    @Override
    public long load(int pid, long vaddr, int size) {
        counted();
        return kernel.load(pid, vaddr, size);
    }

    @Override
    public boolean store(int pid, long vaddr, int size, long value) {
        counted();
        return kernel.store(pid, vaddr, size, value);
    }

    @Override
    public int fork(int pid) {
        return kernel.fork(pid);
    }

    @Override
    public int execve(int pid, String name) {
        return kernel.execve(pid, name);
    }

    @Override
    public void exit(int pid) {
        kernel.exit(pid);
    }

    @Override
    public long mmap(int pid, long addr, long length, int prot, int flags, int fd, long offset) {
        return kernel.mmap(pid, addr, length, prot, flags, fd, offset);
    }

    @Override
    public int munmap(int pid, long addr, long length) {
        return kernel.munmap(pid, addr, length);
    }

    @Override
    public int mprotect(int pid, long addr, long length, int prot) {
        return kernel.mprotect(pid, addr, length, prot);
    }

    @Override
    public long brk(int pid, long newBrk) {
        return kernel.brk(pid, newBrk);
    }

    @Override
    public int open(int pid, String path, boolean create) {
        return kernel.open(pid, path, create);
    }

    @Override
    public int close(int pid, int fd) {
        return kernel.close(pid, fd);
    }

    @Override
    public int pread(int pid, int fd, byte[] buffer, int length, long pos) {
        return kernel.pread(pid, fd, buffer, length, pos);
    }

    @Override
    public int pwrite(int pid, int fd, byte[] buffer, int length, long pos) {
        return kernel.pwrite(pid, fd, buffer, length, pos);
    }

    @Override
    public int ftruncate(int pid, int fd, long length) {
        return kernel.ftruncate(pid, fd, length);
    }

    @Override
    public int fsync(int pid, int fd) {
        return kernel.fsync(pid, fd);
    }

    @Override
    public boolean alive(int pid) {
        return kernel.alive(pid);
    }
}
