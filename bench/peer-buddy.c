/*
 * peer-buddy.c: a minimal C free-list buddy allocator, the side-by-side peer of
 * BuddyBench.churnStep (issue 3's churn target). It shares no code with buddy-module.
 *
 * Build and run (one core; keep it under the bench lock like the JMH runs):
 *
 *   gcc -O2 -o /tmp/peer-buddy bench/peer-buddy.c
 *   flock /tmp/mmkit-bench.lock /tmp/peer-buddy              # 2^20 pages, 2,000 live blocks
 *   flock /tmp/mmkit-bench.lock /tmp/peer-buddy 14 40        # 2^14 pages (64 MiB), 40 live: in cache
 *
 * Arguments: log2 of the page count (default 20) and the number of live blocks (default
 * 2000). Output: per round, ns per step (a free plus an allocation) and per operation, by
 * the wall clock and by the thread's CPU time; then the best and the median round.
 *
 * The allocator:
 *   struct page[]   one record per page (12 bytes): next, prev (the free list links, pfns)
 *                   and state (FREE | order for the head of a free block, ALLOC | order for
 *                   the head of an allocated block, 0 inside a block). Records at and above
 *                   npages are the list heads, one per order, so every list is circular.
 *   nr_free[order], nonempty (bit k set while free list k is not empty), free_pages.
 *   alloc(order):   the lowest set bit of nonempty at or above order picks the list; take
 *                   its first block, split it (give the upper halves back) down to order.
 *   free(pfn, order): check the page heads an allocated block of that order (else abort
 *                   naming pfn and order), then merge with the buddy pfn ^ 2^k while it heads
 *                   a free block of order k, and put the result on its list.
 *   A watermark as the Java bench meets it (GFP_KERNEL without reclaim): an allocation
 *   fails unless free - 2^order + 1 > min, min from Linux 4.5's default min_free_kbytes
 *   (int_sqrt(kbytes * 16) clamped to 128..65536, in pages).
 *
 * The workload is BuddyBench.Churn's exactly: the same SplittableRandom(42) sequence (the
 * JDK's splitmix64 generator, replicated below) gives 2^16 pre-generated (victim, order)
 * steps, then the nrLive initial orders; each step frees live[victim] and allocates the
 * step's order in its place; a failed allocation counts a failure and allocates order 0
 * instead (the bench's __GFP_MEMALLOC fallback, which ignores the watermark). The initial
 * free lists hold the memory as order-10 blocks pushed in address order, as the Java
 * allocator's boot does. What is not modelled: zones, per-CPU lists, mem_map flags,
 * vmstat counters; this is the floor a minimal free-list buddy reaches.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_ORDER 11
#define STEPS (1 << 16)
#define ORDER_MASK 0x1f
#define FREE 0x20
#define ALLOC 0x80

struct page {
    int32_t next;
    int32_t prev;
    int32_t state;
};

static struct page *pages;
static int32_t npages;
static int64_t nr_free[MAX_ORDER];
static uint32_t nonempty;
static int64_t free_pages;
static int64_t wmark_min;

static inline int32_t head_of(int order) { return npages + order; }

static inline void add_to_free_list(int32_t pfn, int order)
{
    int32_t head = head_of(order);
    int32_t first = pages[head].next;
    pages[pfn].next = first;
    pages[pfn].prev = head;
    pages[pfn].state = FREE | order;
    pages[first].prev = pfn;
    pages[head].next = pfn;
    nr_free[order]++;
    nonempty |= 1u << order;
}

static inline void del_from_free_list(int32_t pfn, int order)
{
    int32_t n = pages[pfn].next, p = pages[pfn].prev;
    pages[p].next = n;
    pages[n].prev = p;
    pages[pfn].state = 0;
    if (--nr_free[order] == 0)
        nonempty &= ~(1u << order);
}

/* Returns the pfn of a block of 2^order pages, or -1. */
static inline int32_t alloc_pages(int order, int ignore_watermark)
{
    if (!ignore_watermark && free_pages - (1 << order) + 1 <= wmark_min)
        return -1;
    uint32_t candidates = nonempty & (~0u << order);
    if (candidates == 0)
        return -1;
    int current = __builtin_ctz(candidates);
    int32_t pfn = pages[head_of(current)].next;
    del_from_free_list(pfn, current);
    while (current > order) { /* expand */
        current--;
        add_to_free_list(pfn + (1 << current), current);
    }
    pages[pfn].state = ALLOC | order;
    free_pages -= 1 << order;
    return pfn;
}

static inline void free_pages_block(int32_t pfn, int order)
{
    if (pfn < 0 || pfn >= npages || pages[pfn].state != (ALLOC | order)) {
        fprintf(stderr, "Bad page state: pfn 0x%x order %d: state 0x%x\n", pfn, order,
            pfn < 0 || pfn >= npages ? -1 : pages[pfn].state);
        abort();
    }
    pages[pfn].state = 0;
    free_pages += 1 << order;
    while (order < MAX_ORDER - 1) {
        int32_t buddy = pfn ^ (1 << order);
        if (buddy >= npages || pages[buddy].state != (FREE | order))
            break;
        del_from_free_list(buddy, order);
        pfn &= buddy;
        order++;
    }
    add_to_free_list(pfn, order);
}

