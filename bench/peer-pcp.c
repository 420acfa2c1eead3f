/*
 * peer-pcp.c: a same-day C peer of BuddyBench.order0Pair (issue 3's "order-0 allocate +
 * free through the per-CPU list: <= 5 ns per pair"), written apart from buddy-module. It
 * does the work the Java allocator does for one GFP_KERNEL order-0 allocation and its
 * free when both are served by the current CPU's list, with the same data layout, so that
 * the Java figure can be put next to what the same work costs in C on the same machine on
 * the same day.
 *
 * State (as buddy-module and the machine's mem_map keep it):
 *   node[3 * pfn + 2]  the allocator's state word of each frame (ALLOC | order, PCP, FREE |
 *                      order); the free-list links beside it are not touched here;
 *   hot[pfn]           mem_map's hot word of each frame: refcount in the high half, flags in
 *                      the low half; cold[] chunks and a dirty bitmap for the rest of
 *                      struct page (none created in this benchmark, as in the Java one);
 *   vmstat[]           the machine's counters (pgalloc_normal, pgfree);
 *   per-CPU list       a ring of pfns, a power of two long, head (hot end) and tail, the
 *                      zone's high and batch limits.
 * Per pair:
 *   alloc:  order in range; the GFP's preferred populated zone (a field); the low
 *           watermark (free - (2^order - 1) > low); the current CPU's list (one CPU: no
 *           index); pop the hot end; state = ALLOC; pgalloc_normal += 1; refcount 1 in the
 *           hot word; the __GFP_COMP and __GFP_ZERO tests of prep_new_page.
 *   free:   order and pfn in range; the frame's zone by comparisons; the state must be
 *           ALLOC | 0, else "Bad page state" naming the pfn; mem_map reset (hot word 0;
 *           cold chunk absent, so no dirty bit to read); pgfree += 1; the current CPU's
 *           list; grow the ring if full (never here); push at the hot end; state = PCP;
 *           drain a batch if the list reached high (never here).
 * The list never runs empty nor reaches high: the same page goes out and comes back.
 *
 * Timing as BuddyCpuTime's: the thread's CPU time over rounds of 10 million pairs; a
 * compiler barrier after each pair plays the part of JMH's volatile read per call, so that
 * nothing is kept in registers from one pair to the next; the best and median of 8 rounds
 * after 4 of warm-up. Both calls are inlined into the loop, as C2 inlines them into
 * BuddyBench.order0Pair's.
 *
 * Build and run (one core; keep it under the bench lock like the JMH runs):
 *
 *   gcc -O2 -o /tmp/peer-pcp bench/peer-pcp.c && /tmp/peer-pcp
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define NR_FRAMES (1 << 20) /* 4 GiB of 4 KiB frames, one Normal zone */
#define ORDER_MASK 0x1f
#define FREE 0x20
#define PCP 0x40
#define ALLOC 0x80
#define MAX_ORDER 11
#define GFP_KERNEL 0xcc0u
#define GFP_COMP 0x4000u
#define GFP_ZERO 0x100u
#define PGALLOC_NORMAL 1
#define PGFREE 3
#define CHUNK_SHIFT 12

struct per_cpu_pages {
    int high, batch;
    int *ring;
    int ring_length; /* a power of two */
    int head, tail;
};

struct allocator {
    int32_t *node;     /* 3 ints per frame: next, prev, state */
    uint64_t *hot;     /* mem_map hot words */
    uint64_t **cold;   /* mem_map cold chunks (all absent here) */
    uint64_t *dirty;   /* one bit per frame with a cold word */
    int64_t vmstat[8];
    int64_t free_pages;
    int64_t wmark_low;
    int preferred_zone; /* the first populated zone of GFP_KERNEL */
    int64_t nr_frames, dma_end, normal_end;
    int nr_cpus, current_cpu;
    struct per_cpu_pages pcp[1];
};

static void bad_page(int64_t pfn, int order, const char *reason) {
    fprintf(stderr, "BUG: Bad page state: pfn %#llx, order %d: %s\n", (unsigned long long)pfn, order, reason);
    exit(1);
}

static struct per_cpu_pages *per_cpu_list(struct allocator *a, int z) {
    return &a->pcp[a->nr_cpus == 1 ? 0 : z * a->nr_cpus + a->current_cpu];
}

