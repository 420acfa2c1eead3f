#!/usr/bin/env bash
# replay-side-by-side.sh: whole-process trace replays of the machine beside libCacheSim's
# `cachesim` on the same file, policy and size, in turn (the comparison of issues #6 and #7).
#
# For every policy and size, each round runs cachesim once and the machine once, both under
# /usr/bin/time, so that a neighbour's load on this shared host falls on both alike; cachesim
# goes first in odd rounds and the machine in even ones, so that neither gains from its place
# in the round (here two identical machine runs, alternated, differed by 4 % in their
# medians over 12 rounds).
# It prints every wall time and, per configuration, the best of the rounds of each (a busy
# host only ever adds time) and their ratio, the median of the rounds' own ratios and the
# rounds the machine won; before and after, `memory-latency` (when built at
# $MEMORY_LATENCY) says how contended the host's memory was, on each CPU.
#
# Usage: bench/replay-side-by-side.sh TRACE [ROUNDS]
#   TRACE     an oracleGeneral file, e.g. from
#             mmkit trace zipf --pages 1000000 --references 10000000 --alpha 0.9 --seed 1 zipf.oracleGeneral
#   ROUNDS    rounds per configuration (default 3)
# Environment:
#   CACHESIM        libCacheSim's cachesim binary (left out when unset)
#   MMKIT_HOME      the distribution (default: assembly/target/mmkit of this checkout); run
#                   it where it was built, its class-data archives name its jars by path
#   POLICIES        default "fifo lru clock";  SIZES  default "1000 10000 100000"
#   MEMORY_LATENCY  default /tmp/memory-latency (gcc -O2 -o /tmp/memory-latency bench/memory-latency.c)
#   LEAN            1 (default): for fifo, also run bench/peer-lean.java's `machine` replay, the
#                   machine's work in one class of plain Java (compiled here with javac): its
#                   whole process (lean) and the replay's own seconds that it prints (replay);
#                   0: not
#   FIXED           1 (default): also run the machine on the trace's first 1,000 records, the
#                   same configuration otherwise: what the machine costs before and after
#                   the references (the JVM, Felix and its bundles, the wiring, the report,
#                   the exit; bin/mmkit picks C1 for a file this short, the faster start).
#                   With LEAN, fixed + replay is a floor for a machine whose replay were as
#                   lean as the peer's, printed against cachesim as floor/cachesim; 0: not
#   HALF            1: also run cachesim and the machine on the trace's first half (columns
#                   c-half, m-half) and print, per configuration, what the second half cost
#                   each in every round (that round's whole run less its half run): the rate
#                   apart from the start and the warm-up; 0 (default): not. The half must be
#                   6 MiB or more, so that bin/mmkit replays it with C2 as it does the whole
# The machine runs with 1 GiB of RAM, no data kept (backing = none), 5 GiB of swap and the
# size as its resident limit: the trace's pages are the replay process's pages.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
trace=$(readlink -f "${1:?usage: bench/replay-side-by-side.sh TRACE [ROUNDS]}")
rounds=${2:-3}
home=${MMKIT_HOME:-$here/assembly/target/mmkit}
policies=${POLICIES:-fifo lru clock}
sizes=${SIZES:-1000 10000 100000}
latency=${MEMORY_LATENCY:-/tmp/memory-latency}
[ -x "$home/bin/mmkit" ] || { echo "replay-side-by-side: no $home/bin/mmkit: build with mvn -q install -DskipTests" >&2; exit 2; }
[ -f "$trace" ] || { echo "replay-side-by-side: $trace: no such file" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
lean=
if [ "${LEAN:-1}" = 1 ]; then
  javac -d "$work/lean" "$here/bench/peer-lean.java" && lean=$work/lean
fi
half=
if [ "${HALF:-0}" = 1 ]; then
  half=$work/first-half.oracleGeneral
  head -c $(( $(wc -c < "$trace") / 48 * 24 )) "$trace" > "$half"
fi
prefix=
if [ "${FIXED:-1}" = 1 ]; then
  prefix=$work/first-1000.oracleGeneral
  head -c 24000 "$trace" > "$prefix"
fi

host() { # when: memory-latency at 8 MiB on each CPU (on this VM one CPU at a time can share its host core
  # with a busy neighbour, and then runs 1.5-2 times slower; which one changes within seconds)
  if [ -x "$latency" ]; then
    local line="# host memory $1 (8 MiB, huge pages advised):" cpu
    for cpu in $(seq 0 $(($(nproc) - 1))); do
      line="$line cpu$cpu $(taskset -c "$cpu" "$latency" --huge 8 | tail -1 | grep -o '[0-9.]* ns')"
    done
    echo "$line"
  fi
}

wall() { # command...: its wall seconds, its output in $work/out
  /usr/bin/time -f "%e" -o "$work/time" "$@" > "$work/out" 2>&1 || {
    echo "replay-side-by-side: failed: $*" >&2; tail -5 "$work/out" >&2; exit 1; }
  cat "$work/time"
}

best() { # best_so_far value: the smaller
  echo "$2 ${1:-$2}" | awk '{print ($1 < $2) ? $1 : $2}'
}

machine() { # trace: the machine's replay of it with the loop's policy $p and size $n, in $work
  (cd "$work" && wall "$home/bin/mmkit" run --trace "oracle-general:$1" \
    --set mmkit.machine.memory.size=1GiB --set mmkit.machine.memory.backing=none \
    --set mmkit.machine.paging.swap.size=5GiB --set "mmkit.machine.paging.resident-limit=$n" \
    --set "mmkit.machine.replacement.impl=$p" --format json)
}

host before
printf "%-8s %7s %5s %10s %10s %10s %10s %10s %10s %10s\n" policy size round cachesim mmkit lean replay fixed \
  c-half m-half
for p in $policies; do
  for n in $sizes; do
    best_c= best_m= best_l= best_r= best_f= second_c= second_m= ratios= won=0
    for r in $(seq "$rounds"); do
      c=- l=- lr=- f=- ch=- mh=- m=
      if [ $((r % 2)) = 0 ]; then
        m=$(machine "$trace")
      fi
      if [ -n "${CACHESIM:-}" ]; then
        c=$(cd "$work" && wall "$CACHESIM" "$trace" oracleGeneral "$p" "$n" --ignore-obj-size 1)
        best_c=$(best "$best_c" "$c")
      fi
      if [ -n "$lean" ] && [ "$p" = fifo ]; then
        l=$(cd "$work" && wall java -XX:+UseSerialGC -XX:+UseTransparentHugePages -XX:-UseCompressedOops \
          -cp "$lean" PeerLean machine "$trace" "$n")
        lr=$(grep -o 'replay [0-9.]* s' "$work/out" | awk '{print $2}')
        best_l=$(best "$best_l" "$l")
        best_r=$(best "$best_r" "$lr")
      fi
      if [ -n "$prefix" ]; then
        f=$(machine "$prefix")
        best_f=$(best "$best_f" "$f")
      fi
      if [ -n "$half" ]; then
        if [ -n "${CACHESIM:-}" ]; then
          ch=$(cd "$work" && wall "$CACHESIM" "$half" oracleGeneral "$p" "$n" --ignore-obj-size 1)
        fi
        mh=$(machine "$half")
      fi
      if [ -z "$m" ]; then
        m=$(machine "$trace")
      fi
      best_m=$(best "$best_m" "$m")
      if [ "$c" != - ]; then
        ratios="$ratios $(echo "$m $c" | awk '{printf "%.4f", $1 / $2}')"
        won=$(echo "$m $c $won" | awk '{print ($1 < $2) ? $3 + 1 : $3}')
      fi
      if [ -n "$half" ] && [ "$c" != - ]; then
        second_c="$second_c $(echo "$c $ch" | awk '{printf "%.2f", $1 - $2}')"
        second_m="$second_m $(echo "$m $mh" | awk '{printf "%.2f", $1 - $2}')"
      fi
      printf "%-8s %7s %5s %10s %10s %10s %10s %10s %10s %10s\n" "$p" "$n" "$r" "$c" "$m" "$l" "$lr" "$f" "$ch" "$mh"
    done
    printf "%-8s %7s %5s %10s %10s %10s %10s %10s %10s %10s" "$p" "$n" best "${best_c:--}" "$best_m" "${best_l:--}" \
      "${best_r:--}" "${best_f:--}" - -
    if [ -n "$best_c" ]; then
      printf "   mmkit/cachesim %.2f" "$(echo "$best_m $best_c" | awk '{print $1 / $2}')"
      printf " (median of the rounds %.2f, mmkit the faster in %d of %d)" \
        "$(echo $ratios | tr ' ' '\n' | sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}')" \
        "$won" "$rounds"
      [ -n "$best_l" ] && printf "  lean/cachesim %.2f" "$(echo "$best_l $best_c" | awk '{print $1 / $2}')"
      [ -n "$best_r" ] && [ -n "$best_f" ] && printf "  floor/cachesim %.2f" \
        "$(echo "$best_f $best_r $best_c" | awk '{print ($1 + $2) / $3}')"
      [ -n "$second_c" ] && printf "  second half per round: cachesim%s s, mmkit%s s" "$second_c" "$second_m"
    fi
    printf "\n"
  done
done
host after
