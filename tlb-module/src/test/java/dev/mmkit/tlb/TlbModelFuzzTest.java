package dev.mmkit.tlb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mmkit.api.hw.Access;
import dev.mmkit.api.hw.Page;
import dev.mmkit.api.hw.Pte;
import dev.mmkit.api.machine.Settings;
import dev.mmkit.api.tlb.SoftwareTlb;
import dev.mmkit.api.tlb.TlbListener;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

// Model-based fuzz: every TLB organisation against a naive reference model, op by op (results, counters, write-backs).
class TlbModelFuzzTest {
    static final int[] SHIFTS = {Page.SHIFT, Page.SHIFT_2M, Page.SHIFT_4M, Page.SHIFT_1G};
    static final long[] REGIONS = {0L, 0x4000_0000L, 0xffff_8880_0000_0000L, 0x7fff_ff80_0000L, 0x00ff_0000_0000_0000L};

    // ------------------------------------------------------------------ the model

    /** One level: slots {@code set * ways + way}; entry = page number, size class, asid (-1 global), pte. */
    static final class MLevel {
        final String name;
        final int sets;
        final int ways;
        final String repl;
        final RandomGenerator random;
        final MTlb tlb;
        MLevel next;
        final boolean[] valid;
        final long[] page;
        final int[] size;
        final int[] asid;
        final long[] pte;
        final long[] stamp;
        long clock;
        final byte[][] tree;
        long hits;
        long misses;
        long evictions;
        long flushes;
        long shootdowns;
        int hitSlot = -1;

        MLevel(MTlb tlb, String name, String org, int entries, int ways, String repl, RandomGenerator random) {
            this.tlb = tlb;
            this.name = name;
            switch (org) {
                case "fully-associative" -> {
                    this.sets = 1;
                    this.ways = entries;
                }
                case "direct-mapped" -> {
                    this.sets = entries;
                    this.ways = 1;
                }
                default -> {
                    this.sets = entries / ways;
                    this.ways = ways;
                }
            }
            this.repl = org.equals("direct-mapped") ? "none" : repl;
            this.random = random;
            valid = new boolean[entries];
            page = new long[entries];
            size = new int[entries];
            asid = new int[entries];
            pte = new long[entries];
            stamp = new long[entries];
            tree = new byte[sets][this.ways];
        }

        static long pageNumber(long vaddr, int size) {
            return (vaddr & ((1L << 57) - 1)) >>> SHIFTS[size];
        }

        int setOf(long pn) {
            return (int) (pn % sets);
        }

        /** Slot of an entry for (pn, size) tagged {@code a} exactly (-1 for global), or -1. */
        int findExact(long pn, int sz, int a) {
            int set = setOf(pn);
            for (int s = set * ways; s < set * ways + ways; s++) {
                if (valid[s] && page[s] == pn && size[s] == sz && asid[s] == a) {
                    return s;
                }
            }
            return -1;
        }

        /** The slot translating vaddr for asid {@code a} (a < 0: global only): smallest size first, own before global. */
        int probe(long vaddr, int a) {
            for (int sz = 0; sz < 4; sz++) {
                long pn = pageNumber(vaddr, sz);
                int s = a >= 0 ? findExact(pn, sz, a) : -1;
                if (s < 0) {
                    s = findExact(pn, sz, -1);
                }
                if (s >= 0) {
                    return s;
                }
            }
            return -1;
        }

        void touch(int slot) {
            switch (repl) {
                case "lru" -> stamp[slot] = ++clock;
                case "plru" -> pointAway(slot);
                default -> {
                }
            }
        }

        void fill(int slot) {
            switch (repl) {
                case "lru", "fifo" -> stamp[slot] = ++clock;
                case "plru" -> pointAway(slot);
                default -> {
                }
            }
        }

        void pointAway(int slot) {
            int set = slot / ways;
            int way = slot % ways;
            for (int node = ways + way; node > 1; node /= 2) {
                tree[set][node / 2] = (byte) (node % 2 == 0 ? 1 : 0);
            }
        }

