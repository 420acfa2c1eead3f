/*
 * peer-cachesim.c: a same-day C peer of the trace-replay speed targets of issues #6 and #7,
 * written apart from mmkit. It replays an oracleGeneral trace through a FIFO or LRU cache of
 * N objects the way libCacheSim's `cachesim TRACE oracleGeneral fifo,lru N
 * --ignore-obj-size 1` does, so that mmkit's whole-machine replay of the same file can be put
 * next to it on the same machine on the same day (the figure the issues quote, 3-6 million
 * requests per second, was measured on another day).
 *
 * What it does per request, as cachesim's loop does:
 *   read:   the next 24-byte record of the memory-mapped trace (u32 clock_time, u64 obj_id,
 *           u32 obj_size, i64 next_access_vtime, little-endian) into a request; the size is
 *           then taken as 1 (--ignore-obj-size);
 *   find:   hash the object id (a 64-bit mix) into a chained hash table of cache objects
 *           (a power-of-two bucket array, doubled when it holds more than 1.2 objects per
 *           bucket, as libCacheSim's chained hash table grows);
 *   hit:    FIFO changes nothing; LRU moves the object to the head of its queue;
 *   miss:   count it; while the cache holds N objects, evict the queue's tail (unlink it
 *           from the queue and its hash chain, free it); allocate the new object (malloc,
 *           one per insert, as libCacheSim's default allocator does), link it at the queue's
 *           head and into its chain.
 * The queue is doubly linked through the objects. Misses count every request of an object
 * not in the cache (first requests included), the convention of bench/cachesim-peer.py, whose
 * counts this program's must equal.
 *
 * Usage:  gcc -O2 -o /tmp/peer-cachesim bench/peer-cachesim.c
 *         /tmp/peer-cachesim TRACE SIZE [SIZE...] [--policy fifo,lru]
 * Prints one line per policy and size: policy, size, requests, misses, miss ratio, and the
 * replay's requests per second (wall clock, the trace's file already mapped). For a
 * whole-process figure run one policy and size under /usr/bin/time.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define RECORD_SIZE 24
#define INITIAL_HASH_POWER 16
#define EXPAND_NUMERATOR 6 /* grow when objects > 1.2 x buckets */
#define EXPAND_DENOMINATOR 5

typedef struct request {
    uint32_t clock_time;
    uint64_t obj_id;
    uint32_t obj_size;
    int64_t next_access_vtime;
} request_t;

typedef struct cache_obj {
    struct cache_obj *hash_next;
    struct cache_obj *prev; /* towards the head (newer) */
    struct cache_obj *next; /* towards the tail (older) */
    uint64_t obj_id;
    uint32_t obj_size;
} cache_obj_t;

typedef struct cache {
    int lru;
    uint64_t capacity;
    uint64_t n_obj;
    int hash_power;
    cache_obj_t **buckets;
    cache_obj_t *head;
    cache_obj_t *tail;
} cache_t;

