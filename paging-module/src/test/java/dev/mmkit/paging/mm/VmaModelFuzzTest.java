package dev.mmkit.paging.mm;

import dev.mmkit.api.hw.Page;
import dev.mmkit.api.machine.VmItem;
import dev.mmkit.api.mm.VmArea;
import dev.mmkit.api.workload.Mman;
import dev.mmkit.machine.StandaloneMachine;
import dev.mmkit.paging.TestPageCache;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

// Model-based fuzz of address-space layout: an independent VMA list (split, merge, brk, stack growth, fork, exec) and page contents against the machine's maps, SIGSEGV, rss and data.
class VmaModelFuzzTest {
    static final long P = Page.SIZE;
    static final int FILE_PAGES = 48;
    static final String[] FILES = {"a.bin", "b.bin"};
    static final int DATA_OFFSET = 16;

    /** A VMA of the model. */
    static final class MV {
        long start;
        long end;
        int prot;
        int flags;
        int fileId;
        String path = "";
        long offset;
        long anonId;
        /** Shared anonymous memory: its shmem inode and the address of its offset 0. */
        long ino;
        long base;

        MV(long start, long end, int prot, int flags) {
            this.start = start;
            this.end = end;
            this.prot = prot;
            this.flags = flags;
        }

        MV copy() {
            MV c = new MV(start, end, prot, flags);
            c.fileId = fileId;
            c.path = path;
            c.offset = offset;
            c.anonId = anonId;
            c.ino = ino;
            c.base = base;
            return c;
        }

        boolean shared() {
            return (flags & Mman.MAP_SHARED) != 0;
        }

        boolean growsDown() {
            return (flags & Mman.MAP_GROWSDOWN) != 0;
        }

        boolean canMergeWith(MV n) {
            if (end != n.start || prot != n.prot || flags != n.flags || fileId != n.fileId) {
                return false;
            }
            if (fileId != 0 && n.offset != offset + (end - start)) {
                return false;
            }
            if (fileId == 0 && shared()) {
                return anonId != 0 && anonId == n.anonId;
            }
            return anonId == 0 || n.anonId == 0 || anonId == n.anonId;
        }

        @Override
        public String toString() {
            return Long.toHexString(start) + "-" + Long.toHexString(end) + " " + Mman.perms(prot, flags)
                + (growsDown() ? "g" : "") + " " + offset + " " + fileId + (anonId != 0 ? " av" + anonId : "");
        }
    }

    /** A page's contents: a cell, shared where the machine shares the page. */
    static final class PInfo {
        long[] cell;
        /** A private file page not yet copied: reads see the file. */
        boolean fromFile;

        PInfo(long[] cell, boolean fromFile) {
            this.cell = cell;
            this.fromFile = fromFile;
        }
    }

    static final class Proc {
        final int pid;
        TreeMap<Long, MV> vmas = new TreeMap<>();
        TreeMap<Long, PInfo> pages = new TreeMap<>();
        Set<Long> resident = new HashSet<>();
        long startBrk;
        long brk;
        long startStack;
        int[] fds = new int[FILES.length];

        Proc(int pid) {
            this.pid = pid;
        }

        MV find(long va) {
            Map.Entry<Long, MV> e = vmas.floorEntry(va);
            return e == null || va >= e.getValue().end ? null : e.getValue();
        }
    }

    private StandaloneMachine machine;
    private LinuxMemoryManager k;
    private TestPageCache cache;
    private final Map<Integer, Proc> procs = new HashMap<>();
    private final List<String> history = new ArrayList<>();
    private final Map<Integer, long[][]> fileCells = new HashMap<>();
    private long nextAnonId = 1;
    private long nextIno = 1;
    private long top;
    private long stackLimit;
    private long stackInitial;
    private long mmapBase;
    private int[] fileIds = new int[FILES.length];
    long stats[] = new long[16];

    // ------------------------------------------------------------------ model operations

    private void mergeAround(Proc p, MV v) {
        Map.Entry<Long, MV> prev = p.vmas.lowerEntry(v.start);
        if (prev != null && prev.getValue().canMergeWith(v)) {
            MV a = prev.getValue();
            p.vmas.remove(v.start);
            a.end = v.end;
            if (a.anonId == 0) {
                a.anonId = v.anonId;
            }
            v = a;
            stats[0]++;
        }
        Map.Entry<Long, MV> next = p.vmas.higherEntry(v.start);
        if (next != null && v.canMergeWith(next.getValue())) {
            MV b = next.getValue();
            p.vmas.remove(b.start);
            v.end = b.end;
            if (v.anonId == 0) {
                v.anonId = b.anonId;
            }
            stats[0]++;
        }
    }