        int victim(int set) {
            int base = set * ways;
            switch (repl) {
                case "lru", "fifo" -> {
                    int v = 0;
                    for (int w = 1; w < ways; w++) {
                        if (stamp[base + w] < stamp[base + v]) {
                            v = w;
                        }
                    }
                    return base + v;
                }
                case "plru" -> {
                    int node = 1;
                    while (node < ways) {
                        node = 2 * node + tree[set][node];
                    }
                    return base + node - ways;
                }
                case "random" -> {
                    return base + (ways == 1 ? 0 : random.nextInt(ways));
                }
                default -> {
                    return base;
                }
            }
        }

        long use(int slot, long vaddr, boolean dirty) {
            touch(slot);
            pte[slot] |= Pte.A | (dirty ? Pte.D : 0);
            return translation(slot, vaddr);
        }

        long translation(int slot, long vaddr) {
            long e = pte[slot];
            long n = 1L << (SHIFTS[size[slot]] - Page.SHIFT);
            return Pte.withPfn(e, Pte.pfn(e) + (Page.vpn(vaddr) & (n - 1)));
        }

        long lookup(long vaddr, int a, boolean dirty) {
            int slot = probe(vaddr, a);
            if (slot < 0) {
                misses++;
                return 0;
            }
            hits++;
            hitSlot = slot;
            return use(slot, vaddr, dirty);
        }

        int insert(long vaddr, int a, long p, int sz) {
            long pn = pageNumber(vaddr, sz);
            int set = setOf(pn);
            int own = findExact(pn, sz, a);
            int glob = findExact(pn, sz, -1);
            int slot = own >= 0 ? own : glob;
            long n = 1L << (SHIFTS[sz] - Page.SHIFT);
            long entry = Pte.withPfn(p, Pte.pfn(p) & ~(n - 1));
            int newAsid = Pte.isGlobal(p) ? -1 : a;
            if (slot >= 0) {
                int other = slot == own ? glob : own;
                if (other >= 0) {
                    leave(other);
                }
                if (tlb.writeback) {
                    entry |= pte[slot] & (Pte.A | Pte.D);
                }
                put(slot, pn, sz, newAsid, entry);
            } else {
                int free = -1;
                for (int s = set * ways; s < set * ways + ways; s++) {
                    if (!valid[s]) {
                        free = s;
                        break;
                    }
                }
                if (free >= 0) {
                    slot = free;
                    put(slot, pn, sz, newAsid, entry);
                } else {
                    slot = victim(set);
                    evictions++;
                    long[] old = {page[slot], size[slot], asid[slot], pte[slot]};
                    put(slot, pn, sz, newAsid, entry);
                    if (tlb.writeback) {
                        writeBack(old[0], (int) old[1], (int) old[2], old[3]);
                    }
                }
            }
            fill(slot);
            return slot;
        }

        void put(int slot, long pn, int sz, int a, long p) {
            valid[slot] = true;
            page[slot] = pn;
            size[slot] = sz;
            asid[slot] = a;
            pte[slot] = p;
        }

        void leave(int slot) {
            valid[slot] = false;
            if (tlb.writeback) {
                writeBack(page[slot], size[slot], asid[slot], pte[slot]);
            }
        }

        void writeBack(long pn, int sz, int a, long p) {
            if (next != null) {
                int s = next.findExact(pn, sz, a);
                if (s >= 0) {
                    next.pte[s] |= p & (Pte.A | Pte.D);
                    return;
                }
            }
            for (MLevel l : tlb.levels) { // only the last copy to leave the TLB is reported
                int s = l.findExact(pn, sz, a);
                if (s >= 0) {
                    l.pte[s] |= p & (Pte.A | Pte.D);
                    return;
                }
            }
            tlb.reports.add(report(pn << SHIFTS[sz], a < 0 ? tlb.current : a, p));
        }

        void invalidatePage(long vaddr, int a) {
            for (int sz = 0; sz < 4; sz++) {
                long pn = pageNumber(vaddr, sz);
                int s;
                if (a >= 0 && (s = findExact(pn, sz, a)) >= 0) {
                    leave(s);
                }
                if ((s = findExact(pn, sz, -1)) >= 0) {
                    leave(s);
                }
            }
        }