static uint64_t hash64(uint64_t x) {
    /* MurmurHash3's 64-bit finaliser */
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

static cache_obj_t **bucket_of(cache_t *c, uint64_t obj_id) {
    return &c->buckets[hash64(obj_id) & ((1ULL << c->hash_power) - 1)];
}

static void *checked_calloc(size_t n, size_t size) {
    void *p = calloc(n, size);
    if (p == NULL) {
        fprintf(stderr, "peer-cachesim: out of memory (%zu x %zu bytes)\n", n, size);
        exit(1);
    }
    return p;
}

static void hash_expand(cache_t *c) {
    int old_power = c->hash_power;
    cache_obj_t **old = c->buckets;
    c->hash_power++;
    c->buckets = checked_calloc((size_t) 1 << c->hash_power, sizeof(cache_obj_t *));
    for (uint64_t b = 0; b < (1ULL << old_power); b++) {
        cache_obj_t *o = old[b];
        while (o != NULL) {
            cache_obj_t *next = o->hash_next;
            cache_obj_t **slot = bucket_of(c, o->obj_id);
            o->hash_next = *slot;
            *slot = o;
            o = next;
        }
    }
    free(old);
}

static cache_obj_t *hash_find(cache_t *c, uint64_t obj_id) {
    for (cache_obj_t *o = *bucket_of(c, obj_id); o != NULL; o = o->hash_next) {
        if (o->obj_id == obj_id) {
            return o;
        }
    }
    return NULL;
}

static void hash_remove(cache_t *c, cache_obj_t *victim) {
    cache_obj_t **p = bucket_of(c, victim->obj_id);
    while (*p != victim) {
        p = &(*p)->hash_next;
    }
    *p = victim->hash_next;
}

static void queue_unlink(cache_t *c, cache_obj_t *o) {
    if (o->prev != NULL) {
        o->prev->next = o->next;
    } else {
        c->head = o->next;
    }
    if (o->next != NULL) {
        o->next->prev = o->prev;
    } else {
        c->tail = o->prev;
    }
    o->prev = o->next = NULL;
}

static void queue_push_head(cache_t *c, cache_obj_t *o) {
    o->prev = NULL;
    o->next = c->head;
    if (c->head != NULL) {
        c->head->prev = o;
    } else {
        c->tail = o;
    }
    c->head = o;
}

static void evict(cache_t *c) {
    cache_obj_t *victim = c->tail;
    queue_unlink(c, victim);
    hash_remove(c, victim);
    c->n_obj--;
    free(victim);
}

static void insert(cache_t *c, const request_t *req) {
    cache_obj_t *o = malloc(sizeof(cache_obj_t));
    if (o == NULL) {
        fprintf(stderr, "peer-cachesim: out of memory\n");
        exit(1);
    }
    o->obj_id = req->obj_id;
    o->obj_size = req->obj_size;
    queue_push_head(c, o);
    cache_obj_t **slot = bucket_of(c, o->obj_id);
    o->hash_next = *slot;
    *slot = o;
    c->n_obj++;
    if (c->n_obj * EXPAND_DENOMINATOR > (1ULL << c->hash_power) * EXPAND_NUMERATOR) {
        hash_expand(c);
    }
}

/* cache->get: true on a hit. */
static int get(cache_t *c, const request_t *req) {
    cache_obj_t *o = hash_find(c, req->obj_id);
    if (o != NULL) {
        if (c->lru && c->head != o) {
            queue_unlink(c, o);
            queue_push_head(c, o);
        }
        return 1;
    }
    while (c->n_obj >= c->capacity) {
        evict(c);
    }
    insert(c, req);
    return 0;
}

static void cache_free(cache_t *c) {
    while (c->n_obj > 0) {
        evict(c);
    }
    free(c->buckets);
}

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static uint64_t le64(const unsigned char *p) {
    uint64_t v;
    memcpy(&v, p, 8); /* x86 and the trace are little-endian */
    return v;
}

static uint32_t le32(const unsigned char *p) {
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

static void replay(const unsigned char *data, uint64_t n, int lru, uint64_t size) {
    cache_t c = {lru, size, 0, INITIAL_HASH_POWER, NULL, NULL, NULL};
    c.buckets = checked_calloc((size_t) 1 << c.hash_power, sizeof(cache_obj_t *));
    uint64_t misses = 0;
    request_t req;
    double start = now_seconds();
    for (uint64_t i = 0; i < n; i++) {
        const unsigned char *r = data + i * RECORD_SIZE;
        req.clock_time = le32(r);
        req.obj_id = le64(r + 4);
        req.obj_size = le32(r + 12);
        req.next_access_vtime = (int64_t) le64(r + 16);
        req.obj_size = 1; /* --ignore-obj-size */
        if (!get(&c, &req)) {
            misses++;
        }
    }
    double seconds = now_seconds() - start;
    printf("%s %llu requests %llu misses %llu miss-ratio %.6f Mreq/s %.2f\n", lru ? "lru" : "fifo",
        (unsigned long long) size, (unsigned long long) n, (unsigned long long) misses,
        n == 0 ? 0.0 : (double) misses / n, seconds > 0 ? n / seconds / 1e6 : 0.0);
    fflush(stdout);
    cache_free(&c);
}

int main(int argc, char **argv) {
    const char *policies = "fifo,lru";
    const char *trace = NULL;
    uint64_t sizes[64];
    int nsizes = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--policy") == 0 && i + 1 < argc) {
            policies = argv[++i];
        } else if (trace == NULL) {
            trace = argv[i];
        } else {
            char *end;
            long long s = strtoll(argv[i], &end, 10);
            if (*end != '\0' || s < 1) {
                fprintf(stderr, "peer-cachesim: size: %s (expected: at least 1)\n", argv[i]);
                return 2;
            }
            if (nsizes == 64) {
                fprintf(stderr, "peer-cachesim: at most 64 sizes\n");
                return 2;
            }
            sizes[nsizes++] = (uint64_t) s;
        }
    }
    if (trace == NULL || nsizes == 0) {
        fprintf(stderr, "usage: peer-cachesim TRACE SIZE [SIZE...] [--policy fifo,lru]\n");
        return 2;
    }
    int fd = open(trace, O_RDONLY);
    if (fd < 0) {
        fprintf(stderr, "peer-cachesim: %s: %s\n", trace, strerror(errno));
        return 1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        fprintf(stderr, "peer-cachesim: %s: %s\n", trace, strerror(errno));
        return 1;
    }
    if (st.st_size % RECORD_SIZE != 0) {
        fprintf(stderr, "peer-cachesim: %s: %lld bytes is not a whole number of %d-byte records\n", trace,
            (long long) st.st_size, RECORD_SIZE);
        return 1;
    }
    uint64_t n = (uint64_t) st.st_size / RECORD_SIZE;
    const unsigned char *data = NULL;
    if (n > 0) {
        data = mmap(NULL, (size_t) st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (data == MAP_FAILED) {
            fprintf(stderr, "peer-cachesim: %s: mmap: %s\n", trace, strerror(errno));
            return 1;
        }
    }
    char list[256];
    snprintf(list, sizeof list, "%s", policies);
    for (char *name = strtok(list, ","); name != NULL; name = strtok(NULL, ",")) {
        int lru;
        if (strcmp(name, "fifo") == 0) {
            lru = 0;
        } else if (strcmp(name, "lru") == 0) {
            lru = 1;
        } else {
            fprintf(stderr, "peer-cachesim: Unknown policy [%s], known options [fifo, lru]\n", name);
            return 2;
        }
        for (int i = 0; i < nsizes; i++) {
            replay(data, n, lru, sizes[i]);
        }
    }
    return 0;
}