/* java.util.SplittableRandom(seed).nextInt(bound), replicated. */
static uint64_t rng_seed;
static int32_t rng_next_int(void)
{
    uint64_t z = (rng_seed += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 33)) * 0x62a9d9ed799705f5ULL;
    return (int32_t) (((z ^ (z >> 28)) * 0xcb24d0a5c88c35b3ULL) >> 32);
}
static int32_t rng_bounded(int32_t bound)
{
    int32_t m = bound - 1;
    int32_t r = rng_next_int();
    if ((bound & m) == 0)
        return r & m;
    for (int32_t u = (int32_t) ((uint32_t) r >> 1); u + m - (r = u % bound) < 0;
         u = (int32_t) ((uint32_t) rng_next_int() >> 1))
        ;
    return r;
}

static int64_t default_min_pages(int64_t pages_total)
{
    int64_t kbytes = pages_total * 4, x = 0;
    while ((x + 1) * (x + 1) <= kbytes * 16)
        x++;
    if (x < 128) x = 128;
    if (x > 65536) x = 65536;
    return x >> 2;
}

static double now(clockid_t clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *) a, y = *(const double *) b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    int shift = argc > 1 ? atoi(argv[1]) : 20;
    int nr_live = argc > 2 ? atoi(argv[2]) : 2000;
    if (shift < MAX_ORDER - 1 || shift > 28 || nr_live < 1) {
        fprintf(stderr, "usage: %s [log2-pages 10-28] [live-blocks >= 1]\n", argv[0]);
        return 2;
    }
    npages = 1 << shift;
    pages = calloc((size_t) npages + MAX_ORDER, sizeof *pages);
    for (int o = 0; o < MAX_ORDER; o++)
        pages[head_of(o)].next = pages[head_of(o)].prev = head_of(o);
    for (int32_t p = 0; p < npages; p += 1 << (MAX_ORDER - 1)) {
        add_to_free_list(p, MAX_ORDER - 1);
        free_pages += 1 << (MAX_ORDER - 1);
    }
    wmark_min = default_min_pages(npages);

    static int32_t victim[STEPS], order_of_step[STEPS];
    int32_t *live = malloc(sizeof(int32_t) * nr_live);
    int32_t *live_order = malloc(sizeof(int32_t) * nr_live);
    rng_seed = 42;
    for (int i = 0; i < STEPS; i++) {
        victim[i] = rng_bounded(nr_live);
        order_of_step[i] = rng_bounded(MAX_ORDER);
    }
    for (int i = 0; i < nr_live; i++) {
        live_order[i] = rng_bounded(MAX_ORDER);
        live[i] = alloc_pages(live_order[i], 0);
        if (live[i] < 0) {
            fprintf(stderr, "setup: cannot allocate order %d\n", live_order[i]);
            return 1;
        }
    }

    enum { ROUNDS = 15, N = 4000000 };
    double wall[ROUNDS], cpu[ROUNDS];
    int64_t failures = 0, sink = 0;
    int k = 0;
    for (int round = 0; round < ROUNDS; round++) {
        double w0 = now(CLOCK_MONOTONIC), c0 = now(CLOCK_THREAD_CPUTIME_ID);
        for (int n = 0; n < N; n++) {
            int i = victim[k];
            int order = order_of_step[k];
            k = (k + 1) & (STEPS - 1);
            free_pages_block(live[i], live_order[i]);
            int32_t pfn = alloc_pages(order, 0);
            if (pfn < 0) {
                failures++;
                order = 0;
                pfn = alloc_pages(0, 1);
                if (pfn < 0) {
                    fprintf(stderr, "no order-0 page left\n");
                    return 1;
                }
            }
            live[i] = pfn;
            live_order[i] = order;
            sink += pfn;
        }
        wall[round] = (now(CLOCK_MONOTONIC) - w0) / N;
        cpu[round] = (now(CLOCK_THREAD_CPUTIME_ID) - c0) / N;
        printf("round %2d: wall %6.2f ns/step (%5.2f ns/op), cpu %6.2f ns/step (%5.2f ns/op)\n", round,
            wall[round], wall[round] / 2, cpu[round], cpu[round] / 2);
    }
    qsort(wall, ROUNDS, sizeof wall[0], cmp_double);
    qsort(cpu, ROUNDS, sizeof cpu[0], cmp_double);
    printf("peer-buddy 2^%d pages, %d live: wall best %.2f median %.2f ns/step (%.2f / %.2f ns/op); "
        "cpu best %.2f median %.2f ns/step; failures %lld, free %lld, sink %lld\n",
        shift, nr_live, wall[0], wall[ROUNDS / 2], wall[0] / 2, wall[ROUNDS / 2] / 2, cpu[0], cpu[ROUNDS / 2],
        (long long) failures, (long long) free_pages, (long long) (sink & 1));
    return 0;
}