    private void split(Proc p, long at) {
        MV v = p.find(at);
        if (v == null || v.start == at) {
            return;
        }
        MV tail = v.copy();
        tail.start = at;
        if (v.fileId != 0) {
            tail.offset = v.offset + (at - v.start);
        }
        v.end = at;
        p.vmas.put(at, tail);
        stats[1]++;
    }

    private void unmap(Proc p, long start, long end) {
        split(p, start);
        split(p, end);
        p.vmas.subMap(start, true, end, false).clear();
        p.pages.subMap(start, true, end, false).clear();
        p.resident.removeIf(va -> va >= start && va < end);
    }

    private boolean rangeFree(Proc p, long start, long end) {
        if (start < 0 || end > top || start >= end) {
            return false;
        }
        Map.Entry<Long, MV> below = p.vmas.lowerEntry(end);
        return below == null || below.getValue().end <= start;
    }

    /** Top-down: the highest free range of len bytes that ends at or below mmapBase. */
    private long unmappedArea(Proc p, long len) {
        long hi = mmapBase;
        // candidate gaps from the top
        List<MV> desc = new ArrayList<>(p.vmas.descendingMap().values());
        long gapTop = hi;
        for (MV v : desc) {
            if (v.start >= gapTop) {
                continue;
            }
            if (v.end <= gapTop - len) {
                return gapTop - len >= LinuxMemoryManager.MMAP_MIN ? gapTop - len : -1;
            }
            gapTop = Math.min(gapTop, v.start);
        }
        return gapTop - len >= LinuxMemoryManager.MMAP_MIN ? gapTop - len : -1;
    }

    private long[] fileCell(int fileIdx, long pageIndex) {
        return fileCells.get(fileIdx)[(int) pageIndex];
    }

    /** Creates the pages of a new mapping in the model. */
    private void populate(Proc p, MV v, int fileIdx) {
        for (long va = v.start; va < v.end; va += P) {
            if (v.fileId != 0) {
                long idx = (v.offset + (va - v.start)) / P;
                p.pages.put(va, new PInfo(fileCell(fileIdx, idx), !v.shared()));
            } else {
                p.pages.put(va, new PInfo(new long[1], false));
            }
        }
    }

    private long modelMmap(Proc p, long addr, long len, int prot, int flags, int fileIdx, long offset) {
        long alen = Page.align(len);
        long start;
        if ((flags & Mman.MAP_FIXED) != 0) {
            if (addr < LinuxMemoryManager.MMAP_MIN || addr + alen > top) {
                return LinuxMemoryManager.ENOMEM;
            }
            unmap(p, addr, addr + alen);
            start = addr;
        } else if (addr != 0 && addr % P == 0 && addr >= LinuxMemoryManager.MMAP_MIN && rangeFree(p, addr, addr + alen)) {
            start = addr;
        } else {
            start = unmappedArea(p, alen);
            if (start < 0) {
                return LinuxMemoryManager.ENOMEM;
            }
        }
        MV v = new MV(start, start + alen, prot, flags & (Mman.MAP_SHARED | Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS | Mman.MAP_GROWSDOWN));
        if (fileIdx >= 0) {
            v.fileId = fileIds[fileIdx];
            v.path = FILES[fileIdx];
            v.offset = offset;
        } else if (v.shared()) {
            v.anonId = nextAnonId++;
            v.ino = nextIno++;
            v.base = start;
        }
        p.vmas.put(start, v);
        populate(p, v, fileIdx);
        mergeAround(p, v);
        return start;
    }

    private int modelMprotect(Proc p, long addr, long len, int prot) {
        long end = addr + Page.align(len);
        for (long a = addr; a < end; ) {
            MV v = p.find(a);
            if (v == null) {
                return LinuxMemoryManager.ENOMEM;
            }
            a = v.end;
        }
        split(p, addr);
        split(p, end);
        List<MV> range = new ArrayList<>(p.vmas.subMap(addr, true, end, false).values());
        for (MV v : range) {
            v.prot = prot;
        }
        for (MV v : range) {
            if (p.vmas.get(v.start) == v) {
                mergeAround(p, v);
            }
        }
        return 0;
    }