        void flush(boolean globalToo, int onlyAsid) {
            flushes++;
            for (int s = 0; s < valid.length; s++) {
                if (valid[s] && (globalToo || asid[s] >= 0) && (onlyAsid < 0 || asid[s] == onlyAsid)) {
                    leave(s);
                }
            }
        }
    }

    static String report(long vaddr, int asid, long pte) {
        return Page.hex(vaddr) + "/" + asid + "/" + Page.hex(pte);
    }

    /** The whole TLB: levels, paths, the ASID generation, the refill handler's script. */
    static final class MTlb {
        final List<MLevel> levels = new ArrayList<>();
        MLevel[] iPath;
        MLevel[] dPath;
        boolean hierarchy;
        boolean software;
        boolean writeback;
        boolean asidsOn;
        int nrAsids;
        final LinkedHashSet<Integer> generation = new LinkedHashSet<>();
        int current;
        long rollovers;
        long references;
        long walks;
        boolean inRefill;
        final List<String> reports = new ArrayList<>();
        Script script;

        boolean mapped(int a) {
            return asidsOn ? generation.contains(a) : a == current;
        }

        void switchTo(int a) {
            if (a == current) {
                return;
            }
            if (!asidsOn) {
                for (MLevel l : levels) {
                    l.flush(false, -1);
                }
                current = a;
                return;
            }
            if (!generation.contains(a) && generation.size() == nrAsids) {
                for (MLevel l : levels) {
                    l.flush(true, -1);
                }
                generation.clear();
                rollovers++;
            }
            generation.add(a);
            current = a;
        }

        void invalidatePage(long vaddr, int a) {
            int tagged = mapped(a) ? a : -1;
            for (MLevel l : levels) {
                l.invalidatePage(vaddr, tagged);
            }
        }

        void shootdown(long vaddr, int a) {
            for (MLevel l : levels) {
                l.shootdowns++;
            }
            invalidatePage(vaddr, a);
        }

        void invalidateAsid(int a) {
            if (!mapped(a)) {
                return;
            }
            for (MLevel l : levels) {
                l.flush(false, asidsOn ? a : -1);
            }
        }

        void invalidateAll() {
            for (MLevel l : levels) {
                l.flush(true, -1);
            }
        }

        boolean dirty(int access) {
            return writeback && Access.isWrite(access);
        }

        long lookup(long vaddr, int access) {
            if (hierarchy) {
                references++;
                MLevel[] path = Access.isExecute(access) ? iPath : dPath;
                for (int i = 0; i < path.length; i++) {
                    long t = path[i].lookup(vaddr, current, dirty(access));
                    if (t != 0) {
                        MLevel src = path[i];
                        long p = src.pte[src.hitSlot];
                        int sz = src.size[src.hitSlot];
                        for (int j = i - 1; j >= 0; j--) {
                            path[j].insert(vaddr, current, p, sz);
                        }
                        return t;
                    }
                }
                walks++;
                return 0;
            }
            MLevel l = levels.get(0);
            long t = l.lookup(vaddr, current, dirty(access));
            if (t != 0 || !software || inRefill) {
                return t;
            }
            inRefill = true;
            boolean ok;
            try {
                ok = script.refillModel(this, vaddr, access);
            } finally {
                inRefill = false;
            }
            if (!ok) {
                return 0;
            }
            int slot = l.probe(vaddr, current);
            return slot < 0 ? 0 : l.use(slot, vaddr, dirty(access));
        }

        void insert(long vaddr, int access, long p, int sz) {
            if (hierarchy) {
                MLevel[] path = Access.isExecute(access) ? iPath : dPath;
                for (int i = path.length - 1; i >= 0; i--) {
                    path[i].insert(vaddr, current, p, sz);
                }
            } else {
                levels.get(0).insert(vaddr, current, p, sz);
            }
        }

