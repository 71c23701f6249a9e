#!/usr/bin/env bash
# Byte-for-byte comparison of two builds' CLI output on the same inputs: lint in
# every report format (and json with the bench topology) and fmt, of the
# corpus dumps, the unmasked TUM firewall and the 10,000-rule bench dump (the
# last two written by `npm run bench`, in bench-out/lint). Exit status and
# stderr count too. For changes meant to be invisible (speed work):
#   scripts/bench/compare-outputs.sh BASE NEW
# BASE and NEW are checkouts with a build, e.g. a worktree of the commit before.
set -uo pipefail
if [ $# -ne 2 ]; then echo "usage: $0 BASE NEW" >&2; exit 2; fi
base=$1; new=$2
corpus=${CORPUS:-../shared/corpus/dumps}
topology=bench-out/lint/bench.topology.json
files=()
[ -d "$corpus" ] && files+=("$corpus"/*)
for f in bench-out/lint/chains-10000.rules bench-out/lint/is-tum-net-2015-09.unmasked.rules; do [ -f "$f" ] && files+=("$f"); done
if [ ${#files[@]} -eq 0 ]; then echo "no inputs: neither $corpus nor bench-out/lint (run npm run bench first)" >&2; exit 2; fi
n=0; differ=0
run() { node "$1/bin/chainsmith.js" "${@:2}" 2>&1; echo "exit=$?"; }
for f in "${files[@]}"; do
  for args in "--format json" "--format text" "--format json --topology $topology" "--format sarif" "--format gcc"; do
    n=$((n + 1))
    # shellcheck disable=SC2086
    [ "$(run "$base" lint "$f" $args)" == "$(run "$new" lint "$f" $args)" ] || { echo "differ: lint $f $args"; differ=$((differ + 1)); }
  done
  n=$((n + 1))
  [ "$(run "$base" fmt "$f")" == "$(run "$new" fmt "$f")" ] || { echo "differ: fmt $f"; differ=$((differ + 1)); }
done
echo "$n comparisons, $differ differ"
[ "$differ" -eq 0 ]
