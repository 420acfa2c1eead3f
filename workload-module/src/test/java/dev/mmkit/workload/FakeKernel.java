package dev.mmkit.workload;

import dev.mmkit.api.hw.Page;
import dev.mmkit.api.workload.Kernel;
import dev.mmkit.api.workload.Mman;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Map.Entry;
import java.util.TreeMap;

// A recording test double of the Kernel with just enough memory semantics (VMAs, protections, COW fork, files) to check workloads.
final class FakeKernel implements Kernel {
    /** One recorded reference: {@code access(pid, vaddr, access, nextAccess)}. */
    record Ref(int pid, long vaddr, int access, long nextAccess) {
    }

    static final class Vma {
        long start;
        long end;
        int prot;
        int flags;
        String file;
        long offset;

        Vma(long start, long end, int prot, int flags, String file, long offset) {
            this.start = start;
            this.end = end;
            this.prot = prot;
            this.flags = flags;
            this.file = file;
            this.offset = offset;
        }

        Vma copy() {
            return new Vma(start, end, prot, flags, file, offset);
        }
    }

    static final class Proc {
        String name;
        boolean alive = true;
        boolean admitAll;
        TreeMap<Long, Vma> vmas = new TreeMap<>();
        Map<Long, Long> words = new HashMap<>();
        Map<Integer, String> fds = new HashMap<>();
        long brkStart = 0x60_0000L;
        long brk = brkStart;
        long nextMmap = 0x7f00_0000_0000L;
        long touchedMax;
    }

    final List<Ref> refs = new ArrayList<>();
    /** Every {@link #prefetch} hint: the references made before it, then the addresses it named. */
    final List<long[]> prefetches = new ArrayList<>();
    final List<String> calls = new ArrayList<>();
    final Map<Integer, Proc> procs = new LinkedHashMap<>();
    final Map<String, byte[]> files = new HashMap<>();
    boolean filesSupported = true;
    /** A load of this address answers a wrong value (data corruption). */
    long corruptVaddr = -1;
    /** After this many accesses the process is killed (-1: never). */
    long killAfter = -1;
    /**
     * Linux's OOM killer kills the process with the largest RSS, not necessarily the one that
     * faulted: reference number {@link #oomAt} (1-based) of process {@link #oomTrigger} kills
     * process {@link #oomVictim} (-1: never).
     */
    int oomTrigger = -1;
    long oomAt;
    int oomVictim = -1;
    private long triggerReferences;
    /** fork answers ENOMEM (-12) and creates nothing. */
    boolean forkFails;
    int nextPid = 1;

    private Proc proc(int pid) {
        Proc p = procs.get(pid);
        if (p == null || !p.alive) {
            throw new IllegalArgumentException("pid " + pid + ": no such process");
        }
        return p;
    }

    /** Out of memory for new address spaces: spawn (after the first), fork and exec return -12 (ENOMEM). */
    boolean noMemoryForProcesses;

    @Override
    public int spawn(String name) {
        if (noMemoryForProcesses && !procs.isEmpty()) {
            calls.add("spawn " + name + " = -12");
            return -12;
        }
        Proc p = new Proc();
        p.name = name;
        procs.put(nextPid, p);
        calls.add("spawn " + name);
        return nextPid++;
    }

    @Override
    public int spawnAdmitAll(String name) {
        int pid = spawn(name);
        if (pid < 0) {
            return pid;
        }
        procs.get(pid).admitAll = true;
        return pid;
    }

    @Override
    public void prefetch(int pid, long[] vaddrs, int count) {
        proc(pid);
        long[] hint = new long[count + 1];
        hint[0] = refs.size();
        System.arraycopy(vaddrs, 0, hint, 1, count);
        prefetches.add(hint);
    }