    private long modelBrk(Proc p, long newBrk) {
        if (newBrk < p.startBrk) {
            return p.brk;
        }
        long oldEnd = Page.align(p.brk);
        long newEnd = Page.align(newBrk);
        if (newEnd < oldEnd) {
            unmap(p, newEnd, oldEnd);
        } else if (newEnd > oldEnd) {
            if (!rangeFree(p, oldEnd, newEnd) || newEnd > mmapBase) {
                return p.brk;
            }
            MV v = new MV(oldEnd, newEnd, Mman.PROT_READ | Mman.PROT_WRITE, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS);
            p.vmas.put(oldEnd, v);
            mergeAround(p, v);
        }
        p.brk = newBrk;
        return newBrk;
    }

    /** The VMA a reference to va uses, growing a stack down to it; null: SIGSEGV. */
    private MV vmaForAccess(Proc p, long va) {
        MV v = p.find(va);
        if (v != null) {
            return v;
        }
        Map.Entry<Long, MV> above = p.vmas.ceilingEntry(va);
        if (above == null || !above.getValue().growsDown()) {
            return null;
        }
        MV s = above.getValue();
        long newStart = va & ~Page.OFFSET_MASK;
        if (s.end - newStart > stackLimit) {
            return null;
        }
        Map.Entry<Long, MV> below = p.vmas.lowerEntry(s.start);
        if (below != null && blocks(below.getValue(), newStart)) {
            return null;
        }
        p.vmas.remove(s.start);
        s.start = newStart;
        p.vmas.put(newStart, s);
        stats[2]++;
        return s;
    }

    /** anon_vma_prepare with find_mergeable_anon_vma: a compatible neighbour's id (next first), else a new one. */
    static boolean reuseAnon = !Boolean.getBoolean("fuzz.noReuse");

    private long prepareAnon(Proc p, MV v) {
        if (reuseAnon && !v.shared()) {
            Map.Entry<Long, MV> next = p.vmas.higherEntry(v.start);
            if (next != null && anonCompatible(v, next.getValue())) {
                return next.getValue().anonId;
            }
            Map.Entry<Long, MV> prev = p.vmas.lowerEntry(v.start);
            if (prev != null && anonCompatible(prev.getValue(), v)) {
                return prev.getValue().anonId;
            }
        }
        return nextAnonId++;
    }

    private static boolean anonCompatible(MV a, MV b) {
        MV other = a.anonId != 0 ? a : b;
        return other.anonId != 0 && !other.shared() && a.end == b.start && a.flags == b.flags && a.fileId == b.fileId
            && (a.fileId == 0 || b.offset == a.offset + (a.end - a.start));
    }

    /** Linux's expand_downwards: the mapping below stops a stack at its end, or at stack_guard_gap above it when accessible. */
    static boolean guardGap = !Boolean.getBoolean("fuzz.noGuardGap");

    private static boolean blocks(MV prev, long newStart) {
        if (prev.end > newStart) {
            return true;
        }
        return guardGap && !prev.growsDown() && prev.prot != Mman.PROT_NONE
            && newStart - prev.end < LinuxMemoryManager.STACK_GUARD_GAP;
    }

    /** Whether a reference would succeed, without changing the model. */
    private boolean wouldSucceed(Proc p, long va, boolean write) {
        MV v = p.find(va);
        if (v == null) {
            Map.Entry<Long, MV> above = p.vmas.ceilingEntry(va);
            if (above == null || !above.getValue().growsDown()) {
                return false;
            }
            MV s = above.getValue();
            long newStart = va & ~Page.OFFSET_MASK;
            Map.Entry<Long, MV> below = p.vmas.lowerEntry(s.start);
            if (s.end - newStart > stackLimit || (below != null && blocks(below.getValue(), newStart))) {
                return false;
            }
            v = s;
        }
        return permits(v, write);
    }

    private PInfo pageOf(Proc p, MV v, long page) {
        PInfo info = p.pages.get(page);
        if (info == null) {
            // brk and stack pages: private anonymous, created on first touch
            if (v.fileId != 0 || v.shared()) {
                throw new AssertionError("model: no page info for " + Long.toHexString(page) + " in " + v);
            }
            info = new PInfo(new long[1], false);
            p.pages.put(page, info);
        }
        return info;
    }

