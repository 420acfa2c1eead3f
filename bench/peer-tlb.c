/*
 * peer-tlb.c: a same-day C peer of the TLB benchmarks (TlbBench, TlbCpuTime), written apart
 * from tlb-module. It does the work the Java set-associative TLB does per reference, with
 * the same geometry and the same reference strings, so that a figure of the Java TLB can be
 * put next to what the same work costs in C on the same machine on the same day.
 *
 * The TLB: 64 entries, 4 ways, 16 sets indexed by the low VPN bits. An entry is a tag word
 * (page number | ASID | size class | G | V, as tlb-module's TlbEntry lays it out, so one
 * compare per way decides a hit) and the cached x86 PTE. Per reference:
 *   lookup:  set, key for the current ASID; compare the set's 4 tags; on a hit count it,
 *            remember the slot (a hierarchy copies from it), move the way to the front of
 *            the set's LRU order (a byte per set, 2 bits per rank, updated through a 1 KiB
 *            table, and not written when the way already is the newest), set A (and D on
 *            a write when the TLB keeps its own bits) and return the translation. Global
 *            entries are compared only while the TLB holds some; large pages are probed
 *            only while it holds some. On a miss count it and remember the missed key.
 *   insert:  (after the walk) reject a non-present PTE; size class of the page shift; page
 *            number, set, key, global key; skip the search when the key is the one that
 *            just missed; the first invalid way, else the LRU victim (counted as an
 *            eviction; its A/D bits handed to a write-back hook when one is set, as the
 *            Nachos convention does); keep the size and global counts; move the way to the
 *            front of the order.
 * Permissions are not checked here: as in the Java TLB, lookup returns the PTE and the MMU
 * checks it against the access.
 *
 * Direct mapped (arguments dm-random, dm-local): the same 64 entries as 64 sets of one way,
 * the direct-mapped TLB's hit: set = the low six VPN bits, one compare with the key (and
 * with the global key while the TLB holds global entries), count the hit, remember the
 * slot, set A (written only when it was clear); no replacement order. The same 64 pages
 * fill all 64 sets, so every lookup hits.
 *
 * Reference strings, as TlbCpuTime builds them:
 *   hit random: 64 resident pages at 0x7f0000000000; 4096 references, each a page and an
 *               offset drawn from java.util.SplittableRandom(42) (reimplemented below, so
 *               the sequence is the same one);
 *   hit local:  the same pages, eight references to each in turn;
 *   miss:       4096 pages at 0x550000000000 in turn, every lookup misses and is followed
 *               by the insert of that page's PTE (LRU evicts the set's oldest entry).
 * The timing loop is TlbCpuTime's (lookup, insert on a miss, sum the translations), timed
 * by the thread's CPU time; the best of 8 rounds of 10 million after 4 rounds of warm-up.
 *
 * Build and run:  gcc -O2 -o /tmp/peer-tlb bench/peer-tlb.c && /tmp/peer-tlb
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef uint64_t u64;

/* Tag layout (the Java TLB's): V bit 0, G bit 1, size bits 2-3, ASID bits 4-18, page number 19-63. */
#define TAG_V 1ULL
#define TAG_G 2ULL
#define TAG_SIZE_SHIFT 2
#define TAG_ASID_SHIFT 4
#define TAG_PN_SHIFT 19
#define VA_MASK ((1ULL << 57) - 1)
#define NO_KEY (~0ULL)

/* x86 PTE bits. */
#define PTE_P 1ULL
#define PTE_RW 2ULL
#define PTE_US 4ULL
#define PTE_A 0x20ULL
#define PTE_D 0x40ULL
#define PTE_G 0x100ULL
#define PTE_PFN_MASK (((1ULL << 40) - 1) << 12)

#define ENTRIES 64
#define WAYS 4
#define SETS (ENTRIES / WAYS)
#define ACCESS_WRITE 2

static const int size_shift[4] = {12, 21, 22, 30};

