#!/usr/bin/env bash
# Grouping 1,000,000 survey points into areas: the PostGIS pipeline
# (ST_ClusterDBSCAN … OVER (PARTITION BY province_code) + GROUP BY +
# ST_ConvexHull(ST_Collect(…)) on a stored metric column) against Go
# (area.Group + Grouping.Areas), on the same points and eps, in the same
# run, checking the partitions are identical. Needs Go and the project's
# test cluster (started here); loads the points into a throw-away database
# that is dropped at the end.
#
#   bench/areas.sh                 # N=1000000 SEED=1 EPS=2000
#   N=100000 bench/areas.sh
#
# The last line is areas_speedup_vs_postgis=R.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-1000000}
SEED=${SEED:-1}
EPS=${EPS:-2000}
GEN=${GEN:-../shared/tools/gen}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "areas.sh: generating $N points (seed $SEED)" >&2
(cd "$GEN" && go run . -format survey -n "$N" -seed "$SEED") >"$tmp/points.csv"
url=$(go run ./cmd/phusong db start --test)
go build -o "$tmp/areas" ./bench/cmd/areas
echo "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "machine=$(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "seed=$SEED"
"$tmp/areas" -url "$url" -csv "$tmp/points.csv" -eps "$EPS"
