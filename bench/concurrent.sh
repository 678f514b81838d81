#!/usr/bin/env bash
# 34 provinces upload a 10,000-point file each, all at once, over HTTP to a
# real `phusong serve` on a fresh database; then the database is checked:
# every point stored once, none lost or duplicated (counts per province,
# every (province_code, ref_id) of the files), and one upload resent with its
# Idempotency-Key stores nothing twice. Prints the latencies (p50, p99, max).
# The work is in bench/cmd/concurrent; see its doc comment.
#
#   bench/concurrent.sh
#   PER=2000 bench/concurrent.sh
#   BASELINE=HEAD bench/concurrent.sh   # first the same test served by the code of a git ref
#
# Environment: SHARED (the shared folder; default ../shared beside the
# checkout), PER (10000 rows per province), BASELINE (a git ref; none), OUT
# (bench/out/concurrent). The
# province files are the first PER rows of each province in the generator's
# stream (seed 1): the rarest province has 0.03 % of the rows, so the stream
# runs to about 40 million rows for PER=10000 (about 75 s, once; the file is
# kept under OUT). Needs Go, psql and the project's test cluster (started
# here); the database bench_concurrent is dropped at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SHARED=${SHARED:-$ROOT/../shared}
GEN=$SHARED/tools/gen
PER=${PER:-10000}
OUT=${OUT:-$ROOT/bench/out/concurrent}
mkdir -p "$OUT"
[ -d "$GEN" ] || { echo "concurrent.sh: no generator at $GEN (set SHARED)" >&2; exit 2; }

# PER rows of every province, plus a few spare ones: the generator's
# province boundaries differ slightly from phusong's, so a point near a
# border may be refused; bench/cmd/concurrent keeps the first PER valid rows.
file=$OUT/survey_34x${PER}_seed1.csv
if [ ! -s "$file" ]; then
	echo "concurrent.sh: generating $PER rows of every province (seed 1)" >&2
	keep=$((PER + PER / 100 + 10))
	(cd "$GEN" && go run . -format survey -n 200000000 -seed 1 2>/dev/null || true) |
		awk -F, -v keep="$keep" 'NR == 1 { print; next } c[$1] < keep { print; if (++c[$1] == keep && ++full == 34) exit }' >"$file.tmp"
	mv "$file.tmp" "$file"
fi

go build -o "$OUT/phusong" ./cmd/phusong
go build -o "$OUT/concurrent" ./bench/cmd/concurrent
if [ -n "${BASELINE:-}" ]; then
	wt=$(mktemp -d)
	git worktree add --detach -f "$wt" "$BASELINE" >/dev/null 2>&1
	(cd "$wt" && go build -o "$OUT/phusong-baseline" ./cmd/phusong)
	git worktree remove --force "$wt"
fi
SUPER=$(go run ./cmd/phusong db start --test)
URL=$(echo "$SUPER" | sed "s|/postgres?|/bench_concurrent?|")
trap 'psql "$SUPER" -qX -c "DROP DATABASE IF EXISTS bench_concurrent" >/dev/null 2>&1 || true' EXIT
run() { # run BINARY: the test on a fresh database served by BINARY
	psql "$SUPER" -qX -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS bench_concurrent" -c "CREATE DATABASE bench_concurrent" >/dev/null 2>&1
	"$1" migrate up --database-url "$URL" >/dev/null 2>&1
	echo "load=$(cut -d' ' -f1-3 /proc/loadavg) at start"
	"$OUT/concurrent" -database-url "$URL" -phusong "$1" -file "$file" -per "$PER" -server-log "$OUT/server.log"
}

echo "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "machine=$(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
if [ -n "${BASELINE:-}" ]; then
	echo "== served by $BASELINE"
	run "$OUT/phusong-baseline" || echo "baseline: checks failed"
	echo "== served by this checkout"
fi
run "$OUT/phusong"