struct tlb {
    u64 tag[ENTRIES];
    u64 pte[ENTRIES];
    uint8_t order[SETS]; /* LRU order of the set's ways: bits 2r..2r+1 = way at rank r, rank 0 newest */
    int nr_by_size[4];
    int nr_large, nr_valid, nr_global;
    u64 missed_key;
    int hit_slot;
    int asid;
    int writeback_bits;
    void (*writeback)(u64 tag, u64 pte);
    u64 hits, misses, evictions;
};

static uint8_t to_front[256 * WAYS];

static int move_to_front(int order, int way) {
    int rank = 0;
    while (rank < WAYS - 1 && ((order >> (2 * rank)) & 3) != way)
        rank++;
    int newer = order & ((1 << (2 * rank)) - 1);
    int older = order & ~((1 << (2 * (rank + 1))) - 1);
    return (older | newer << 2 | way) & 0xff;
}

static void tlb_init(struct tlb *t) {
    memset(t, 0, sizeof *t);
    for (int o = 0; o < 256; o++)
        for (int w = 0; w < WAYS; w++)
            to_front[o << 2 | w] = (uint8_t)move_to_front(o, w);
    memset(t->order, 3 | 2 << 2 | 1 << 4, SETS); /* ways 3,2,1,0 by rank: way 0 oldest */
    t->missed_key = NO_KEY;
}

static inline u64 page_number(u64 vaddr, int size) { return (vaddr & VA_MASK) >> size_shift[size]; }
static inline u64 make_key(u64 pn, int asid, int size) { return pn << TAG_PN_SHIFT | (u64)asid << TAG_ASID_SHIFT | (u64)size << TAG_SIZE_SHIFT | TAG_V; }
static inline u64 make_global_key(u64 pn, int size) { return pn << TAG_PN_SHIFT | (u64)size << TAG_SIZE_SHIFT | TAG_G | TAG_V; }
static inline int tag_size(u64 tag) { return (int)(tag >> TAG_SIZE_SHIFT) & 3; }

static inline int find(const struct tlb *t, int set, u64 key, u64 gkey) {
    int b = set * WAYS;
    for (int pass = 0; pass < 2; pass++) {
        if (t->tag[b] == key) return b;
        if (t->tag[b + 1] == key) return b + 1;
        if (t->tag[b + 2] == key) return b + 2;
        if (t->tag[b + 3] == key) return b + 3;
        if (t->nr_global == 0) break;
        key = gkey;
    }
    return -1;
}

static inline void lru_use(struct tlb *t, int set, int slot) {
    uint8_t o = t->order[set];
    uint8_t n = to_front[o << 2 | (slot & 3)];
    if (n != o)
        t->order[set] = n;
}

/* A hit on slot: count it, update the LRU order, set A (and D). */
static inline u64 use(struct tlb *t, int set, int slot, int dirty) {
    t->hits++;
    t->hit_slot = slot;
    lru_use(t, set, slot);
    u64 cached = t->pte[slot];
    u64 entry = cached | (dirty ? PTE_A | PTE_D : PTE_A);
    if (entry != cached)
        t->pte[slot] = entry;
    return entry;
}

/* The probes of the large page sizes the TLB holds (only called while it holds some). */
static u64 __attribute__((noinline)) lookup_large(struct tlb *t, u64 vaddr, int dirty) {
    for (int size = 1; size < 4; size++) {
        if (t->nr_by_size[size] == 0)
            continue;
        u64 pn = page_number(vaddr, size);
        int set = (int)pn & (SETS - 1);
        int slot = find(t, set, make_key(pn, t->asid, size), make_global_key(pn, size));
        if (slot >= 0) {
            u64 entry = use(t, set, slot, dirty);
            u64 index = (vaddr >> 12) & ((1ULL << (size_shift[size] - 12)) - 1);
            return (entry & ~PTE_PFN_MASK) | ((entry & PTE_PFN_MASK) + (index << 12));
        }
    }
    return 0;
}

static inline u64 tlb_lookup(struct tlb *t, u64 vaddr, int access) {
    int dirty = (access & ACCESS_WRITE) && t->writeback_bits;
    u64 pn = page_number(vaddr, 0);
    int set = (int)pn & (SETS - 1);
    u64 key = make_key(pn, t->asid, 0);
    int slot = find(t, set, key, make_global_key(pn, 0));
    if (slot >= 0)
        return use(t, set, slot, dirty);
    if (t->nr_large != 0) {
        u64 entry = lookup_large(t, vaddr, dirty);
        if (entry != 0)
            return entry;
    }
    t->misses++;
    t->missed_key = key;
    return 0;
}

