#!/usr/bin/env bash
# Whole-system map figures of issue 7 ("Figures to reach"): vector tiles and
# OGC API Features pages served by phusong, each beside the baseline
# measured in the same run: what pg_tileserv and pg_featureserv do per
# request, one plain PostGIS query over a pool of 16 connections (parallel
# query off, as ours):
#
#   tile baseline     SELECT ST_AsMVT(q, 'points') FROM (SELECT ST_AsMVTGeom(
#                     ST_Transform(geom, 3857), ST_TileEnvelope(z, x, y)) AS geom,
#                     <the properties of our points layer> FROM survey_points
#                     WHERE geom && ST_Transform(ST_TileEnvelope(z, x, y), 4326)
#                     LIMIT 50000) q
#   feature baseline  a bbox query with LIMIT returning a GeoJSON
#                     FeatureCollection (json_build_object + ST_AsGeoJSON)
#
# Data: the generator's 1,000,000 survey points (seed 1), loaded the fast
# way (`phusong import --province all`) into a database of the test
# cluster, all accepted, then `phusong areas recompute`. The database
# (bench_tiles) is kept between runs; FRESH=1 rebuilds it.
#
# Runs (16 connections, DURATION seconds each, bench/cmd/tiles):
#   z8 over the densest area, z12 tiles inside it (ours and baseline),
#   points pages of limit 1000 and 100 (ours and baseline), with the
#   server's tile cache off (PHUSONG_TILE_CACHE_MB=0); then warm tiles from
#   the cache of a second server started with it on. Also, in-process: the
#   same z12 tiles made in Go (geo/tile) vs by ST_AsMVT, which is how the
#   encoder was chosen. The last two lines are
#   tiles_z8_vs_baseline=R and tiles_z12_vs_baseline=R.
#
#   bench/tiles.sh
#   DURATION=20 bench/tiles.sh
#
# Environment: SHARED (default ../shared beside the checkout), N (1000000),
# DURATION (10), CONNS (16), FRESH (0), OUT (bench/out/tiles).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SHARED=${SHARED:-$ROOT/../shared}
GEN=$SHARED/tools/gen
N=${N:-1000000}
DURATION=${DURATION:-10}
CONNS=${CONNS:-16}
FRESH=${FRESH:-0}
OUT=${OUT:-$ROOT/bench/out/tiles}
DB=bench_tiles
mkdir -p "$OUT"
say() { echo "tiles.sh: $*" >&2; }
[ -d "$GEN" ] || { say "no generator at $GEN (set SHARED)"; exit 2; }
command -v psql >/dev/null || { say "psql is missing (apt-get install postgresql-client)"; exit 2; }

say "building"
go build -o "$OUT/phusong" ./cmd/phusong
go build -o "$OUT/tiles" ./bench/cmd/tiles
SUPER=$(go run ./cmd/phusong db start --test)
URL=$(echo "$SUPER" | sed "s|/postgres?|/$DB?|")

loaded() { psql "$URL" -AtX -c "SELECT count(*) FROM bench_tiles_loaded" 2>/dev/null | grep -qx 1; }
if [ "$FRESH" = 1 ] || ! loaded; then
	CSV=$OUT/survey_${N}_seed1.csv
	if [ ! -s "$CSV" ]; then
		say "generating $N points (seed 1)"
		(cd "$GEN" && go run . -format survey -n "$N" -seed 1) >"$CSV.tmp"
		mv "$CSV.tmp" "$CSV"
	fi
	say "loading into $DB"
	psql "$SUPER" -qX -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB" >/dev/null
	"$OUT/phusong" migrate up --database-url "$URL" >/dev/null
	t=$EPOCHREALTIME
	DATABASE_URL=$URL "$OUT/phusong" import --province all "$CSV" >/dev/null
	say "import: $(awk -v a="$t" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }') s"
	# Accept everything at once, as reviewers would over time; one audit
	# row per province moves the tile versions as an accept does.
	psql "$URL" -qX -v ON_ERROR_STOP=1 >/dev/null <<-'EOF'
		UPDATE survey_points SET status = 'accepted', updated_at = now();
		UPDATE submissions SET status = 'accepted', decided_at = now() WHERE status = 'submitted';
		VACUUM ANALYZE survey_points;
	EOF
	t=$EPOCHREALTIME
	DATABASE_URL=$URL "$OUT/phusong" areas recompute >/dev/null 2>&1
	say "areas recompute: $(awk -v a="$t" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }') s"
	PHUSONG_PASSWORD=bench-reviewer-1 DATABASE_URL=$URL "$OUT/phusong" user create bench --role reviewer >/dev/null
	psql "$URL" -qX -v ON_ERROR_STOP=1 -c "ANALYZE" -c "CREATE TABLE bench_tiles_loaded AS SELECT 1 AS loaded" >/dev/null
fi

PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
serve() { # serve PORT CACHE_MB: a server in the background, ready when this returns
	PHUSONG_TILE_CACHE_MB=$2 DATABASE_URL=$URL PHUSONG_LOG_LEVEL=warn "$OUT/phusong" serve --addr "127.0.0.1:$1" \
		--demo no >"$OUT/serve-$1.log" 2>&1 &
	PIDS+=($!)
	for _ in $(seq 600); do
		# Ready, and done with its start-up reads (the tile snapshots), so
		# they do not run beside the first measurements.
		curl -fs "http://127.0.0.1:$1/readyz" 2>/dev/null | grep -q '"tiles_warm":true' && return 0
		sleep 0.2
	done
	say "server on $1 did not start: $(tail -5 "$OUT/serve-$1.log")"
	exit 1
}
COLD=18091
WARM=18092
serve $COLD 0
serve $WARM 256

log=$OUT/run-$(date -u +%Y%m%dT%H%M%SZ).txt
{
	echo "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo "machine=$(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "postgres=$(psql "$SUPER" -AtX -c 'SHOW server_version') (test cluster: fsync $(psql "$SUPER" -AtX -c 'SHOW fsync'), shared_buffers $(psql "$SUPER" -AtX -c 'SHOW shared_buffers'))"
	echo "points=$(psql "$URL" -AtX -c 'SELECT count(*) FROM survey_points') areas=$(psql "$URL" -AtX -c "SELECT count(*) FROM areas WHERE status = 'active'") sites=$(psql "$URL" -AtX -c 'SELECT count(*) FROM area_sites')"
	"$OUT/tiles" -db "$URL" -cold "http://127.0.0.1:$COLD" -warm "http://127.0.0.1:$WARM" -user bench -password bench-reviewer-1 \
		-duration "${DURATION}s" -conns "$CONNS"
} 2>&1 | tee "$log"