        /** tlbwi; returns the exception class name or null. */
        String writeIndexed(int index, long vaddr, long p, int sz) {
            MLevel l = levels.get(0);
            if (index < 0 || index >= l.valid.length) {
                return "IllegalArgumentException";
            }
            // MIPS: no two entries may match an address; the one at index is overwritten
            for (int s = 0; s < l.valid.length; s++) {
                if (s != index && l.valid[s] && (l.asid[s] == current || l.asid[s] == -1)
                        && l.page[s] == MLevel.pageNumber(vaddr, l.size[s])) {
                    return "IllegalStateException";
                }
            }
            long pn = MLevel.pageNumber(vaddr, sz);
            if (index / l.ways != l.setOf(pn)) {
                return "IllegalArgumentException";
            }
            if (l.valid[index]) {
                l.leave(index);
            }
            long n = 1L << (SHIFTS[sz] - Page.SHIFT);
            l.put(index, pn, sz, Pte.isGlobal(p) ? -1 : current, Pte.withPfn(p, Pte.pfn(p) & ~(n - 1)));
            l.fill(index);
            return null;
        }

        Map<String, Long> counters() {
            Map<String, Long> c = new LinkedHashMap<>();
            for (MLevel l : levels) {
                c.put(l.name + ".hits", l.hits);
                c.put(l.name + ".misses", l.misses);
                c.put(l.name + ".evictions", l.evictions);
                c.put(l.name + ".flushes", l.flushes);
                c.put(l.name + ".shootdowns", l.shootdowns);
            }
            if (hierarchy) {
                c.put("total.hits", references - walks);
                c.put("total.misses", walks);
            }
            c.put("asid.rollovers", rollovers);
            return c;
        }

        long hits() {
            return hierarchy ? references - walks : levels.get(0).hits;
        }

        long misses() {
            return hierarchy ? walks : levels.get(0).misses;
        }
    }

    // ------------------------------------------------------------------ the refill handler, shared by both sides

    /** What the refill handler does on the next miss: decided by the test before each lookup, done identically on both sides. */
    static final class Script implements TlbListener {
        final List<String> reports = new ArrayList<>();
        int decision;
        int way;
        long pte;
        int size;
        long otherVaddr;
        String realError;
        String modelError;

        @Override
        public void evicted(long vaddr, int asid, long pte) {
            reports.add(report(vaddr, asid, pte));
        }

        @Override
        public boolean refill(SoftwareTlb tlb, long vaddr, int access) {
            AbstractTlb t = (AbstractTlb) tlb;
            TlbLevel l = t.levels[0];
            switch (decision) {
                case 0:
                    return false;
                case 1:
                    tlb.writeRandom(vaddr, pte, SHIFTS[size]);
                    return true;
                case 2: {
                    long pn = MLevel.pageNumber(vaddr, size);
                    int index = (int) (pn % l.sets) * l.ways + way % l.ways;
                    try {
                        tlb.writeIndexed(index, vaddr, pte, SHIFTS[size]);
                    } catch (RuntimeException e) {
                        realError = e.getClass().getSimpleName();
                        return false;
                    }
                    return true;
                }
                case 3:
                    tlb.writeRandom(otherVaddr, pte, SHIFTS[size]);
                    return true;
                default: {
                    long nested = tlb.lookup(vaddr, access); // a nested miss: 0 without a second exception
                    if (nested != 0) {
                        throw new AssertionError("nested lookup hit");
                    }
                    tlb.writeRandom(vaddr, pte, SHIFTS[size]);
                    return true;
                }
            }
        }

        boolean refillModel(MTlb m, long vaddr, int access) {
            MLevel l = m.levels.get(0);
            switch (decision) {
                case 0:
                    return false;
                case 1:
                    m.insert(vaddr, access, pte, size);
                    return true;
                case 2: {
                    long pn = MLevel.pageNumber(vaddr, size);
                    int index = (int) (pn % l.sets) * l.ways + way % l.ways;
                    modelError = m.writeIndexed(index, vaddr, pte, size);
                    return modelError == null;
                }
                case 3:
                    m.insert(otherVaddr, access, pte, size);
                    return true;
                default: {
                    long nested = m.lookup(vaddr, access);
                    if (nested != 0) {
                        throw new AssertionError("model nested lookup hit");
                    }
                    m.insert(vaddr, access, pte, size);
                    return true;
                }
            }
        }
    }

    // ------------------------------------------------------------------ the harness