/* The direct-mapped hit path: 64 sets of one way in the same arrays, 4 KiB pages only here. */
static inline u64 dm_lookup(struct tlb *t, u64 vaddr, int access) {
    int dirty = (access & ACCESS_WRITE) && t->writeback_bits;
    u64 pn = page_number(vaddr, 0);
    int slot = (int)pn & (ENTRIES - 1);
    u64 key = make_key(pn, t->asid, 0);
    u64 tag = t->tag[slot];
    if (tag == key || (t->nr_global != 0 && tag == make_global_key(pn, 0))) {
        t->hits++;
        t->hit_slot = slot;
        u64 cached = t->pte[slot];
        u64 entry = cached | (dirty ? PTE_A | PTE_D : PTE_A);
        if (entry != cached)
            t->pte[slot] = entry;
        return entry;
    }
    if (t->nr_large != 0)
        abort(); /* large pages: not exercised here */
    t->misses++;
    t->missed_key = key;
    return 0;
}

static void tlb_insert(struct tlb *t, u64 vaddr, u64 pte, int page_shift) {
    if (!(pte & PTE_P)) {
        fprintf(stderr, "pte %#llx: not present\n", (unsigned long long)pte);
        exit(1);
    }
    int size;
    switch (page_shift) {
    case 12: size = 0; break;
    case 21: size = 1; break;
    case 22: size = 2; break;
    case 30: size = 3; break;
    default: fprintf(stderr, "pageShift: %d\n", page_shift); exit(1);
    }
    u64 pn = page_number(vaddr, size);
    int set = (int)pn & (SETS - 1);
    u64 key = make_key(pn, t->asid, size);
    u64 gkey = make_global_key(pn, size);
    int slot = key == t->missed_key ? -1 : find(t, set, key, gkey);
    u64 entry = size == 0 ? pte : pte & ~(((1ULL << (size_shift[size] - 12)) - 1) << 12);
    u64 new_tag = (pte & PTE_G) ? gkey : key;
    if (slot >= 0) { /* the same page again: overwrite in place (the ASID/global double is not exercised here) */
        if (t->writeback)
            entry |= t->pte[slot] & (PTE_A | PTE_D);
    } else {
        if (t->nr_valid < ENTRIES)
            for (int s = set * WAYS; s < set * WAYS + WAYS; s++)
                if (t->tag[s] == 0) { slot = s; break; }
        if (slot >= 0) {
            t->nr_valid++;
            t->nr_by_size[size]++;
            t->nr_large += size != 0;
            t->nr_global += (new_tag & TAG_G) != 0;
        } else {
            slot = set * WAYS + (t->order[set] >> 6); /* LRU: the way at rank 3 */
            t->evictions++;
            u64 old_tag = t->tag[slot];
            if (((old_tag ^ new_tag) & (TAG_G | 3ULL << TAG_SIZE_SHIFT)) != 0) {
                t->nr_by_size[tag_size(old_tag)]--;
                t->nr_by_size[size]++;
                t->nr_large += (size != 0) - (tag_size(old_tag) != 0);
                t->nr_global += ((new_tag & TAG_G) != 0) - ((old_tag & TAG_G) != 0);
            }
            if (t->writeback)
                t->writeback(old_tag, t->pte[slot]);
        }
    }
    t->tag[slot] = new_tag;
    t->pte[slot] = entry;
    t->missed_key = NO_KEY;
    lru_use(t, set, slot);
}

/* java.util.SplittableRandom(seed): nextInt(bound) for a power-of-two bound. */
static u64 sr_seed;
static int sr_next_int(int bound) {
    u64 z = (sr_seed += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 33)) * 0x62a9d9ed799705f5ULL;
    int32_t r = (int32_t)(((z ^ (z >> 28)) * 0xcb24d0a5c88c35b3ULL) >> 32);
    return r & (bound - 1);
}

