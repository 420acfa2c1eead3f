#!/usr/bin/env bash
# instructions.sh: how many x86 instructions the machine executes per reference of a trace
# replay once compiled, counted by valgrind, and (BY_METHOD=1) how they split over the
# methods the JIT compiled. Counts, unlike times, do not depend on the host's neighbours.
#
# This VM's timings swing by half within seconds (bench/RESULTS.md: one CPU at a time shares
# its host core with a busy neighbour). An instruction count of the same run is the same
# every time to a few per mille, so a change to the fault path can be judged by what it
# removes. The machine's replay is bound by its instructions more than by memory: on a
# trace whose tables stay in the host's caches it executes about three times the lean
# peer's instructions per reference (bench/peer-lean.java) and takes about twice its time.
#
# How: the trace's first FIRST and first SECOND million records are replayed under
# valgrind's cachegrind (fifo, the size's resident limit, the side-by-side script's machine)
# with -Xbatch, so that every compilation happens at the same point of every run; the
# instructions of the longer run less those of the shorter, divided by the records between
# them, are the compiled replay's cost per reference (the boot, the warm-up and the exit
# cancel out). BY_METHOD=1 instead replays the first SECOND million under callgrind with
# the JIT's log (-XX:+LogCompilation) and charges each instruction to the compiled method
# whose code holds it: instructions per reference, per method and tier, the largest first
# (the boot's and the warm-up's share is small over a few million references). BY_LINE=1
# charges them to source lines instead: the same run prints the JIT's code of mmkit's
# methods (-XX:+PrintAssembly through bench/hsdis-capstone.c, built on the fly, and
# -XX:+DebugNonSafepoints, so that most instructions carry the inlined scope they came
# from) and each instruction goes to the innermost method and line HotSpot noted for it:
# per reference, by source method wherever it was inlined, then by compiled method and
# line, the largest first (TOP lines, default 60).
#
# Usage: bench/instructions.sh TRACE [SIZE]      (SIZE: resident pages, default 1000)
#   TRACE   an oracleGeneral file of at least SECOND million records; a uniform trace over
#           a few thousand pages keeps every table in the host's caches, e.g.
#           mmkit trace uniform --pages 5000 --references 10000000 --seed 1 u5k.oracleGeneral
# Environment: MMKIT_HOME (default assembly/target/mmkit of this checkout), POLICY (fifo),
#   FIRST and SECOND (millions of records, default 3 and 5), BY_METHOD (0), BY_LINE (0),
#   TOP (60), MMKIT_JAVA_OPTS (added to -Xbatch). Needs valgrind and python3, and for
#   BY_LINE gcc and capstone (Debian: libcapstone-dev); each run takes a few minutes.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
trace=$(readlink -f "${1:?usage: bench/instructions.sh TRACE [SIZE]}")
size=${2:-1000}
home=${MMKIT_HOME:-$here/assembly/target/mmkit}
policy=${POLICY:-fifo}
first=${FIRST:-3}
second=${SECOND:-5}
[ -x "$home/bin/mmkit" ] || { echo "instructions: no $home/bin/mmkit: build with mvn -q package -DskipTests" >&2; exit 2; }
command -v valgrind > /dev/null || { echo "instructions: valgrind is not installed" >&2; exit 2; }
[ -f "$trace" ] || { echo "instructions: $trace: no such file" >&2; exit 2; }
[ "$first" -lt "$second" ] || { echo "instructions: FIRST ($first) must be less than SECOND ($second)" >&2; exit 2; }
records=$(( $(wc -c < "$trace") / 24 ))
[ "$records" -ge $((second * 1000000)) ] || { echo "instructions: $trace has $records records, fewer than $second million" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

prefix() { # millions: the trace's first that many million records, as a file in $work
  head -c $(($1 * 24000000)) "$trace" > "$work/first-$1m.oracleGeneral"
  echo "$work/first-$1m.oracleGeneral"
}

replay() { # tool-options... -- trace: the machine's replay under valgrind; prints valgrind's summary on stderr
  local opts=() t
  while [ "$1" != -- ]; do opts+=("$1"); shift; done
  t=$2
  (cd "$work" && MMKIT_JAVA_OPTS="-Xbatch ${MMKIT_JAVA_OPTS:-}" valgrind "${opts[@]}" --smc-check=all-non-file \
    --trace-children=yes --trace-children-skip='*/readlink,*/dirname,*/wc' \
    "$home/bin/mmkit" run --trace "oracle-general:$t" \
    --set mmkit.machine.memory.size=1GiB --set mmkit.machine.memory.backing=none \
    --set mmkit.machine.paging.swap.size=5GiB --set "mmkit.machine.paging.resident-limit=$size" \
    --set "mmkit.machine.replacement.impl=$policy" --set "mmkit.run.directory=$work/run" --format json \
    > "$work/report.json")
}

by_line=${BY_LINE:-0}
if [ "${BY_METHOD:-0}" != 1 ] && [ "$by_line" != 1 ]; then
  declare -A ir
  for m in "$first" "$second"; do
    replay --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null -- "$(prefix "$m")" > "$work/valgrind.out" 2>&1 \
      || { echo "instructions: the replay of ${m}M records failed:" >&2; tail -5 "$work/valgrind.out" >&2; exit 1; }
    ir[$m]=$(grep 'I *refs:' "$work/valgrind.out" | tail -1 | tr -d , | awk '{print $NF}')
  done
  echo "$policy@$size $(basename "$trace"): $(( (ir[$second] - ir[$first]) / ((second - first) * 1000000) )) instructions" \
    "per reference (${second}M records ${ir[$second]}, ${first}M ${ir[$first]})"
  exit 0
fi

jit="-XX:+UnlockDiagnosticVMOptions -XX:+LogCompilation" # BY_METHOD: each compilation's code range
if [ "$by_line" = 1 ]; then # BY_LINE: the code itself, printed into the same log file
  jit="-XX:+UnlockDiagnosticVMOptions -XX:CompileCommand=quiet -XX:CompileCommand=print,dev.mmkit.*::*"
  jit="$jit -XX:+DebugNonSafepoints -XX:PrintAssemblyOptions=intel -XX:+LogVMOutput -XX:-DisplayVMOutput"
  gcc -O2 -shared -fPIC -o "$work/hsdis-amd64.so" "$here/bench/hsdis-capstone.c" -lcapstone \
    || { echo "instructions: BY_LINE needs gcc and capstone (Debian: libcapstone-dev)" >&2; exit 2; }
  export LD_LIBRARY_PATH="$work${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi
MMKIT_JAVA_OPTS="${MMKIT_JAVA_OPTS:-} $jit -XX:LogFile=$work/jit.log" \
  replay --tool=callgrind --dump-instr=yes "--callgrind-out-file=$work/callgrind.%p" -- "$(prefix "$second")" \
  > "$work/valgrind.out" 2>&1 || { echo "instructions: the replay failed:" >&2; tail -5 "$work/valgrind.out" >&2; exit 1; }
python3 - "$work" "$second" "$by_line" "${TOP:-60}" <<'PY'
import bisect, collections, glob, html, os, re, sys
work, millions, by_line, top = sys.argv[1], int(sys.argv[2]), sys.argv[3] == '1', int(sys.argv[4])
# the JVM's profile is the largest (the launcher's helpers leave small ones)
profile = max(glob.glob(os.path.join(work, 'callgrind.*')), key=os.path.getsize)
ir = collections.Counter()
addr, skip, total = 0, False, 0
for line in open(profile):
    if line.startswith('calls='):
        skip = True  # the next cost line is the call's inclusive cost, not this instruction's
        continue
    if line[0] in '0123456789+-*':
        fields = line.split()
        a = fields[0]
        if a.startswith('0x'):
            addr = int(a, 16)
        elif a[0] == '+':
            addr += int(a[1:])
        elif a[0] == '-':
            addr -= int(a[1:])
        if skip:
            skip = False
            continue
        if len(fields) >= 3:
            ir[addr] += int(fields[2])
            total += int(fields[2])
refs = millions * 1000000
if by_line:
    # the log holds, per compiled method, a header, then each instruction on a line of its
    # own ("  0x...:   mnemonic operands"), and after some of them the scopes of the code that
    # ends there ("; - Class::method@bci (line n)", innermost first): HotSpot notes a scope at
    # the end of the instructions of the node it describes, so each instruction goes to the
    # first scope noted at or after it in its method (those after the last, to the last)
    header = re.compile(r'Compiled method \((c1|c2)\).*?\s([\w.$]+)::([\w$<>]+)')
    insn = re.compile(r'^\s*0x([0-9a-f]+):\s')
    scope = re.compile(r';\s+-\s+([\w.$]+)::([\w$<>]+)@\d+(?:\s+\(line (\d+)\))?')
    where = {}  # address -> (compiled method, source method:line)
    unknown = '(no scope noted)'
    method, current, pending = '?', unknown, []

    def place(at):
        for a in pending:
            where[a] = (method, at)
        pending.clear()

    for raw in open(os.path.join(work, 'jit.log'), errors='replace'):
        line = html.unescape(raw)
        m = header.search(line)
        if m:
            place(current)
            method, current = '%s %s.%s' % (m.group(1), m.group(2).rsplit('.', 1)[-1], m.group(3)), unknown
            continue
        m = insn.match(line)
        if m:
            pending.append(int(m.group(1), 16))
        m = scope.search(line)
        if m and pending:
            current = '%s.%s:%s' % (m.group(1).rsplit('.', 1)[-1], m.group(2), m.group(3) or '?')
            place(current)
    place(current)
    by_source, by_place, outside = collections.Counter(), collections.Counter(), 0
    for a, n in ir.items():
        w = where.get(a)
        if w is None:
            outside += n
            continue
        by_source[w[1].rsplit(':', 1)[0]] += n
        by_place[(w[0], w[1])] += n
    print('%d instructions over %d million records, %.0f per reference, %.0f of them outside the code'
          ' of mmkit\'s compiled methods (the JVM, the interpreter, libraries, the JDK\'s code)'
          % (total, millions, total / refs, outside / refs))
    print('per reference, by source method (wherever it was inlined):')
    for k, n in by_source.most_common(top):
        print('%8.1f  %s' % (n / refs, k))
    print('per reference, by compiled method and source line:')
    for (m, place), n in by_place.most_common(top):
        print('%8.1f  %-40s %s' % (n / refs, m, place))
    sys.exit(0)
code = []  # (start, end, method, tier)
for line in open(os.path.join(work, 'jit.log'), errors='replace'):
    if line.startswith('<nmethod '):
        d = dict(re.findall(r"(\w+)='([^']*)'", line))
        if 'address' in d and 'method' in d:
            start = int(d['address'], 16)
            holder, name = d['method'].split()[:2]
            kind = ' (OSR)' if d.get('compile_kind') == 'osr' else ''
            code.append((start, start + int(d['size']), holder.replace('/', '.') + '.' + name + kind, d.get('level', '?')))
code.sort()
starts = [c[0] for c in code]
by = collections.Counter()
for a, n in ir.items():
    i = bisect.bisect_right(starts, a) - 1
    while i >= 0 and not code[i][0] <= a < code[i][1] and a - code[i][0] < 1 << 20:
        i -= 1
    by[(code[i][2], code[i][3]) if i >= 0 and code[i][0] <= a < code[i][1] else ('(not compiled code: the JVM, the interpreter, libraries)', '')] += n
print('%d instructions over %d million records, %.0f per reference; per reference, by compiled method:' % (total, millions, total / refs))
for (method, tier), n in by.most_common(30):
    print('%8.1f  %s%s' % (n / refs, method, ' [tier %s]' % tier if tier else ''))
PY