    static MTlb model(TlbConfig c, RandomGenerator random, Script script) {
        MTlb m = new MTlb();
        m.hierarchy = c.hierarchy;
        m.software = c.refill.equals("software");
        m.writeback = c.writebackBits;
        m.asidsOn = c.asid;
        m.nrAsids = c.asid ? 1 << c.asidBits : 1;
        m.generation.add(0);
        m.script = script;
        Map<String, MLevel> byName = new LinkedHashMap<>();
        for (TlbConfig.Level l : c.levels) {
            MLevel ml = new MLevel(m, l.name(), l.organisation(), l.entries(), l.ways(), l.replacement(), random);
            byName.put(l.name(), ml);
            m.levels.add(ml);
        }
        if (c.hierarchy) {
            LinkedHashSet<String> named = new LinkedHashSet<>();
            for (TlbConfig.Level l : c.levels) {
                if (!l.nextLevel().isEmpty()) {
                    byName.get(l.name()).next = byName.get(l.nextLevel());
                    named.add(l.nextLevel());
                }
            }
            for (TlbConfig.Level l : c.levels) {
                if (!named.contains(l.name())) {
                    if (m.iPath == null && l.takesInstructions()) {
                        m.iPath = path(byName.get(l.name()));
                    }
                    if (m.dPath == null && l.takesData()) {
                        m.dPath = path(byName.get(l.name()));
                    }
                }
            }
        }
        return m;
    }

    static MLevel[] path(MLevel entry) {
        List<MLevel> p = new ArrayList<>();
        for (MLevel l = entry; l != null; l = l.next) {
            p.add(l);
        }
        return p.toArray(new MLevel[0]);
    }

    static long randomVaddr(SplittableRandom r) {
        if (r.nextBoolean()) {
            // a hot set: 24 pages, so that lookups hit and replacement order matters
            return REGIONS[r.nextInt(2) * 2] + Page.address(r.nextInt(24) * 3L) + r.nextInt(Page.SIZE);
        }
        long region = REGIONS[r.nextInt(REGIONS.length)];
        return region + Page.address(r.nextInt(r.nextBoolean() ? 48 : 1536)) + r.nextInt(Page.SIZE);
    }

    static long randomPte(SplittableRandom r, boolean globals) {
        long flags = Pte.P;
        flags |= r.nextBoolean() ? Pte.RW : 0;
        flags |= r.nextBoolean() ? Pte.US : 0;
        flags |= r.nextInt(4) == 0 ? Pte.NX : 0;
        flags |= r.nextBoolean() ? Pte.A : 0;
        flags |= r.nextInt(3) == 0 ? Pte.D : 0;
        flags |= globals && r.nextInt(10) == 0 ? Pte.G : 0;
        return Pte.make(r.nextLong(1L << 28), flags);
    }

    static int randomSize(SplittableRandom r, boolean large) {
        if (!large) {
            return 0;
        }
        int k = r.nextInt(10);
        return k < 7 ? 0 : k - 6;
    }

    static final int[] ACCESSES = {Access.READ, Access.WRITE, Access.EXECUTE, Access.READ | Access.KERNEL, Access.WRITE | Access.KERNEL};

