#!/usr/bin/env python3
"""replay-floor.py: what the host's memory latency alone costs a trace replay through the
machine, the floor under the replay targets of issues #6 and #7. Written apart from mmkit.

Every major fault of the machine reads the faulting page's leaf PTE (the walk reads the
page table from simulated physical memory) and then, with the swap entry found in it, the
swap slot's word (its count and swap cache). The second address is known only when the
first load returns, so when both miss the host's caches the fault waits for two memory
latencies one after the other, whatever else an implementation does or overlaps.

This script replays an oracleGeneral trace through FIFO with N resident pages (the fault
and eviction sequence is the machine's: its pgfault and pgmajfault equal the counts
printed here) and feeds the 64-byte host lines those loads touch to an LRU model of the
host's cache:
  every reference:   the page's leaf PTE line (8 PTEs a line; almost every reference of
                     a Zipf trace over a million pages misses a 64-entry TLB and walks);
  a major fault:     then the slot's word line (8 slot words a line);
  an eviction:       the victim's PTE line (rewritten as its swap entry) and its slot's
                     line (a first eviction takes the next slot, as consecutive
                     evictions do from the swap map's cursor).
Only the loads on the fault's dependent chain (faulting PTE, then slot word) are counted
toward the floor; the model's cache sees nothing but these lines, so it keeps more of
them than the real host cache would (the floor is low, not high).

Usage:  bench/replay-floor.py TRACE N CACHE_MIB [LATENCY_NS]
  CACHE_MIB   the model's cache (the host's L2 is 1 MiB; bench/memory-latency.c shows
              where random loads stop hitting);
  LATENCY_NS  one load that misses it (memory-latency's figure for 4-64 MiB; default 150).
Prints the fault counts, the dependent-chain misses and the floor in seconds.
"""
import sys
from collections import OrderedDict, deque

RECORD = 24  # u32 clock_time, u64 obj_id, u32 obj_size, i64 next_access_vtime
PTES_PER_LINE = 8
SLOTS_PER_LINE = 8


def page_numbers(path):
    """The trace's object ids (virtual page numbers), in order, read a block at a time."""
    block = RECORD * 4096
    with open(path, "rb") as f:
        while data := f.read(block):
            if len(data) % RECORD:
                sys.exit(f"replay-floor: {path}: ends inside a {RECORD}-byte record")
            for at in range(0, len(data), RECORD):
                yield int.from_bytes(data[at + 4:at + 12], "little")


class LineCache:
    """A fully associative LRU cache of host lines; touch() returns 1 on a miss."""

    def __init__(self, lines):
        self.lines = lines
        self.order = OrderedDict()

    def touch(self, line):
        if line in self.order:
            self.order.move_to_end(line)
            return 0
        self.order[line] = None
        if len(self.order) > self.lines:
            self.order.popitem(last=False)
        return 1


def main():
    if len(sys.argv) not in (4, 5):
        sys.exit("usage: replay-floor.py TRACE N CACHE_MIB [LATENCY_NS]")
    path, resident_limit, cache_mib = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    latency_ns = float(sys.argv[4]) if len(sys.argv) == 5 else 150.0
    if resident_limit < 1 or cache_mib <= 0 or latency_ns <= 0:
        sys.exit("replay-floor: N, CACHE_MIB and LATENCY_NS must be positive")
    cache = LineCache(int(cache_mib * (1 << 20)) // 64)
    pte_line = lambda page: ("pte", page // PTES_PER_LINE)
    slot_line = lambda slot: ("slot", slot // SLOTS_PER_LINE)

    resident, fifo, slot_of = set(), deque(), {}
    references = minor = major = chain_misses = 0
    for page in page_numbers(path):
        references += 1
        pte_missed = cache.touch(pte_line(page))
        if page in resident:
            continue
        if page in slot_of:
            major += 1
            chain_misses += pte_missed + cache.touch(slot_line(slot_of[page]))
        else:
            minor += 1
        if len(resident) == resident_limit:
            victim = fifo.popleft()
            resident.discard(victim)
            cache.touch(pte_line(victim))
            if victim not in slot_of:
                slot_of[victim] = len(slot_of) + 1  # slot 0 is the swap header
            cache.touch(slot_line(slot_of[victim]))
        resident.add(page)
        fifo.append(page)

    print(f"fifo@{resident_limit}, {cache_mib:g} MiB cache, {latency_ns:g} ns a miss: references {references:,}, "
          f"pgfault {minor + major:,}, pgmajfault {major:,}, dependent-chain misses {chain_misses:,} "
          f"({chain_misses / max(major, 1):.2f} a major fault): floor {chain_misses * latency_ns * 1e-9:.2f} s")


if __name__ == "__main__":
    main()