    @Override
    public boolean access(int pid, long vaddr, int access, long nextAccess) {
        Proc p = proc(pid);
        refs.add(new Ref(pid, vaddr, access, nextAccess));
        if (killAfter >= 0 && refs.size() > killAfter) {
            p.alive = false;
            return false;
        }
        if (pid == oomTrigger && ++triggerReferences == oomAt && procs.containsKey(oomVictim)) {
            procs.get(oomVictim).alive = false;
            calls.add("oom-kill " + oomVictim);
            if (oomVictim == pid) {
                return false;
            }
        }
        if (p.admitAll) {
            return true;
        }
        Vma vma = find(p, vaddr);
        int need = (access & 2) != 0 ? Mman.PROT_WRITE : (access & 4) != 0 ? Mman.PROT_EXEC : Mman.PROT_READ;
        if (vma == null || (vma.prot & need) == 0) {
            p.alive = false;
            return false;
        }
        return true;
    }

    private static Vma find(Proc p, long vaddr) {
        Entry<Long, Vma> e = p.vmas.floorEntry(vaddr);
        return e != null && vaddr < e.getValue().end ? e.getValue() : null;
    }

    @Override
    public long load(int pid, long vaddr, int size) {
        if (size != 8 || (vaddr & 7) != 0) {
            throw new IllegalArgumentException("fake kernel: only aligned 8-byte loads");
        }
        if (!access(pid, vaddr, 1, -1)) {
            return 0;
        }
        Proc p = procs.get(pid);
        Vma vma = find(p, vaddr);
        long v;
        if (vma != null && vma.file != null && ((vma.flags & Mman.MAP_SHARED) != 0 || !p.words.containsKey(vaddr))) {
            v = fileWord(vma.file, vma.offset + vaddr - vma.start);
        } else {
            v = p.words.getOrDefault(vaddr, 0L);
        }
        return vaddr == corruptVaddr ? v ^ 1 : v;
    }

    @Override
    public boolean store(int pid, long vaddr, int size, long value) {
        if (size != 8 || (vaddr & 7) != 0) {
            throw new IllegalArgumentException("fake kernel: only aligned 8-byte stores");
        }
        if (!access(pid, vaddr, 2, -1)) {
            return false;
        }
        Proc p = procs.get(pid);
        Vma vma = find(p, vaddr);
        if (vma != null && vma.file != null && (vma.flags & Mman.MAP_SHARED) != 0) {
            byte[] f = files.get(vma.file);
            long off = vma.offset + vaddr - vma.start;
            for (int b = 0; b < 8; b++) {
                f[(int) off + b] = (byte) (value >>> (8 * b));
            }
        } else {
            p.words.put(vaddr, value);
        }
        return true;
    }

    private long fileWord(String file, long off) {
        byte[] f = files.get(file);
        long v = 0;
        for (int b = 7; b >= 0; b--) {
            v = (v << 8) | (off + b < f.length ? f[(int) off + b] & 0xff : 0);
        }
        return v;
    }

    @Override
    public int fork(int pid) {
        Proc parent = proc(pid);
        if (forkFails || noMemoryForProcesses) {
            calls.add("fork " + pid + " = -12");
            return -12;
        }
        Proc child = new Proc();
        child.name = parent.name;
        parent.vmas.forEach((k, v) -> child.vmas.put(k, v.copy()));
        child.words.putAll(parent.words);
        child.fds.putAll(parent.fds);
        child.brkStart = parent.brkStart;
        child.brk = parent.brk;
        child.nextMmap = parent.nextMmap;
        procs.put(nextPid, child);
        calls.add("fork " + pid);
        return nextPid++;
    }

    @Override
    public int execve(int pid, String name) {
        Proc p = proc(pid);
        if (noMemoryForProcesses) {
            calls.add("exec " + pid + " " + name + " = -12");
            return -12; // the old image stays
        }
        p.name = name;
        p.vmas.clear();
        p.words.clear();
        p.brk = p.brkStart;
        calls.add("exec " + pid + " " + name);
        return 0;
    }

    @Override
    public void exit(int pid) {
        proc(pid).alive = false;
        calls.add("exit " + pid);
    }

