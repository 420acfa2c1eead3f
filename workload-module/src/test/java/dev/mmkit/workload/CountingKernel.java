package dev.mmkit.workload;

import dev.mmkit.api.workload.Kernel;

// A Kernel test double that only counts references and sums their addresses, allocating nothing, for the allocation checks of the readers.
final class CountingKernel implements Kernel {
    long references;
    long addressSum;
    long nextAccessSum;

    @Override
    public int spawn(String name) {
        return 1;
    }

    @Override
    public int spawnAdmitAll(String name) {
        return 1;
    }

    @Override
    public boolean access(int pid, long vaddr, int access, long nextAccess) {
        references++;
        addressSum += vaddr;
        nextAccessSum += nextAccess;
        return true;
    }

    @Override
    public long load(int pid, long vaddr, int size) {
        throw new UnsupportedOperationException();
    }

    @Override
    public boolean store(int pid, long vaddr, int size, long value) {
        throw new UnsupportedOperationException();
    }

    @Override
    public int fork(int pid) {
        throw new UnsupportedOperationException();
    }

    @Override
    public int execve(int pid, String name) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void exit(int pid) {
        throw new UnsupportedOperationException();
    }

    @Override
    public long mmap(int pid, long addr, long length, int prot, int flags, int fd, long offset) {
        throw new UnsupportedOperationException();
    }

    @Override
    public int munmap(int pid, long addr, long length) {
        throw new UnsupportedOperationException();
    }

    @Override
    public int mprotect(int pid, long addr, long length, int prot) {
        throw new UnsupportedOperationException();
    }

    @Override
    public long brk(int pid, long newBrk) {
        throw new UnsupportedOperationException();
    }

    @Override
    public int open(int pid, String path, boolean create) {
        throw new UnsupportedOperationException();
    }

    @Override
    public int close(int pid, int fd) {
        throw new UnsupportedOperationException();
    }

    @Override
    public int pread(int pid, int fd, byte[] buffer, int length, long pos) {
        throw new UnsupportedOperationException();
    }

    @Override
    public int pwrite(int pid, int fd, byte[] buffer, int length, long pos) {
        throw new UnsupportedOperationException();
    }

    @Override
    public int ftruncate(int pid, int fd, long length) {
        throw new UnsupportedOperationException();
    }

    @Override
    public int fsync(int pid, int fd) {
        throw new UnsupportedOperationException();
    }

    @Override
    public boolean alive(int pid) {
        return true;
    }
}