    /** Runs {@code ops} random operations on the TLB of {@code block} and on the model; fails at the first difference. */
    static void fuzz(String block, long seed, int ops, boolean large, boolean globals, int asidRange) {
        var machine = TestTlbs.machine(block);
        Settings settings = machine.settingsAt("mmkit.machine.tlb");
        TlbConfig config = TlbConfig.read(settings, settings.getString("impl"));
        Script script = new Script();
        AbstractTlb tlb = config.build(new SplittableRandom(seed * 31 + 7), script);
        MTlb m = model(config, new SplittableRandom(seed * 31 + 7), script);
        SplittableRandom r = new SplittableRandom(seed);
        List<String> history = new ArrayList<>();
        assertThat(tlb.keepsBits()).isEqualTo(config.writebackBits);
        for (int op = 0; op < ops; op++) {
            long vaddr = randomVaddr(r);
            int asid = r.nextInt(asidRange);
            int access = ACCESSES[r.nextInt(ACCESSES.length)];
            int kind = r.nextInt(100);
            String what;
            script.reports.clear();
            m.reports.clear();
            script.decision = r.nextInt(5);
            script.way = r.nextInt(64);
            script.pte = randomPte(r, globals);
            script.size = randomSize(r, large);
            script.otherVaddr = randomVaddr(r);
            script.realError = null;
            script.modelError = null;
            if (kind < 40) {
                what = "lookup " + Page.hex(vaddr) + " access " + access + " decision " + script.decision + " pte " + Page.hex(script.pte) + " size " + script.size;
                long real = tlb.lookup(vaddr, access);
                long expected = m.lookup(vaddr, access);
                history.add(what);
                assertThat(script.realError).as("tlbwi error, op %d %s", op, what).isEqualTo(script.modelError);
                assertThat(Page.hex(real)).as("op %d %s%nhistory %s", op, what, tail(history)).isEqualTo(Page.hex(expected));
            } else if (kind < 70) {
                long p = randomPte(r, globals);
                int sz = randomSize(r, large);
                what = "insert " + Page.hex(vaddr) + " pte " + Page.hex(p) + " size " + sz + " access " + access;
                tlb.insert(vaddr, access, p, SHIFTS[sz]);
                m.insert(vaddr, access, p, sz);
            } else if (kind < 78) {
                what = "switchTo " + asid;
                tlb.switchTo(asid);
                m.switchTo(asid);
            } else if (kind < 84) {
                what = "invalidatePage " + Page.hex(vaddr) + " asid " + asid;
                tlb.invalidatePage(vaddr, asid);
                m.invalidatePage(vaddr, asid);
            } else if (kind < 89) {
                what = "shootdown " + Page.hex(vaddr) + " asid " + asid;
                tlb.shootdown(vaddr, asid);
                m.shootdown(vaddr, asid);
            } else if (kind < 92) {
                what = "invalidateAsid " + asid;
                tlb.invalidateAsid(asid);
                m.invalidateAsid(asid);
            } else if (kind < 93) {
                what = "invalidateAll";
                tlb.invalidateAll();
                m.invalidateAll();
            } else if (m.software && kind < 97) {
                long p = randomPte(r, globals);
                int sz = randomSize(r, large);
                int index = r.nextInt(tlb.levels[0].tag.length + 2) - 1;
                what = "writeIndexed " + index + " " + Page.hex(vaddr) + " pte " + Page.hex(p) + " size " + sz;
                String realError = null;
                try {
                    ((SoftwareTlb) tlb).writeIndexed(index, vaddr, p, SHIFTS[sz]);
                } catch (IllegalArgumentException | IllegalStateException e) {
                    realError = e.getClass().getSimpleName();
                }
                String modelError = m.writeIndexed(index, vaddr, p, sz);
                assertThat(realError).as("op %d %s", op, what).isEqualTo(modelError);
            } else if (m.software) {
                what = "probe " + Page.hex(vaddr);
                int real = ((SoftwareTlb) tlb).probe(vaddr);
                int expected = m.levels.get(0).probe(vaddr, m.current);
                assertThat(real).as("op %d %s", op, what).isEqualTo(expected);
            } else {
                what = "lookup-read " + Page.hex(vaddr);
                long real = tlb.lookup(vaddr, Access.READ);
                long expected = m.lookup(vaddr, Access.READ);
                assertThat(Page.hex(real)).as("op %d %s", op, what).isEqualTo(Page.hex(expected));
            }
            history.add(what);
            try {
                tlb.verify();
            } catch (IllegalStateException e) {
                throw new AssertionError("op " + op + " " + what + " history " + tail(history), e);
            }
            List<String> realReports = new ArrayList<>(script.reports);
            List<String> modelReports = new ArrayList<>(m.reports);
            Collections.sort(realReports);
            Collections.sort(modelReports);
            assertThat(realReports).as("write-backs, op %d %s%nhistory %s", op, what, tail(history)).isEqualTo(modelReports);
            assertThat(tlb.counters()).as("counters, op %d %s%nhistory %s", op, what, tail(history)).isEqualTo(m.counters());
            assertThat(tlb.hits()).isEqualTo(m.hits());
            assertThat(tlb.misses()).isEqualTo(m.misses());
        }
        if (PRINT) {
            System.out.println(block + " seed " + seed + ": " + m.counters());
        }
    }