    @Override
    public long mmap(int pid, long addr, long length, int prot, int flags, int fd, long offset) {
        Proc p = proc(pid);
        String file = null;
        if ((flags & Mman.MAP_ANONYMOUS) == 0) {
            file = p.fds.get(fd);
            if (file == null) {
                return -9; // EBADF
            }
        }
        long start = p.nextMmap;
        long len = Page.align(length);
        p.nextMmap += len + Page.SIZE;
        p.vmas.put(start, new Vma(start, start + len, prot, flags, file, offset));
        calls.add("mmap " + pid + " " + (len / Page.SIZE) + " pages" + (file != null ? " " + file : ""));
        return start;
    }

    /** Splits VMAs at {@code addr} so that a range edit applies to whole VMAs. */
    private static void split(Proc p, long addr) {
        Vma v = find(p, addr);
        if (v != null && v.start < addr) {
            Vma upper = v.copy();
            upper.start = addr;
            if (upper.file != null) {
                upper.offset += addr - v.start;
            }
            v.end = addr;
            p.vmas.put(addr, upper);
        }
    }

    @Override
    public int munmap(int pid, long addr, long length) {
        Proc p = proc(pid);
        split(p, addr);
        split(p, addr + length);
        p.vmas.subMap(addr, addr + length).clear();
        p.words.keySet().removeIf(a -> a >= addr && a < addr + length);
        calls.add("munmap " + pid);
        return 0;
    }

    @Override
    public int mprotect(int pid, long addr, long length, int prot) {
        Proc p = proc(pid);
        split(p, addr);
        split(p, addr + length);
        p.vmas.subMap(addr, addr + length).values().forEach(v -> v.prot = prot);
        calls.add("mprotect " + pid);
        return 0;
    }

    @Override
    public long brk(int pid, long newBrk) {
        Proc p = proc(pid);
        if (newBrk < p.brkStart) {
            return p.brk;
        }
        p.brk = newBrk;
        p.vmas.remove(p.brkStart);
        if (Page.align(newBrk) > p.brkStart) {
            p.vmas.put(p.brkStart, new Vma(p.brkStart, Page.align(newBrk), Mman.PROT_READ | Mman.PROT_WRITE,
                Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS, null, 0));
        }
        calls.add("brk " + pid);
        return newBrk;
    }

    @Override
    public int open(int pid, String path, boolean create) {
        Proc p = proc(pid);
        if (!filesSupported) {
            return -19;
        }
        if (!files.containsKey(path)) {
            if (!create) {
                return -2;
            }
            files.put(path, new byte[0]);
        }
        int fd = 3 + p.fds.size();
        p.fds.put(fd, path);
        calls.add("open " + pid + " " + path);
        return fd;
    }

    @Override
    public int close(int pid, int fd) {
        return proc(pid).fds.remove(fd) == null ? -9 : 0;
    }

    @Override
    public int pread(int pid, int fd, byte[] buffer, int length, long pos) {
        byte[] f = files.get(proc(pid).fds.get(fd));
        int n = (int) Math.max(0, Math.min(length, f.length - pos));
        System.arraycopy(f, (int) pos, buffer, 0, n);
        calls.add("pread " + pid);
        return n;
    }

    @Override
    public int pwrite(int pid, int fd, byte[] buffer, int length, long pos) {
        String name = proc(pid).fds.get(fd);
        byte[] f = files.get(name);
        if (f.length < pos + length) {
            f = java.util.Arrays.copyOf(f, (int) (pos + length));
            files.put(name, f);
        }
        System.arraycopy(buffer, 0, f, (int) pos, length);
        calls.add("pwrite " + pid);
        return length;
    }

    @Override
    public int ftruncate(int pid, int fd, long length) {
        String name = proc(pid).fds.get(fd);
        files.put(name, java.util.Arrays.copyOf(files.get(name), (int) length));
        return 0;
    }

    @Override
    public int fsync(int pid, int fd) {
        calls.add("fsync " + pid);
        return 0;
    }

    @Override
    public boolean alive(int pid) {
        Proc p = procs.get(pid);
        return p != null && p.alive;
    }
}