static inline int64_t alloc_pages(struct allocator *a, unsigned gfp, int order) {
    if (order >= 0 && order < MAX_ORDER) {
        int z = a->preferred_zone;
        /* order 0 only: a larger order would take the free areas, not modelled here */
        if (a->free_pages - ((1LL << order) - 1) > a->wmark_low && order == 0) {
            struct per_cpu_pages *list = per_cpu_list(a, z);
            if (list->head != list->tail) {
                int head = --list->head;
                int pfn = list->ring[head & (list->ring_length - 1)];
                a->node[3 * pfn + 2] = ALLOC;
                a->vmstat[PGALLOC_NORMAL] += 1;
                a->hot[pfn] = (a->hot[pfn] & 0xffffffffu) | (uint64_t)1 << 32;
                if ((gfp & GFP_COMP) && order > 0)
                    a->hot[pfn] |= 1;
                if (gfp & GFP_ZERO)
                    abort(); /* not exercised: the Java pair does not zero either */
                return pfn;
            }
        }
    }
    abort(); /* the slow path: never taken here */
}

static inline void free_pages(struct allocator *a, int64_t pfn, int order) {
    if (order < 0 || order >= MAX_ORDER || pfn < 0 || pfn >= a->nr_frames)
        bad_page(pfn, order, "out of range");
    int z = pfn < a->dma_end ? 0 : pfn < a->normal_end ? 1 : 2;
    if (a->node[3 * pfn + 2] != (ALLOC | order))
        bad_page(pfn, order, "not allocated");
    a->hot[pfn] = 0;
    uint64_t *chunk = a->cold[pfn >> CHUNK_SHIFT];
    uint64_t bit = 1ULL << (pfn & 63);
    if (chunk != NULL && (a->dirty[pfn >> 6] & bit))
        abort(); /* no cold word exists in this benchmark */
    a->vmstat[PGFREE] += 1;
    struct per_cpu_pages *list = per_cpu_list(a, z);
    int head = list->head;
    if (head - list->tail == list->ring_length)
        abort(); /* the ring never fills here */
    list->ring[head & (list->ring_length - 1)] = (int)pfn;
    list->head = ++head;
    a->node[3 * pfn + 2] = PCP;
    if (head - list->tail >= list->high)
        abort(); /* the list never reaches high here */
}

static double cpu_nanos(void) {
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static int compare_doubles(const void *x, const void *y) {
    double a = *(const double *)x, b = *(const double *)y;
    return a < b ? -1 : a > b;
}

#define ROUNDS 12
#define WARMUP 4
#define PAIRS 10000000L

static void report(const char *what, double *ns) {
    qsort(ns + WARMUP, ROUNDS - WARMUP, sizeof *ns, compare_doubles);
    printf("%-28s best %.2f, median %.2f ns per pair\n", what, ns[WARMUP], ns[WARMUP + (ROUNDS - WARMUP) / 2]);
}

int main(void) {
    struct allocator *a = calloc(1, sizeof *a);
    a->nr_frames = NR_FRAMES;
    a->dma_end = 0;
    a->normal_end = NR_FRAMES;
    a->node = calloc(3 * (size_t)NR_FRAMES, sizeof *a->node);
    a->hot = calloc(NR_FRAMES, sizeof *a->hot);
    a->cold = calloc(NR_FRAMES >> CHUNK_SHIFT, sizeof *a->cold);
    a->dirty = calloc(NR_FRAMES / 64, sizeof *a->dirty);
    a->preferred_zone = 1;
    a->nr_cpus = 1;
    a->free_pages = NR_FRAMES - 64;
    a->wmark_low = 1000;
    /* Linux 4.5's zone_batchsize for 4 GiB: batch 63, high 378 (the ring: 512); the list
     * holds the batch its first allocation refilled it with. */
    struct per_cpu_pages *list = &a->pcp[0];
    list->batch = 63;
    list->high = 378;
    list->ring_length = 512;
    list->ring = calloc(list->ring_length, sizeof *list->ring);
    for (int i = 0; i < list->batch; i++) {
        int pfn = 4096 + i;
        list->ring[--list->tail & (list->ring_length - 1)] = pfn;
        a->node[3 * pfn + 2] = PCP;
    }

    double ns[ROUNDS];
    int64_t sum = 0;
    for (int r = 0; r < ROUNDS; r++) {
        double t0 = cpu_nanos();
        for (long i = 0; i < PAIRS; i++) {
            int64_t pfn = alloc_pages(a, GFP_KERNEL, 0);
            free_pages(a, pfn, 0);
            sum += pfn;
            __asm__ volatile("" ::: "memory");
        }
        ns[r] = (cpu_nanos() - t0) / PAIRS;
    }
    report("order-0 pair:", ns);
    printf("(checksum %lld, pgalloc_normal %lld, pgfree %lld)\n", (long long)sum, (long long)a->vmstat[PGALLOC_NORMAL],
           (long long)a->vmstat[PGFREE]);
    return 0;
}
