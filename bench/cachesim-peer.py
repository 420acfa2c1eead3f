#!/usr/bin/env python3
"""Independent FIFO and LRU miss counts of a libCacheSim oracleGeneral trace.

The peer that mmkit's fault counts are checked against (issues #6 and #7): a cache of N
objects with object sizes ignored, as libCacheSim's `cachesim TRACE oracleGeneral fifo,lru
N --ignore-obj-size 1` counts it. Every request of an object not in the cache is a miss
(the first request of each object included); the object is then inserted, and when the
cache already holds N objects one is evicted first: for FIFO the one inserted longest ago
(a hit changes nothing), for LRU the one requested longest ago (a hit makes it the newest).

Records are 24 bytes, little-endian: u32 clock_time, u64 obj_id, u32 obj_size,
i64 next_access_vtime; only obj_id is used here.

Usage: bench/cachesim-peer.py TRACE SIZE [SIZE...] [--policy fifo,lru]
Prints one line per policy and size: policy, size, requests, misses, miss ratio.
"""
import argparse
import collections
import struct
import sys

RECORD = struct.Struct("<IQIq")


def obj_ids(path):
    """Every request's object id, in order (the whole trace in memory: 8 bytes a request)."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) % RECORD.size:
        sys.exit(f"{path}: {len(data)} bytes is not a whole number of {RECORD.size}-byte records")
    return [rec[1] for rec in RECORD.iter_unpack(data)]


def fifo_misses(ids, size):
    cache = set()
    order = collections.deque()
    misses = 0
    for obj in ids:
        if obj in cache:
            continue
        misses += 1
        if len(cache) == size:
            cache.discard(order.popleft())
        cache.add(obj)
        order.append(obj)
    return misses


def lru_misses(ids, size):
    cache = collections.OrderedDict()
    misses = 0
    for obj in ids:
        if obj in cache:
            cache.move_to_end(obj)
            continue
        misses += 1
        if len(cache) == size:
            cache.popitem(last=False)
        cache[obj] = None
    return misses


POLICIES = {"fifo": fifo_misses, "lru": lru_misses}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("trace")
    parser.add_argument("sizes", nargs="+", type=int)
    parser.add_argument("--policy", default="fifo,lru")
    args = parser.parse_args()
    ids = obj_ids(args.trace)
    for name in args.policy.split(","):
        if name not in POLICIES:
            sys.exit(f"Unknown policy [{name}], known options {sorted(POLICIES)}")
        for size in args.sizes:
            if size < 1:
                sys.exit(f"size: {size} (expected: at least 1)")
            misses = POLICIES[name](ids, size)
            print(f"{name} {size} requests {len(ids)} misses {misses} miss-ratio {misses / max(1, len(ids)):.6f}")


if __name__ == "__main__":
    main()
