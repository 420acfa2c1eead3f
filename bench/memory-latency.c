/*
 * memory-latency.c: the host's latency for one dependent load at a random address in a
 * region of a given size, the figure that bounds a trace replay from below (issues #6, #7).
 *
 * Why it matters: a major fault of the machine must read the faulting page's leaf PTE (the
 * walk reads the page table from simulated physical memory) and then, with the swap entry
 * found there, the swap slot's word (count and swap cache). The second address is known
 * only after the first load returns, and both lie at random in structures of 8-10 MiB for a
 * trace over a million pages (leaf tables: 8 bytes per page; the swap map: 8 bytes per
 * slot). So each major fault pays at least two of these latencies, one after the other,
 * whatever else the implementation does.
 *
 * How: a single cyclic random permutation of the region's 64-byte lines (one 8-byte word
 * used per line), followed as a pointer chase, so that every load depends on the one
 * before and the hardware prefetchers cannot guess the next line. The region is allocated
 * 2 MiB-aligned and, with the argument "huge", advised to transparent huge pages (as the
 * JVM's -XX:+UseTransparentHugePages does for the machine's heap), to show how much of the
 * latency is the host's TLB.
 *
 * Build and run (one core; keep it under the bench lock like the JMH runs):
 *
 *   gcc -O2 -o /tmp/memory-latency bench/memory-latency.c
 *   /tmp/memory-latency 1 4 8 16 64            # region sizes in MiB
 *   /tmp/memory-latency --huge 1 4 8 16 64
 *
 * Output: one line per size, nanoseconds per load (wall clock, 20 million loads after one
 * pass over the region to warm it).
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#define LINE 64
#define WORDS_PER_LINE (LINE / sizeof(uint64_t))
#define HUGE_PAGE (2u << 20)
#define LOADS 20000000L

/* splitmix64: a small, seeded generator, so every run chases the same cycle. */
static uint64_t next_random(uint64_t *state) {
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static double nanos_between(const struct timespec *a, const struct timespec *b) {
    return (double)(b->tv_sec - a->tv_sec) * 1e9 + (double)(b->tv_nsec - a->tv_nsec);
}

/* Nanoseconds per dependent load over a region of mib MiB. */
static double chase(size_t mib, int huge) {
    size_t lines = mib * (1u << 20) / LINE;
    size_t bytes = (lines * LINE + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
    uint64_t *region = aligned_alloc(HUGE_PAGE, bytes);
    size_t *order = malloc(lines * sizeof *order);
    if (region == NULL || order == NULL) {
        fprintf(stderr, "memory-latency: %zu MiB: out of memory\n", mib);
        exit(1);
    }
    if (huge && madvise(region, bytes, MADV_HUGEPAGE) != 0) {
        perror("memory-latency: madvise(MADV_HUGEPAGE)");
    }
    /* A random cyclic order of the lines (Fisher-Yates), each line pointing at the next. */
    uint64_t seed = 1;
    for (size_t i = 0; i < lines; i++)
        order[i] = i;
    for (size_t i = lines - 1; i > 0; i--) {
        size_t j = next_random(&seed) % (i + 1);
        size_t t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    for (size_t i = 0; i < lines; i++)
        region[order[i] * WORDS_PER_LINE] = order[(i + 1) % lines] * WORDS_PER_LINE;
    free(order);

    uint64_t at = 0;
    for (size_t i = 0; i < lines; i++) /* warm: one lap */
        at = region[at];
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (long i = 0; i < LOADS; i++)
        at = region[at];
    clock_gettime(CLOCK_MONOTONIC, &end);
    if (at == UINT64_MAX) /* keeps the chase: its result is used */
        puts("");
    free(region);
    return nanos_between(&start, &end) / LOADS;
}

int main(int argc, char **argv) {
    int huge = 0;
    int sizes = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--huge") == 0) {
            huge = 1;
            continue;
        }
        char *end;
        long mib = strtol(argv[i], &end, 10);
        if (*end != '\0' || mib < 1 || mib > 65536) {
            fprintf(stderr, "memory-latency: argument %d: [%s] (expected: a size in MiB, 1-65536, or --huge)\n", i, argv[i]);
            return 2;
        }
        printf("%6ld MiB%s: %6.1f ns per dependent load\n", mib, huge ? " (huge pages advised)" : "", chase((size_t)mib, huge));
        sizes++;
    }
    if (sizes == 0) {
        fprintf(stderr, "usage: memory-latency [--huge] MIB [MIB...]\n");
        return 2;
    }
    return 0;
}
