#!/usr/bin/env bash
# The map page's first load with 1,000,000 survey points (issue 7, "the map
# page … interactive in under 2 s"), against a real `phusong serve`, in
# Chromium: navigation start → the map's first idle with points drawn.
#
# The server builds every province's tile snapshot in the background at
# start (tile.Store.Warm); /readyz says when that is over ("tiles_warm").
# Measured in one run, each in a fresh browser context:
#   at_start   a reviewer opening the map the moment /readyz first answers
#              (the snapshots are still being built)
#   warmed     a reviewer opening it once the snapshots are built
#   again      the same a second time (the server's tile cache now warm)
#   base_first with BASELINE=<commit>: that commit's server (before the
#              warm-up, e.g. 0028fcb), the first visitor after /readyz
# ROUNDS (3) restarts of the server; the medians are printed, and on the
# last line at_start_vs_warmed=R (and base_first_vs_at_start=R).
#
# Data: the database of bench/tiles.sh (bench_tiles on the test cluster);
# run that first. Environment: ROUNDS, OUT (bench/out/map).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
ROUNDS=${ROUNDS:-3}
OUT=${OUT:-$ROOT/bench/out/map}
mkdir -p "$OUT"
say() { echo "map.sh: $*" >&2; }
[ -d web/node_modules/playwright-core ] || (cd web && npm ci --no-audit --no-fund >/dev/null)
SUPER=$(go run ./cmd/phusong db start --test)
URL=$(echo "$SUPER" | sed "s|/postgres?|/bench_tiles?|")
psql "$URL" -AtX -c "SELECT count(*) FROM bench_tiles_loaded" 2>/dev/null | grep -qx 1 || { say "no bench_tiles database: run bench/tiles.sh first"; exit 2; }
say "points loaded: $(psql "$URL" -AtX -c 'SELECT count(*) FROM survey_points')"
go build -o "$OUT/phusong" ./cmd/phusong
if [ -n "${BASELINE:-}" ]; then
	src=$(mktemp -d)
	git archive "$BASELINE" | tar -x -C "$src"
	(cd "$src" && go build -o "$OUT/phusong-base" ./cmd/phusong)
	rm -rf "$src"
fi
PORT=18093
PID=
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null || true; }
trap cleanup EXIT
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
: >"$OUT/runs.txt"
for r in $(seq "$ROUNDS"); do
	DATABASE_URL=$URL PHUSONG_LOG_LEVEL=warn "$OUT/phusong" serve --addr "127.0.0.1:$PORT" --demo no >"$OUT/serve.log" 2>&1 &
	PID=$!
	until curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1; do sleep 0.05; done
	node bench/map/firstload.mjs "http://127.0.0.1:$PORT" bench bench-reviewer-1 at_start | tee -a "$OUT/runs.txt"
	until curl -fs "http://127.0.0.1:$PORT/readyz" | grep -q '"tiles_warm":true'; do sleep 0.1; done
	node bench/map/firstload.mjs "http://127.0.0.1:$PORT" bench bench-reviewer-1 warmed | tee -a "$OUT/runs.txt"
	node bench/map/firstload.mjs "http://127.0.0.1:$PORT" bench bench-reviewer-1 again | tee -a "$OUT/runs.txt"
	kill "$PID"
	wait "$PID" 2>/dev/null || true
	PID=
	if [ -n "${BASELINE:-}" ]; then
		DATABASE_URL=$URL PHUSONG_LOG_LEVEL=warn "$OUT/phusong-base" serve --addr "127.0.0.1:$PORT" --demo no >"$OUT/serve-base.log" 2>&1 &
		PID=$!
		until curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1; do sleep 0.05; done
		node bench/map/firstload.mjs "http://127.0.0.1:$PORT" bench bench-reviewer-1 base_first | tee -a "$OUT/runs.txt"
		kill "$PID"
		wait "$PID" 2>/dev/null || true
		PID=
	fi
done
for k in at_start warmed again base_first; do
	grep -q "^${k}_tti_ms=" "$OUT/runs.txt" || continue
	echo "median_${k}_tti_ms=$(grep "^${k}_tti_ms=" "$OUT/runs.txt" | cut -d= -f2 | median)"
done
a=$(grep "^at_start_tti_ms=" "$OUT/runs.txt" | cut -d= -f2 | median)
w=$(grep "^warmed_tti_ms=" "$OUT/runs.txt" | cut -d= -f2 | median)
if [ -n "${BASELINE:-}" ]; then
	b=$(grep "^base_first_tti_ms=" "$OUT/runs.txt" | cut -d= -f2 | median)
	echo "base_first_vs_at_start=$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", b / a }')"
fi
echo "at_start_vs_warmed=$(awk -v a="$a" -v w="$w" 'BEGIN { printf "%.2f", a / w }')"