static u64 make_pte(u64 pfn, u64 flags) { return ((pfn << 12) & PTE_PFN_MASK) | (flags & ~PTE_PFN_MASK); }

static double cpu_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static u64 vaddrs[4096], ptes[4096];

static u64 __attribute__((noinline)) run_dm(struct tlb *t, long n) {
    u64 sink = 0;
    for (long i = 0; i < n; i++) {
        u64 tr = dm_lookup(t, vaddrs[i & 4095], 1 /* READ */);
        if (tr == 0)
            abort(); /* every lookup hits */
        sink += tr;
    }
    return sink;
}

static u64 __attribute__((noinline)) run(struct tlb *t, long n) {
    u64 sink = 0;
    for (long i = 0; i < n; i++) {
        u64 vaddr = vaddrs[i & 4095];
        u64 tr = tlb_lookup(t, vaddr, 1 /* READ */);
        if (tr == 0)
            tlb_insert(t, vaddr, ptes[i & 4095], 12);
        sink += tr;
    }
    return sink;
}

static void measure(const char *name) {
    static struct tlb t;
    tlb_init(&t);
    int dm = strncmp(name, "dm-", 3) == 0;
    if (dm)
        name += 3;
    int miss = strcmp(name, "miss") == 0;
    u64 base = 0x7f0000000000ULL;
    if (miss) {
        for (int k = 0; k < 4096; k++) {
            vaddrs[k] = 0x550000000000ULL + ((u64)k << 12);
            ptes[k] = make_pte(0x2000 + k, PTE_P | PTE_RW | PTE_US | PTE_A);
        }
    } else {
        for (int vpn = 0; vpn < 64; vpn++) {
            u64 vaddr = base + ((u64)vpn << 12);
            if (dm) { /* the page's only slot: its low six VPN bits */
                int slot = (int)page_number(vaddr, 0) & (ENTRIES - 1);
                t.tag[slot] = make_key(page_number(vaddr, 0), t.asid, 0);
                t.pte[slot] = make_pte(0x1000 + vpn, PTE_P | PTE_RW | PTE_US | PTE_A);
                t.nr_valid++;
                t.nr_by_size[0]++;
            } else {
                tlb_insert(&t, vaddr, make_pte(0x1000 + vpn, PTE_P | PTE_RW | PTE_US | PTE_A), 12);
            }
        }
        sr_seed = 42;
        for (int k = 0; k < 4096; k++) {
            if (strcmp(name, "random") == 0) {
                u64 page = (u64)sr_next_int(64);
                vaddrs[k] = base + (page << 12) + (u64)sr_next_int(4096);
            } else {
                vaddrs[k] = base + ((u64)((k / 8) % 64) << 12) + (u64)(k % 8) * 512;
            }
        }
        for (int k = 0; k < 4096; k++)
            if ((dm ? dm_lookup(&t, vaddrs[k], 1) : tlb_lookup(&t, vaddrs[k], 1)) == 0) {
                fprintf(stderr, "set-up lookup missed\n");
                exit(1);
            }
    }
    long n = 10000000;
    double best = 1e18;
    u64 sink = 0;
    for (int round = 0; round < 12; round++) {
        double start = cpu_ns();
        sink += dm ? run_dm(&t, n) : run(&t, n);
        double per = (cpu_ns() - start) / n;
        if (round >= 4 && per < best)
            best = per;
    }
    printf("C peer %s %s: best %.2f ns/op (thread CPU time, 8 rounds of %ld after 4 of warm-up)"
           " hits %llu misses %llu evictions %llu%s\n",
           dm ? "direct-mapped" : "set-associative", miss ? "lookup+insert" : name, best, n, (unsigned long long)t.hits, (unsigned long long)t.misses,
           (unsigned long long)t.evictions, sink == 42 ? "!" : "");
}

int main(int argc, char **argv) {
    if (argc > 1) {
        measure(argv[1]);
    } else {
        measure("random");
        measure("local");
        measure("miss");
        measure("dm-random");
        measure("dm-local");
    }
    return 0;
}
