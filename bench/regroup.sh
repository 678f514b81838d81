#!/usr/bin/env bash
# Regrouping one province after an accept, end to end through the HTTP API:
# the 1M generator points (seed 1) loaded with `phusong import --province all`
# into a throw-away database, every submission accepted, a reserve of points
# returned in the largest and the median province, every province recomputed
# once; then ROUNDS rounds in each of the two provinces: accept HANDFUL points
# of the reserve (POST /api/v1/points/decision), then POST
# /api/v1/areas/recompute {"province": "NN", "wait": true}, timed from request
# to response against a real `phusong serve`. Then full recomputes of the same
# state, timed the same way, must change nothing. The work is in
# bench/cmd/regroup; see its doc comment.
#
#   bench/regroup.sh
#   ROUNDS=5 bench/regroup.sh
#   BASELINE=234f897 bench/regroup.sh   # then the same run served by the code of a git ref
#
# Environment: SHARED (the shared folder; default ../shared beside the
# checkout), N (1000000), SEED (1), ROUNDS (20), HANDFUL (5), PROVINCES
# (default: the largest and the median), BASELINE (a git ref; none), OUT
# (bench/out/regroup: the generated file, binaries, server logs, a copy of
# each run's output). Needs Go, psql and the project's test cluster (started
# here); the database bench_regroup is dropped at the end.
#
# The last line is regroup_largest_ms=N: the median over the rounds in the
# largest province, of this checkout's code.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SHARED=${SHARED:-$ROOT/../shared}
GEN=$SHARED/tools/gen
N=${N:-1000000}
SEED=${SEED:-1}
ROUNDS=${ROUNDS:-20}
HANDFUL=${HANDFUL:-5}
PROVINCES=${PROVINCES:-}
BASELINE=${BASELINE:-}
OUT=${OUT:-$ROOT/bench/out/regroup}
mkdir -p "$OUT/data"
[ -d "$GEN" ] || { echo "regroup.sh: no generator at $GEN (set SHARED)" >&2; exit 2; }
command -v psql >/dev/null || { echo "regroup.sh: psql is missing (apt-get install postgresql-client)" >&2; exit 2; }
log=$OUT/run-$(date -u +%Y%m%dT%H%M%SZ).txt

file=$OUT/data/survey_${N}_seed${SEED}.csv
if [ ! -s "$file" ]; then
	echo "regroup.sh: generating $N rows (seed $SEED)" >&2
	(cd "$GEN" && go run . -format survey -n "$N" -seed "$SEED") >"$file.tmp"
	mv "$file.tmp" "$file"
fi

go build -o "$OUT/phusong" ./cmd/phusong
go build -o "$OUT/regroup" ./bench/cmd/regroup
if [ -n "$BASELINE" ]; then
	wt=$(mktemp -d)
	git worktree add --detach -f "$wt" "$BASELINE" >/dev/null 2>&1
	(cd "$wt" && go build -o "$OUT/phusong-baseline" ./cmd/phusong)
	git worktree remove --force "$wt"
fi
SUPER=$(go run ./cmd/phusong db start --test)
URL=$(echo "$SUPER" | sed "s|/postgres?|/bench_regroup?|")
trap 'psql "$SUPER" -qX -c "DROP DATABASE IF EXISTS bench_regroup" >/dev/null 2>&1 || true' EXIT
out() { echo "$*" | tee -a "$log"; }

run() { # run BINARY LABEL [regroup flags…]: the whole run on a fresh database served by BINARY
	local bin=$1 label=$2
	shift 2
	psql "$SUPER" -qX -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS bench_regroup" -c "CREATE DATABASE bench_regroup" >/dev/null 2>&1
	"$bin" migrate up --database-url "$URL" >/dev/null 2>&1
	out "== $label: load $(cut -d' ' -f1-3 /proc/loadavg) at start"
	"$OUT/regroup" -database-url "$URL" -phusong "$bin" -file "$file" -rounds "$ROUNDS" -handful "$HANDFUL" \
		${PROVINCES:+-provinces "$PROVINCES"} -server-log "$OUT/server-$label.log" "$@" | tee -a "$log"
}

out "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
out "machine=$(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
out "commit=$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- geo cmd api migrations 2>/dev/null || echo ' + uncommitted changes')"
out "postgres=$(psql "$SUPER" -AtX -c 'SHOW server_version') (test cluster: fsync $(psql "$SUPER" -AtX -c 'SHOW fsync'), shared_buffers $(psql "$SUPER" -AtX -c 'SHOW shared_buffers'))"
out "file=$file rounds=$ROUNDS handful=$HANDFUL"
if [ -n "$BASELINE" ]; then
	run "$OUT/phusong-baseline" "baseline-$BASELINE" -full-field=false
	base=$(sed -n 's/^regroup_largest_ms=//p' "$log" | tail -1)
fi
run "$OUT/phusong" this
this=$(sed -n 's/^regroup_largest_ms=//p' "$log" | tail -1)
out "output=$log"
if [ -n "$BASELINE" ]; then
	out "baseline_regroup_largest_ms=$base (baseline / this: $(awk -v a="$base" -v b="$this" 'BEGIN { printf "%.1f", a / b }'))"
fi
out "regroup_largest_ms=$this"