    private static boolean permits(MV v, boolean write) {
        if (write) {
            return (v.prot & Mman.PROT_WRITE) != 0;
        }
        return (v.prot & (Mman.PROT_READ | Mman.PROT_WRITE | Mman.PROT_EXEC)) != 0;
    }

    private Proc forkModel(Proc p, int child) {
        Proc c = new Proc(child);
        for (MV v : p.vmas.values()) {
            c.vmas.put(v.start, v.copy());
        }
        p.pages.forEach((va, info) -> {
            MV v = p.find(va);
            boolean shared = v != null && v.shared();
            if (shared) {
                c.pages.put(va, info);
            } else if (info.fromFile) {
                c.pages.put(va, new PInfo(info.cell, true));
            } else {
                c.pages.put(va, new PInfo(info.cell.clone(), false));
            }
        });
        c.resident.addAll(p.resident);
        c.startBrk = p.startBrk;
        c.brk = p.brk;
        c.startStack = p.startStack;
        c.fds = p.fds.clone();
        return c;
    }

    private void freshLayout(Proc p) {
        p.vmas.clear();
        p.pages.clear();
        p.resident.clear();
        MV stack = new MV(top - stackInitial, top, Mman.PROT_READ | Mman.PROT_WRITE,
            Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS | Mman.MAP_GROWSDOWN);
        p.vmas.put(stack.start, stack);
        p.startBrk = LinuxMemoryManager.HEAP_BASE;
        p.brk = LinuxMemoryManager.HEAP_BASE;
        p.startStack = top - 8;
    }

    // ------------------------------------------------------------------ checks

    private String name(Proc p, MV v) {
        if (v.fileId != 0) {
            return v.path;
        }
        if (v.start <= p.startStack && v.end >= p.startStack) {
            return "[stack]";
        }
        if (p.brk > p.startBrk && v.start <= p.brk && v.end > p.startBrk) {
            return "[heap]";
        }
        return "";
    }

    private void check(int op, String what) {
        k.verify();
        for (Proc p : procs.values()) {
            List<String> want = new ArrayList<>();
            for (MV v : p.vmas.values()) {
                if (v.fileId == 0 && v.shared()) {
                    // shmem_zero_setup: "/dev/zero (deleted)" on the internal tmpfs (0:1), vm_pgoff from the mapping's start
                    want.add(Long.toHexString(v.start) + "-" + Long.toHexString(v.end) + " " + Mman.perms(v.prot, v.flags)
                        + " " + Long.toHexString(v.start - v.base) + " 00:01 " + v.ino + " /dev/zero (deleted)");
                    continue;
                }
                want.add(Long.toHexString(v.start) + "-" + Long.toHexString(v.end) + " " + Mman.perms(v.prot, v.flags)
                    + " " + Long.toHexString(v.offset) + " 00:00 " + v.fileId + " " + name(p, v));
            }
            List<String> got = new ArrayList<>();
            for (VmArea a : k.processes().get(p.pid - 1).maps()) {
                got.add(Long.toHexString(a.start()) + "-" + Long.toHexString(a.end()) + " " + Mman.perms(a.prot(), a.flags())
                    + " " + Long.toHexString(a.offset()) + " " + a.device() + " " + a.inode() + " " + a.name());
            }
            if (!want.equals(got)) {
                throw new AssertionError("op " + op + " " + what + ": pid " + p.pid + " maps differ\n want " + String.join("\n      ", want)
                    + "\n got  " + String.join("\n      ", got) + "\n model " + p.vmas.values() + "\nhistory\n  " + tail());
            }
            // flags of the VMAs (growsdown) too
            Task t = k.tasks.get(p.pid - 1);
            List<String> wf = new ArrayList<>();
            List<String> gf = new ArrayList<>();
            p.vmas.values().forEach(v -> wf.add(Long.toHexString(v.start) + ":" + v.flags));
            t.mm.vmas.values().forEach(v -> gf.add(Long.toHexString(v.start) + ":" + v.flags));
            if (!wf.equals(gf)) {
                throw new AssertionError("op " + op + " " + what + ": pid " + p.pid + " flags differ " + wf + " vs " + gf + "\nhistory\n  " + tail());
            }
            long rss = k.processes().get(p.pid - 1).residentPages();
            if (checkRss && rss != p.resident.size()) {
                throw new AssertionError("op " + op + " " + what + ": pid " + p.pid + " rss " + rss + " model " + p.resident.size()
                    + "\nhistory\n  " + tail());
            }
            if (t.mm.brk != p.brk) {
                throw new AssertionError("op " + op + " " + what + ": pid " + p.pid + " brk " + t.mm.brk + " model " + p.brk);
            }
        }
    }