    static boolean PRINT = Boolean.getBoolean("fuzz.print");

    static List<String> tail(List<String> h) {
        return h.subList(Math.max(0, h.size() - 12), h.size());
    }

    static final String SMALL_HIERARCHY = "impl = hierarchy, levels = ["
        + "{ name = I1, split = instruction, organisation = fully-associative, entries = 4, replacement = fifo, next-level = U2 },"
        + "{ name = S, split = data, organisation = direct-mapped, entries = 2, next-level = D1 },"
        + "{ name = D1, split = data, organisation = set-associative, entries = 8, ways = 2, replacement = random, next-level = U2 },"
        + "{ name = U2, split = unified, organisation = set-associative, entries = 16, ways = 4, replacement = lru, next-level = \"\" } ]";
    static final String L2_FIRST_HIERARCHY = "impl = hierarchy, levels = ["
        + "{ name = U2, split = unified, organisation = set-associative, entries = 8, ways = 8, replacement = plru, next-level = \"\" },"
        + "{ name = D1, split = data, organisation = fully-associative, entries = 3, replacement = lru, next-level = U2 },"
        + "{ name = I1, split = instruction, organisation = direct-mapped, entries = 4, next-level = U2 } ]";

    static final List<String> CONFIGS = List.of(
        "impl = fully-associative, entries = 16, replacement = lru",
        "impl = fully-associative, entries = 4, replacement = lru",
        "impl = fully-associative, entries = 7, replacement = fifo",
        "impl = fully-associative, entries = 8, replacement = plru",
        "impl = fully-associative, entries = 5, replacement = random",
        "impl = set-associative, entries = 16, ways = 4, replacement = lru",
        "impl = set-associative, entries = 16, ways = 4, replacement = fifo",
        "impl = set-associative, entries = 16, ways = 4, replacement = plru",
        "impl = set-associative, entries = 16, ways = 4, replacement = random",
        "impl = set-associative, entries = 32, ways = 8, replacement = lru",
        "impl = set-associative, entries = 32, ways = 2, replacement = fifo",
        "impl = set-associative, entries = 64, ways = 64, replacement = plru",
        "impl = set-associative, entries = 8, ways = 1, replacement = lru",
        "impl = direct-mapped, entries = 8",
        "impl = direct-mapped, entries = 1",
        "impl = software, entries = 8, organisation = fully-associative, replacement = random",
        "impl = software, entries = 16, organisation = set-associative, ways = 4, replacement = lru",
        "impl = software, entries = 8, organisation = direct-mapped",
        "impl = hierarchy",
        SMALL_HIERARCHY,
        L2_FIRST_HIERARCHY);

    static final List<String> ASID_VARIANTS = List.of("asid = true, asid-bits = 2", "asid = true, asid-bits = 12", "asid = false", "asid = true, asid-bits = 1");

    private static void all(boolean writeback, int seeds, int ops) {
        for (String config : CONFIGS) {
            for (String asids : ASID_VARIANTS) {
                for (int seed = 1; seed <= seeds; seed++) {
                    String block = config + ", " + asids + ", writeback-bits = " + writeback;
                    try {
                        fuzz(block, seed, ops, seed % 3 != 0, seed % 4 != 1, seed % 2 == 0 ? 6 : 3);
                    } catch (AssertionError e) {
                        throw new AssertionError("config [" + block + "] seed " + seed + ": " + e.getMessage(), e);
                    }
                }
            }
        }
    }

    /** A longer campaign: {@code mvn test -Dtest=TlbModelFuzzTest -Dfuzz.seeds=10}. */
    @Test
    @EnabledIfSystemProperty(named = "fuzz.seeds", matches = "[0-9]+")
    void manySeeds() {
        int seeds = Integer.getInteger("fuzz.seeds");
        all(false, seeds, 5000);
        all(true, seeds, 5000);
    }

    @Test
    void everyOrganisationMatchesTheModel() {
        all(false, 2, 3000);
    }

    @Test
    void everyOrganisationMatchesTheModelWithWriteback() {
        all(true, 2, 3000);
    }
}
