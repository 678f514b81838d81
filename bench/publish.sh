#!/usr/bin/env bash
# Publishing a bid package of 50 areas / ~20,000 survey points: every file
# (GeoJSON, KML, CSV, XLSX, PDF, OCDS, manifest), the ZIP and the SHA-256s,
# stored in one transaction through bids.Store.Publish — timed over ROUNDS
# publications (each a new version) on the test cluster; then the stored ZIP
# downloaded through the real HTTP server beside a plain SELECT of the same
# bytes (downloads come from the stored files, never regenerated).
#
#   bench/publish.sh                 # N=1000000 SEED=1: the largest province's rows
#   PROVINCE=22 bench/publish.sh
#
# The last line is publish_20k_seconds=S (median).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-1000000}
SEED=${SEED:-1}
ROUNDS=${ROUNDS:-5}
PROVINCE=${PROVINCE:-}
GEN=${GEN:-../shared/tools/gen}
OUT=${OUT:-bench/out/publish}
mkdir -p "$OUT"
csv=$OUT/survey-$N-$SEED.csv
if [ ! -s "$csv" ]; then
	echo "publish.sh: generating $N points (seed $SEED)" >&2
	(cd "$GEN" && go run . -format survey -n "$N" -seed "$SEED") >"$csv.tmp" && mv "$csv.tmp" "$csv"
fi
url=$(go run ./cmd/phusong db start --test)
go build -o "$OUT/publish" ./bench/cmd/publish
echo "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "machine=$(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo), load $(cut -d' ' -f1-3 /proc/loadavg)"
"$OUT/publish" -url "$url" -csv "$csv" -province "$PROVINCE" -rounds "$ROUNDS"