    private String tail() {
        return String.join("\n  ", history.subList(Math.max(0, history.size() - 40), history.size()));
    }

    // ------------------------------------------------------------------ the run

    private int spawnProc() {
        int pid = k.spawn("p");
        Proc p = new Proc(pid);
        freshLayout(p);
        for (int i = 0; i < FILES.length; i++) {
            p.fds[i] = k.open(pid, FILES[i], false);
            if (p.fds[i] < 0) {
                throw new AssertionError("open " + FILES[i] + " = " + p.fds[i]);
            }
        }
        procs.put(pid, p);
        return pid;
    }

    private long randomAddr(SplittableRandom r, Proc p) {
        int w = r.nextInt(10);
        if (w < 4) {
            // around the heap
            return LinuxMemoryManager.HEAP_BASE + (r.nextInt(80) - 16) * P;
        } else if (w < 6) {
            // the stack's growth area
            return top - stackLimit - 8 * P + r.nextLong((stackLimit + 8 * P) / P) * P;
        } else if (w < 8) {
            // a mid window
            return 0x4000_0000L + r.nextInt(64) * P;
        } else {
            // near an existing VMA
            if (p.vmas.isEmpty()) {
                return 0x4000_0000L;
            }
            List<MV> vs = new ArrayList<>(p.vmas.values());
            MV v = vs.get(r.nextInt(vs.size()));
            long a = r.nextBoolean() ? v.start : v.end;
            return Math.max(LinuxMemoryManager.MMAP_MIN, a + (r.nextInt(9) - 4) * P);
        }
    }

    private static final int[] PROTS = {Mman.PROT_NONE, Mman.PROT_READ, Mman.PROT_READ | Mman.PROT_WRITE,
        Mman.PROT_READ | Mman.PROT_WRITE, Mman.PROT_WRITE, Mman.PROT_EXEC, Mman.PROT_READ | Mman.PROT_EXEC};

    boolean checkRss = true;

    void run(String extra, long seed, int ops) {
        run("16MiB", "4MiB", extra, seed, ops);
    }

