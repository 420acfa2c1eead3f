package dev.mmkit.pagecache;

import dev.mmkit.api.hw.Page;
import dev.mmkit.api.machine.VmItem;
import dev.mmkit.api.machine.VmStat;
import dev.mmkit.api.mm.MemoryManager;
import dev.mmkit.api.workload.Mman;
import dev.mmkit.machine.StandaloneMachine;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

// Session 7 hunt: descriptors across fork/close/exit, errno returns, counters against the cache, tags (verify), flusher on the clock, disk after fsync and shutdown.
class FdCounterFuzzTest {
    private static final int PAGE = Page.SIZE;
    private static final int EBADF = -9;
    private static final int EINVAL = -22;
    private static final int MAX = 24 * PAGE;
    private static final String[] PATHS = {"a.bin", "d/b.bin"};

    private final ArrayDeque<String> log = new ArrayDeque<>();
    private long seed;
    private int op;

    private void rec(String s) {
        if (log.size() == Integer.getInteger("fuzz.log", 30)) {
            log.removeFirst();
        }
        log.addLast(op + ": " + s);
    }

    private void check(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError("seed " + seed + " op " + op + ": " + what + "\n" + String.join("\n", log));
        }
    }

    static final class Proc {
        int pid;
        /** fd -> path index, -1 closed. */
        List<Integer> fds = new ArrayList<>();
        /** a shared RW mapping of each file: address or 0 (whole MAX). */
        long[] shared = new long[PATHS.length];
        /** a private RW mapping of each file: address or 0. */
        long[] priv = new long[PATHS.length];
        /** its copied-on-write pages: file -> page index -> bytes. */
        List<Map<Integer, byte[]>> cow = new ArrayList<>(List.of(new HashMap<>(), new HashMap<>()));
    }

    @Test
    void fuzz() {
        int seeds = Integer.getInteger("fuzz.seeds", 40);
        for (int s = Integer.getInteger("fuzz.first", 1); s <= seeds; s++) {
            run(s, Integer.getInteger("fuzz.ops", 1500));
        }
    }

    private void run(long seedValue, int ops) {
        seed = seedValue;
        log.clear();
        SplittableRandom r = new SplittableRandom(seed);
        boolean flusher = r.nextBoolean();
        StandaloneMachine m = Machines.build(r.nextBoolean() ? "4MiB" : "1MiB", flusher, "");
        MemoryManager mm = Machines.mm(m);
        RadixPageCache cache = Machines.cache(m);
        VmStat vm = m.vmstat();
        Map<Integer, byte[]> files = new HashMap<>();
        List<Proc> procs = new ArrayList<>();
        Proc first = new Proc();
        first.pid = mm.spawn("p");
        procs.add(first);
        for (op = 0; op < ops; op++) {
            if (procs.isEmpty()) {
                Proc p = new Proc();
                p.pid = mm.spawn("p");
                procs.add(p);
            }
            Proc p = procs.get(r.nextInt(procs.size()));
            int k = r.nextInt(100);
            if (k < 8) {
                int f = r.nextInt(PATHS.length);
                boolean create = r.nextInt(4) != 0;
                int fd = mm.open(p.pid, PATHS[f], create);
                rec("open " + p.pid + " " + PATHS[f] + " " + create + " = " + fd);
                if (!create && !files.containsKey(f) && !java.nio.file.Files.exists(Machines.file(m, PATHS[f]))) {
                    check(fd == -2, "open of a missing file " + fd);
                    continue;
                }
                check(fd >= 0, "open " + fd);
                int lowest = p.fds.indexOf(-1);
                check(fd == (lowest < 0 ? p.fds.size() : lowest), "fd " + fd + " not the lowest free in " + p.fds);
                if (fd == p.fds.size()) {
                    p.fds.add(f);
                } else {
                    p.fds.set(fd, f);
                }
                files.putIfAbsent(f, new byte[0]);
            } else if (k < 12) {
                int fd = r.nextInt(p.fds.size() + 2) - 1;
                int res = mm.close(p.pid, fd);
                rec("close " + p.pid + " " + fd + " = " + res);
                boolean open = fd >= 0 && fd < p.fds.size() && p.fds.get(fd) >= 0;
                check(res == (open ? 0 : EBADF), "close " + res);
                if (open) {
                    p.fds.set(fd, -1);
                }
            } else if (k < 14 && procs.size() < 4) {
                int c = mm.fork(p.pid);
                rec("fork " + p.pid + " = " + c);
                check(c > 0, "fork " + c);
                Proc ch = new Proc();
                ch.pid = c;
                ch.fds = new ArrayList<>(p.fds);
                ch.shared = p.shared.clone();
                ch.priv = p.priv.clone();
                ch.cow = new ArrayList<>();
                for (Map<Integer, byte[]> pc : p.cow) {
                    Map<Integer, byte[]> copy = new HashMap<>();
                    pc.forEach((i, b) -> copy.put(i, b.clone()));
                    ch.cow.add(copy);
                }
                procs.add(ch);
            } else if (k < 15 && procs.size() > 1) {
                mm.exit(p.pid);
                rec("exit " + p.pid);
                procs.remove(p);
                check(!mm.alive(p.pid), "alive after exit");
            } else if (k < 20) {
                m.clock().advance(r.nextLong(6_000_000_000L));
                rec("advance");
            } else {
                int fd = r.nextInt(p.fds.size() + 1);
                boolean open = fd < p.fds.size() && p.fds.get(fd) >= 0;
                int f = open ? p.fds.get(fd) : -1;
                byte[] model = open ? files.get(f) : null;
                int kind = r.nextInt(7);
                if (kind == 0) {
                    int pos = r.nextInt(MAX);
                    int len = r.nextInt(3 * PAGE);
                    byte[] buf = new byte[len];
                    r.nextBytes(buf);
                    int res = mm.pwrite(p.pid, fd, buf, len, pos);
                    rec("pwrite " + p.pid + " fd " + fd + " f" + f + " " + pos + "+" + len + " = " + res);
                    if (!open) {
                        check(res == EBADF, "pwrite on a closed fd " + res);
                        continue;
                    }
                    check(res == len, "pwrite " + res);
                    if (pos + len > model.length) {
                        model = Arrays.copyOf(model, pos + len);
                        files.put(f, model);
                    }
                    System.arraycopy(buf, 0, model, pos, len);
                } else if (kind == 1) {
                    int pos = r.nextInt(MAX + PAGE);
                    int len = r.nextInt(3 * PAGE);
                    byte[] buf = new byte[len];
                    int res = mm.pread(p.pid, fd, buf, len, pos);
                    rec("pread " + p.pid + " fd " + fd + " " + pos + "+" + len + " = " + res);
                    if (!open) {
                        check(res == EBADF, "pread on a closed fd " + res);
                        continue;
                    }
                    int exp = Math.max(0, Math.min(len, model.length - pos));
                    check(res == exp, "pread returned " + res + " expected " + exp);
                    check(exp == 0 || Arrays.equals(buf, 0, exp, model, pos, pos + exp), "pread data");
                } else if (kind == 2) {
                    long len = r.nextInt(8) == 0 ? -1 : r.nextInt(MAX);
                    int res = mm.ftruncate(p.pid, fd, len);
                    rec("ftruncate " + p.pid + " fd " + fd + " f" + f + " " + len + " = " + res);
                    if (!open) {
                        check(res == EBADF, "ftruncate closed " + res);
                        continue;
                    }
                    if (len < 0) {
                        check(res == EINVAL, "ftruncate -1 " + res);
                        continue;
                    }
                    check(res == 0, "ftruncate " + res);
                    files.put(f, Arrays.copyOf(model, (int) len));
                    long keep = Page.pages(len);
                    for (Proc q : procs) {
                        q.cow.get(f).keySet().removeIf(i -> i >= keep);
                    }
                } else if (kind == 3) {
                    int res = mm.fsync(p.pid, fd);
                    rec("fsync " + p.pid + " fd " + fd + " = " + res);
                    if (!open) {
                        check(res == EBADF, "fsync closed " + res);
                        continue;
                    }
                    check(res == 0, "fsync " + res);
                    byte[] disk = Machines.disk(m, PATHS[f]);
                    if (!Arrays.equals(disk, model)) {
                        byte[] all = new byte[model.length];
                        int got = mm.pread(p.pid, fd, all, all.length, 0);
                        int mi = Arrays.mismatch(disk, model);
                        int last = mi;
                        for (int i = mi; i < model.length; i++) {
                            if (disk[i] != model[i]) {
                                last = i;
                            }
                        }
                        System.out.println("cache read " + got + " cache-vs-model mismatch " + Arrays.mismatch(all, model)
                            + " disk-vs-cache " + Arrays.mismatch(disk, all) + " disk/model differ " + mi + ".." + last
                            + " disk " + disk[mi] + " model " + model[mi] + " cache " + all[mi]);
                    }
                    check(Arrays.equals(disk, model), "disk after fsync: " + disk.length + " bytes, model " + model.length + " first difference at " + Arrays.mismatch(disk, model));
                } else if (kind == 4 && open && p.shared[f] == 0) {
                    long a = mm.mmap(p.pid, 0, MAX, Mman.PROT_READ | Mman.PROT_WRITE, Mman.MAP_SHARED, fd, 0);
                    rec("mmap " + p.pid + " fd " + fd + " = " + a);
                    check(a > 0, "mmap " + a);
                    p.shared[f] = a;
                } else if (kind == 4 && open && p.priv[f] == 0 && r.nextBoolean()) {
                    long a = mm.mmap(p.pid, 0, MAX, Mman.PROT_READ | Mman.PROT_WRITE, Mman.MAP_PRIVATE, fd, 0);
                    rec("mmap private " + p.pid + " fd " + fd + " f" + f + " = " + a);
                    check(a > 0, "mmap " + a);
                    p.priv[f] = a;
                } else if (kind >= 5 && r.nextBoolean()) {
                    int g = r.nextInt(PATHS.length);
                    if (p.priv[g] == 0 || !files.containsKey(g)) {
                        continue;
                    }
                    byte[] md = files.get(g);
                    int lim = Math.min(md.length, MAX);
                    if (lim < 8) {
                        continue;
                    }
                    int off = r.nextInt(lim - 7) & ~7; // within one page
                    int idx = off >>> Page.SHIFT;
                    int in = off & (PAGE - 1);
                    Map<Integer, byte[]> cw = p.cow.get(g);
                    if (kind == 5) {
                        long v = r.nextLong();
                        rec("pstore " + p.pid + " file " + g + " @" + off);
                        check(mm.store(p.pid, p.priv[g] + off, 8, v), "private store killed");
                        byte[] pg = cw.get(idx);
                        if (pg == null) {
                            pg = new byte[PAGE];
                            int from = idx * PAGE;
                            System.arraycopy(md, from, pg, 0, Math.min(PAGE, md.length - from));
                            cw.put(idx, pg);
                        }
                        for (int i = 0; i < 8; i++) {
                            pg[in + i] = (byte) (v >>> (8 * i));
                        }
                    } else {
                        long v = mm.load(p.pid, p.priv[g] + off, 8);
                        rec("pload " + p.pid + " file " + g + " @" + off);
                        check(mm.alive(p.pid), "private load killed");
                        byte[] pg = cw.get(idx);
                        long e = 0;
                        for (int i = 7; i >= 0; i--) {
                            e = (e << 8) | ((pg != null ? pg[in + i] : md[off + i]) & 0xff);
                        }
                        check(v == e, "private load " + Long.toHexString(v) + " expected " + Long.toHexString(e) + (pg != null ? " (copied)" : ""));
                    }
                } else if (kind >= 5) {
                    int g = r.nextInt(PATHS.length);
                    if (p.shared[g] == 0 || !files.containsKey(g)) {
                        continue;
                    }
                    byte[] md = files.get(g);
                    int lim = Math.min(md.length, MAX); // the mapping is MAX bytes long
                    if (lim < 8) {
                        continue;
                    }
                    int off = r.nextInt(lim - 7);
                    if (kind == 5) {
                        long v = r.nextLong();
                        rec("store " + p.pid + " file " + g + " @" + off);
                        check(mm.store(p.pid, p.shared[g] + off, 8, v), "store killed");
                        for (int i = 0; i < 8; i++) {
                            md[off + i] = (byte) (v >>> (8 * i));
                        }
                    } else {
                        long v = mm.load(p.pid, p.shared[g] + off, 8);
                        rec("load " + p.pid + " file " + g + " @" + off);
                        check(mm.alive(p.pid), "load killed");
                        long e = 0;
                        for (int i = 7; i >= 0; i--) {
                            e = (e << 8) | (md[off + i] & 0xff);
                        }
                        check(v == e, "load " + Long.toHexString(v) + " expected " + Long.toHexString(e));
                    }
                }
            }
            cache.verify();
            mm.verify();
            check(vm.get(VmItem.NR_DIRTY) == cache.nrDirty(), "NR_DIRTY " + vm.get(VmItem.NR_DIRTY) + " cache " + cache.nrDirty());
            check(vm.get(VmItem.NR_WRITEBACK) == cache.nrWriteback(), "NR_WRITEBACK");
            check(vm.get(VmItem.NR_FILE_PAGES) - vm.get(VmItem.NR_SWAPCACHED) == cache.nrPages(), "NR_FILE_PAGES "
                + vm.get(VmItem.NR_FILE_PAGES) + " swapcached " + vm.get(VmItem.NR_SWAPCACHED) + " cache " + cache.nrPages());
            for (Map.Entry<Integer, byte[]> e : files.entrySet()) {
                FileAddressSpace as = (FileAddressSpace) cache.addressSpaces().stream().filter(x -> x.path().equals(PATHS[e.getKey()])).findFirst().orElse(null);
                if (as != null) {
                    check(as.size() == e.getValue().length, "i_size " + as.size() + " model " + e.getValue().length);
                }
            }
        }
        for (Proc p : procs) {
            mm.exit(p.pid);
        }
        mm.shutdown();
        for (Map.Entry<Integer, byte[]> e : files.entrySet()) {
            check(Arrays.equals(Machines.disk(m, PATHS[e.getKey()]), e.getValue()), "disk after shutdown " + PATHS[e.getKey()]);
        }
        try {
            Machines.delete(m.runDirectory());
        } catch (java.io.IOException ignored) {
        }
    }
}
