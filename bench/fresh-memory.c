/*
 * fresh-memory.c: what this host charges for memory a process touches for the first time,
 * in ms per MiB, with 4 KiB pages and with transparent huge pages (madvise, as the JVM asks
 * for its heap with -XX:+UseTransparentHugePages).
 *
 * Why: a JVM's start touches a hundred MiB or more of fresh memory (the class archives it
 * relocates, the heap's young generation, the arrays a large machine allocates), and on a
 * small VM the first touch of a page can cost far more than the page's zeroing: a guest's
 * page fault traps to the hypervisor, and memory the guest freed a few seconds ago may have
 * been handed back to the host (free page reporting), which must supply it again. The
 * second touch of the same memory shows the plain cost of writing it.
 *
 * Each round maps SIZE MiB of anonymous memory (2 MiB aligned), touches one byte per 4 KiB
 * (the first touch: the faults), then again (the second), and unmaps it. With a pause
 * between rounds the memory is freed that long before the next round takes memory again.
 *
 * Build:  gcc -O2 -o /tmp/fresh-memory bench/fresh-memory.c
 * Usage:  /tmp/fresh-memory [SIZE_MIB [ROUNDS [PAUSE_S]]]     (default 100 3 3)
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

/* ms per MiB for the first and the second touch of mib MiB; huge: advise 2 MiB pages */
static void round_of(size_t mib, int huge, double *first, double *second) {
    size_t n = mib << 20, align = 2UL << 20;
    char *raw = mmap(NULL, n + align, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED) {
        perror("fresh-memory: mmap");
        exit(1);
    }
    char *p = (char *) (((unsigned long) raw + align - 1) & ~(align - 1));
    madvise(p, n, huge ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
    double t0 = now_ms();
    for (size_t i = 0; i < n; i += 4096) {
        p[i] = 1;
    }
    double t1 = now_ms();
    for (size_t i = 0; i < n; i += 4096) {
        p[i] = 2;
    }
    double t2 = now_ms();
    munmap(raw, n + align);
    *first = (t1 - t0) / mib;
    *second = (t2 - t1) / mib;
}

int main(int argc, char **argv) {
    size_t mib = argc > 1 ? strtoul(argv[1], NULL, 10) : 100;
    int rounds = argc > 2 ? atoi(argv[2]) : 3;
    int pause = argc > 3 ? atoi(argv[3]) : 3;
    if (mib == 0 || rounds <= 0 || pause < 0) {
        fprintf(stderr, "usage: fresh-memory [SIZE_MIB [ROUNDS [PAUSE_S]]]\n");
        return 2;
    }
    for (int r = 0; r < rounds; r++) {
        for (int huge = 0; huge <= 1; huge++) {
            double first, second;
            sleep(pause);
            round_of(mib, huge, &first, &second);
            printf("%zu MiB, %s pages, after %d s: first touch %.2f ms/MiB, second %.3f ms/MiB\n",
                   mib, huge ? "2 MiB" : "4 KiB", pause, first, second);
        }
        double first, second;
        round_of(mib, 1, &first, &second); /* at once: the memory the last round freed */
        printf("%zu MiB, 2 MiB pages, at once: first touch %.2f ms/MiB, second %.3f ms/MiB\n", mib, first, second);
    }
    return 0;
}