    void run(String ram, String swap, String extra, long seed, int ops) {
        machine = Machines.small(ram, swap, "mmkit.machine.page-cache.impl = test\n" + extra);
        k = Machines.mm(machine);
        cache = (TestPageCache) machine.pageCache();
        procs.clear();
        history.clear();
        fileCells.clear();
        nextAnonId = 1;
        nextIno = 1;
        for (int i = 0; i < FILES.length; i++) {
            byte[] data = new byte[FILE_PAGES * (int) P];
            ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
            long[][] cells = new long[FILE_PAGES][];
            for (int pg = 0; pg < FILE_PAGES; pg++) {
                long value = (i + 1) * 1000L + pg;
                b.putLong(pg * (int) P + DATA_OFFSET, value);
                cells[pg] = new long[] {value};
            }
            cache.disk.put(FILES[i], data);
            fileCells.put(i, cells);
        }
        SplittableRandom r = new SplittableRandom(seed);
        top = k.pt().userAddressLimit();
        long free0 = freePages();
        stackLimit = k.settings.stackLimit();
        stackInitial = k.settings.stackInitial();
        mmapBase = (top - stackLimit - LinuxMemoryManager.STACK_GUARD_GAP) & ~Page.OFFSET_MASK;
        int first = spawnProc();
        for (int i = 0; i < FILES.length; i++) {
            fileIds[i] = k.tasks.get(first - 1).files.get(procs.get(first).fds[i]).id();
        }
        for (int op = 0; op < ops; op++) {
            List<Proc> live = new ArrayList<>(procs.values());
            live.sort((a, b) -> Integer.compare(a.pid, b.pid));
            int kind = r.nextInt(100);
            String what;
            if (live.isEmpty() || (kind < 1 && live.size() < 5)) {
                what = "spawn " + spawnProc();
                history.add(what);
                check(op, what);
                continue;
            }
            Proc p = live.get(r.nextInt(live.size()));
            if (kind < 4 && live.size() < 5) {
                int child = k.fork(p.pid);
                what = "fork " + p.pid + " = " + child;
                if (child > 0) {
                    procs.put(child, forkModel(p, child));
                }
            } else if (kind < 5) {
                int rc = k.execve(p.pid, "q");
                if (rc == 0) {
                    freshLayout(p); // -ENOMEM: the old image stays
                }
                what = "exec " + p.pid + " = " + rc;
            } else if (kind < 6 && live.size() > 1) {
                k.exit(p.pid);
                procs.remove(p.pid);
                what = "exit " + p.pid;
            } else if (kind < 22) {
                // mmap
                int pages = 1 + r.nextInt(8);
                long len = pages * P - (r.nextInt(4) == 0 ? r.nextInt((int) P) : 0);
                int prot = PROTS[r.nextInt(PROTS.length)];
                int fileIdx = r.nextInt(3) == 0 ? r.nextInt(FILES.length) : -1;
                int flags = r.nextInt(4) == 0 ? Mman.MAP_SHARED : Mman.MAP_PRIVATE;
                if (fileIdx < 0) {
                    flags |= Mman.MAP_ANONYMOUS;
                }
                if (r.nextInt(12) == 0 && fileIdx < 0 && (flags & Mman.MAP_PRIVATE) != 0) {
                    flags |= Mman.MAP_GROWSDOWN;
                }
                long offset = fileIdx < 0 ? 0 : r.nextInt(FILE_PAGES - pages + 1) * P;
                int how = r.nextInt(3);
                long addr = how == 0 ? 0 : randomAddr(r, p);
                if (how == 2) {
                    flags |= Mman.MAP_FIXED;
                }
                long got = k.mmap(p.pid, addr, len, prot, flags, fileIdx < 0 ? -1 : p.fds[fileIdx], offset);
                long want = modelMmap(p, addr, len, prot, flags, fileIdx, offset);
                what = "mmap " + p.pid + " " + Long.toHexString(addr) + " " + len + " prot " + prot + " flags 0x"
                    + Integer.toHexString(flags) + " file " + fileIdx + " off " + offset + " = " + Long.toHexString(got);
                if (got != want) {
                    history.add(what);
                    throw new AssertionError("op " + op + " " + what + ": model " + Long.toHexString(want) + "\nhistory\n  " + tail());
                }
            } else if (kind < 30) {
                long addr = randomAddr(r, p);
                long len = (1 + r.nextInt(6)) * P - (r.nextInt(4) == 0 ? r.nextInt((int) P) : 0);
                int rc = k.munmap(p.pid, addr, len);
                int want = addr + Page.align(len) > top ? LinuxMemoryManager.EINVAL : 0;
                if (want == 0) {
                    unmap(p, addr, addr + Page.align(len));
                }
                what = "munmap " + p.pid + " " + Long.toHexString(addr) + " " + len + " = " + rc;
                if (rc != want) {
                    history.add(what);
                    throw new AssertionError("op " + op + " " + what + "\nhistory\n  " + tail());
                }
            } else if (kind < 42) {
                long addr = randomAddr(r, p);
                long len = (1 + r.nextInt(6)) * P - (r.nextInt(4) == 0 ? r.nextInt((int) P) : 0);
                int prot = PROTS[r.nextInt(PROTS.length)];
                int rc = k.mprotect(p.pid, addr, len, prot);
                int want = modelMprotect(p, addr, len, prot);
                what = "mprotect " + p.pid + " " + Long.toHexString(addr) + " " + len + " " + prot + " = " + rc;
                if (rc != want) {
                    history.add(what);
                    throw new AssertionError("op " + op + " " + what + " model " + want + "\nhistory\n  " + tail());
                }
            } else if (kind < 50) {
                long newBrk = r.nextInt(8) == 0 ? 0 : LinuxMemoryManager.HEAP_BASE + (r.nextInt(70) - 4) * P + r.nextInt((int) P);
                long got = k.brk(p.pid, newBrk);
                long want = modelBrk(p, newBrk);
                what = "brk " + p.pid + " " + Long.toHexString(newBrk) + " = " + Long.toHexString(got);
                if (got != want) {
                    history.add(what);
                    throw new AssertionError("op " + op + " " + what + " model " + Long.toHexString(want) + "\nhistory\n  " + tail());
                }
            } else {
                // a reference: mostly inside VMAs
                long va;
                if (r.nextInt(6) != 0 && !p.vmas.isEmpty()) {
                    List<MV> vs = new ArrayList<>(p.vmas.values());
                    MV v = vs.get(r.nextInt(vs.size()));
                    va = v.start + r.nextLong((v.end - v.start) / P) * P;
                    if (v.growsDown() && r.nextInt(3) == 0) {
                        va = v.start - (1 + r.nextInt(12)) * P;
                    }
                } else {
                    va = randomAddr(r, p);
                }
                boolean write = r.nextInt(3) == 0;
                long page = va;
                MV cur = p.find(page);
                if (cur != null && !permits(cur, write) && r.nextInt(5) != 0) {
                    write = false;
                    if (!permits(cur, false)) {
                        history.add("skip");
                        continue;
                    }
                }
                if (cur == null && r.nextInt(3) != 0 && p.vmas.ceilingEntry(page) != null && !p.vmas.ceilingEntry(page).getValue().growsDown()) {
                    history.add("skip");
                    continue;
                }
                if (r.nextInt(8) != 0 && !wouldSucceed(p, page, write)) {
                    history.add("skip");
                    continue;
                }
                MV v = vmaForAccess(p, page);
                boolean ok = v != null && permits(v, write);
                String expect = ok ? "ok" : "SIGSEGV";
                if (write) {
                    long value = r.nextLong();
                    boolean got = k.store(p.pid, page + DATA_OFFSET, 8, value);
                    what = "store " + p.pid + " " + Long.toHexString(page) + " = " + got + " (want " + expect + ")";
                    if (got != ok) {
                        history.add(what);
                        throw new AssertionError("op " + op + " " + what + "\nhistory\n  " + tail());
                    }
                    if (ok) {
                        PInfo info = pageOf(p, v, page);
                        if (info.fromFile) {
                            info.cell = new long[] {value};
                            info.fromFile = false;
                        } else {
                            info.cell[0] = value;
                        }
                        p.resident.add(page);
                        if (v.fileId == 0 || !v.shared()) {
                            if (v.anonId == 0) {
                                v.anonId = prepareAnon(p, v);
                            }
                        }
                    }
                } else {
                    long got = k.load(p.pid, page + DATA_OFFSET, 8);
                    boolean alive = k.alive(p.pid);
                    what = "load " + p.pid + " " + Long.toHexString(page) + " = " + Long.toHexString(got) + " alive " + alive
                        + " (want " + expect + ")";
                    if (alive != ok) {
                        history.add(what);
                        throw new AssertionError("op " + op + " " + what + "\nhistory\n  " + tail());
                    }
                    if (ok) {
                        PInfo info = pageOf(p, v, page);
                        if (got != info.cell[0]) {
                            history.add(what);
                            throw new AssertionError("op " + op + " " + what + ": value " + Long.toHexString(got) + " want "
                                + Long.toHexString(info.cell[0]) + "\nhistory\n  " + tail());
                        }
                        p.resident.add(page);
                        if (v.fileId == 0 && !v.shared() && v.anonId == 0) {
                            v.anonId = prepareAnon(p, v);
                        }
                    }
                }
                if (ok && v.fileId == 0 && v.shared()) {
                    // a new page of a shared anonymous object is mapped by every sibling at once
                    for (Proc q : procs.values()) {
                        MV w = q.find(page);
                        if (w != null && w.fileId == 0 && w.shared() && w.anonId == v.anonId) {
                            q.resident.add(page);
                        }
                    }
                }
                if (!ok) {
                    procs.remove(p.pid);
                    stats[3]++;
                }
            }
            history.add(what);
            check(op, what);
        }
        for (Proc p : new ArrayList<>(procs.values())) {
            k.exit(p.pid);
            procs.remove(p.pid);
        }
        k.verify();
        long free1 = freePages();
        long filePages = machine.vmstat().get(VmItem.NR_FILE_PAGES);
        StringBuilder slabs = new StringBuilder();
        for (var c : machine.slab().caches()) {
            slabs.append(c.name()).append('=').append(c.activeObjects()).append('/').append(c.totalSlabs()).append(' ');
            if ((c.name().equals("vm_area_struct") || c.name().equals("anon_vma") || c.name().equals("mm_struct")) && c.activeObjects() != 0) {
                throw new AssertionError("leak after every exit: " + slabs + " ...");
            }
        }
        long slabPages = machine.vmstat().get(VmItem.NR_SLAB_RECLAIMABLE) + machine.vmstat().get(VmItem.NR_SLAB_UNRECLAIMABLE);
        if (free1 + filePages + slabPages != free0) {
            appendStats("pages: free " + free0 + " -> " + free1 + " file " + filePages + " slab " + slabPages + " swapcached "
                + machine.vmstat().get(VmItem.NR_SWAPCACHED) + " swap free " + k.swapFreePages() + "/" + k.swapTotalPages()
                + " anon " + machine.vmstat().get(VmItem.NR_INACTIVE_ANON) + "+" + machine.vmstat().get(VmItem.NR_ACTIVE_ANON)
                + " lru file " + machine.vmstat().get(VmItem.NR_INACTIVE_FILE) + "+" + machine.vmstat().get(VmItem.NR_ACTIVE_FILE)
                + " pagetables " + k.pt.tablePages() + " " + slabs);
        }
        if (Boolean.getBoolean("fuzz.print")) {
            appendStats("seed " + seed + " free " + free0 + " -> " + free1 + " file pages " + filePages + " merges " + stats[0]
                + " splits " + stats[1] + " stack " + stats[2] + " segv " + stats[3] + " " + k.counters());
        }
    }

