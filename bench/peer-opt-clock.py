#!/usr/bin/env python3
"""Independent OPT (Belady's MIN) and clock miss counts of a libCacheSim oracleGeneral trace.

The peer that the replacement bundle's opt and clock fault counts are checked against
(testkit's TraceReplayPeerIT): a cache of N objects, object sizes ignored, written apart from
mmkit's code. Every request of an object not in the cache is a miss (first requests too).
- OPT: when full, evict the cached object whose next request is furthest (never first). The
  next request is computed here from the object ids, and checked against the file's
  next_access_vtime (1-based position of the next request, -1 for never).
- clock: the cache is a circle with one hand; an object comes in with its use bit set (as
  mmkit's hardware does: the faulting reference's page walk sets A) and takes the victim's
  place just behind the hand; a hit sets the bit; on a miss the hand clears set bits and
  moves on until it finds a clear one, the victim.
  With --clock-bit-on-arrival 0 an object comes in with its bit clear instead, as
  libCacheSim's Clock inserts it (init-freq 0): its miss counts are cachesim's.

Usage: bench/peer-opt-clock.py TRACE SIZE [SIZE...] [--clock-bit-on-arrival 0|1]
"""
import heapq
import struct
import sys

RECORD = struct.Struct("<IQIq")


def main():
    args = sys.argv[1:]
    arrival = True
    if "--clock-bit-on-arrival" in args:
        at = args.index("--clock-bit-on-arrival")
        arrival = args[at + 1] != "0"
        del args[at:at + 2]
    data = open(args[0], "rb").read()
    records = [RECORD.unpack_from(data, i) for i in range(0, len(data), RECORD.size)]
    ids = [r[1] for r in records]
    never = float("inf")
    nxt = [never] * len(ids)
    last = {}
    for i in range(len(ids) - 1, -1, -1):
        nxt[i] = last.get(ids[i], never)
        last[ids[i]] = i
    for i, r in enumerate(records):
        assert (never if r[3] == -1 else r[3] - 1) == nxt[i], f"record {i}: next access {r[3]}"
    for n in map(int, args[1:]):
        print(n, "opt", opt(ids, nxt, n), "clock", clock(ids, n, arrival))


def opt(ids, nxt, n):
    cache = {}
    heap = []
    misses = 0
    for i, o in enumerate(ids):
        if o not in cache:
            misses += 1
            if len(cache) == n:
                while True:
                    neg, victim = heapq.heappop(heap)
                    if cache.get(victim) == -neg:
                        del cache[victim]
                        break
        cache[o] = nxt[i]
        heapq.heappush(heap, (-nxt[i], o))
    return misses


def clock(ids, n, arrival=True):
    ring = []
    bit = {}
    hand = 0
    misses = 0
    for o in ids:
        if o in bit:
            bit[o] = True
            continue
        misses += 1
        if len(ring) < n:
            ring.append(o)
            bit[o] = arrival
            continue
        while bit[ring[hand]]:
            bit[ring[hand]] = False
            hand = (hand + 1) % n
        del bit[ring[hand]]
        ring[hand] = o
        bit[o] = arrival
        hand = (hand + 1) % n
    return misses


if __name__ == "__main__":
    main()