    private long freePages() {
        machine.pageAllocator().drainPerCpuLists();
        return machine.pageAllocator().zones().stream().mapToLong(z -> z.freePages()).sum();
    }

    static void appendStats(String line) {
        try {
            java.nio.file.Files.writeString(java.nio.file.Path.of("target", "vma-fuzz-stats.txt"), line + "\n",
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static final String SMALL_STACK = "mmkit.machine.paging.stack-limit = 256KiB\nmmkit.machine.paging.stack-initial = 16KiB\n";
    static final List<String> CONFIGS = List.of(
        "",
        "mmkit.machine.page-table.impl = x86-32",
        "mmkit.machine.page-table.impl = x86-pae\nmmkit.machine.cpus = 2",
        "mmkit.machine.page-table.impl = x86-64-la57",
        "mmkit.machine.page-table.impl = inverted",
        "mmkit.machine.tlb { impl = software, entries = 16 }\nmmkit.machine.cpus = 2",
        "mmkit.machine.paging.referenced-bits = software");

    @Test
    void configs() {
        int seeds = Integer.getInteger("fuzz.seeds", 2);
        int ops = Integer.getInteger("fuzz.ops", 3000);
        for (String c : CONFIGS) {
            for (int seed = 1; seed <= seeds; seed++) {
                try {
                    stats = new long[16];
                    run(SMALL_STACK + c, seed, ops);
                } catch (AssertionError | RuntimeException e) {
                    dumpHistory();
                    throw new AssertionError("[" + c + "] seed " + seed + ": " + e.getMessage(), e);
                }
            }
        }
    }

    @Test
    void underPressure() {
        int seeds = Integer.getInteger("fuzz.seeds", 2);
        int ops = Integer.getInteger("fuzz.ops", 3000);
        checkRss = false;
        for (int seed = 1; seed <= seeds; seed++) {
            String c = SMALL_STACK + (seed % 2 == 0 ? "mmkit.machine.paging.resident-limit = 24" : "");
            try {
                stats = new long[16];
                run("512KiB", "2MiB", c, seed, ops);
            } catch (AssertionError | RuntimeException e) {
                dumpHistory();
                throw new AssertionError("[" + c + "] pressure seed " + seed + ": " + e.getMessage(), e);
            }
        }
    }

    private void dumpHistory() {
        try {
            java.nio.file.Files.write(java.nio.file.Path.of("target", "vma-fuzz-history.txt"), history);
        } catch (java.io.IOException io) {
            throw new java.io.UncheckedIOException(io);
        }
    }

    @Test
    void fuzz() {
        int seeds = Integer.getInteger("fuzz.seeds", 3);
        int ops = Integer.getInteger("fuzz.ops", 3000);
        String extra = System.getProperty("fuzz.extra", "mmkit.machine.paging.stack-limit = 256KiB\nmmkit.machine.paging.stack-initial = 16KiB");
        for (int seed = 1; seed <= seeds; seed++) {
            try {
                stats = new long[16];
                run(extra, seed, ops);
            } catch (AssertionError | RuntimeException e) {
                try {
                    java.nio.file.Files.write(java.nio.file.Path.of("target", "vma-fuzz-history.txt"), history);
                } catch (java.io.IOException io) {
                    throw new java.io.UncheckedIOException(io);
                }
                throw new AssertionError("seed " + seed + ": " + e.getMessage(), e);
            }
        }
    }
}
