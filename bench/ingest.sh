#!/usr/bin/env bash
# Whole-system ingest figures of issue 4 ("Figures to reach"), each beside
# the plain-SQL floor measured in the same run:
#
#   floor  psql \copy of the generator's 1,000,000-row survey file into a
#          staging table, then CREATE TABLE … AS with the geometry, the
#          primary key and the GiST index;
#   ours   the same file through the real code path, two ways:
#          - national: `phusong import --province all FILE`, the national
#            first load into an empty database (parse, validate including
#            point in province, one transaction, one submission per
#            province, indexes and foreign keys built once) — the figure;
#          - per province: bench/cmd/ingest splits it by province and stores
#            each province's rows with intake.Read + survey.Store.Submit,
#            exactly as `phusong import --province NN` does (34 submissions,
#            WORKERS at a time). The 34 `phusong import` processes are timed too.
#
# A fresh database for each side and round; the ratio is the median over the
# rounds of national / floor, printed last: ingest_vs_sql_floor=R. Also: the same
# for 100,000 rows; a 10,000-row provincial file into an empty database, and
# as updates or new points into the 1M-point table; peak memory as the file
# grows; two SQL-only loads into the survey_points schema itself (row by row
# as Submit does, and with its indexes and foreign keys dropped and rebuilt),
# which show where the time goes.
#
#   bench/ingest.sh
#   ROUNDS=1 bench/ingest.sh
#   BASELINE=HEAD bench/ingest.sh     # also measure the code of a git ref: before/after in one run
#
# Environment: SHARED (the shared folder; default ../shared beside the
# checkout), N (1000000), ROUNDS (3), WORKERS (2), BASELINE (a git ref; none),
# OUT (bench/out/ingest: generated files, binaries, and a copy of each run's
# output). Needs Go, psql and the project's test cluster (started here).
# The databases it creates are named bench_ingest_* and dropped at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SHARED=${SHARED:-$ROOT/../shared}
GEN=$SHARED/tools/gen
N=${N:-1000000}
ROUNDS=${ROUNDS:-3}
WORKERS=${WORKERS:-2}
BASELINE=${BASELINE:-}
OUT=${OUT:-$ROOT/bench/out/ingest}
DATA=$OUT/data
BIN=$OUT/bin
PROVINCE=12 # the provincial file: the first 10,000 rows of Lai Châu

mkdir -p "$DATA" "$BIN"
[ -d "$GEN" ] || { echo "ingest.sh: no generator at $GEN (set SHARED)" >&2; exit 2; }
command -v psql >/dev/null || { echo "ingest.sh: psql is missing (apt-get install postgresql-client)" >&2; exit 2; }
TIME=/usr/bin/time
[ -x "$TIME" ] || TIME=
log=$OUT/run-$(date -u +%Y%m%dT%H%M%SZ).txt
tmp=$(mktemp -d)

say() { echo "ingest.sh: $*" >&2; }
out() { echo "$*" | tee -a "$log"; }
now() { echo "$EPOCHREALTIME"; }
since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.3f", b - a }'; }
div() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
field() { sed -n "s/^$1=//p" "$2" | tail -1; } # the value of a key=value line
rss() { # rss CMD… : runs CMD, prints its peak RSS in KB ("?" without /usr/bin/time)
	if [ -n "$TIME" ]; then
		"$TIME" -f %M -o "$tmp/rss" "$@" >/dev/null 2>&1 || true
		cat "$tmp/rss"
	else
		"$@" >/dev/null 2>&1 || true
		echo "?"
	fi
}

# Files, generated once and kept under $DATA.
gen() { # gen ROWS → path of the survey file of ROWS rows, seed 1
	local f=$DATA/survey_$1_seed1.csv
	if [ ! -s "$f" ]; then
		say "generating $1 rows (seed 1)"
		(cd "$GEN" && go run . -format survey -n "$1" -seed 1) >"$f.tmp"
		mv "$f.tmp" "$f"
	fi
	echo "$f"
}
BIG=$(gen "$N")
SMALL=$(gen 100000)
PROV=$DATA/province_${PROVINCE}_10000_of_$N.csv
[ -s "$PROV" ] || awk -F, -v p="$PROVINCE" 'NR == 1 || ($1 == p && ++n <= 10000)' "$BIG" >"$PROV"
SPLIT=$DATA/split_$N # one file per province, for the phusong import runs
if [ ! -s "$SPLIT/p$PROVINCE.csv" ]; then
	rm -rf "$SPLIT" && mkdir -p "$SPLIT"
	awk -F, -v d="$SPLIT" 'NR == 1 { h = $0; next } { f = d "/p" $1 ".csv"; if (!(f in seen)) { print h > f; seen[f] = 1 } print > f }' "$BIG"
fi

# Binaries of this checkout, and of BASELINE from a temporary worktree with
# this checkout's bench/ copied in (both sides run the same harness).
say "building"
go build -o "$BIN/phusong" ./cmd/phusong
go build -o "$BIN/ingest" ./bench/cmd/ingest
if [ -n "$BASELINE" ]; then
	wt=$tmp/baseline
	git worktree add --detach -f "$wt" "$BASELINE" >/dev/null 2>&1
	rm -rf "$wt/bench" && mkdir "$wt/bench" && cp -r bench/cmd "$wt/bench/cmd"
	(cd "$wt" && go build -o "$BIN/ingest-baseline" ./bench/cmd/ingest)
	git worktree remove --force "$wt"
fi

SUPER=$(go run ./cmd/phusong db start --test)
dburl() { echo "$SUPER" | sed "s|/postgres?|/$1?|"; }
cleanup() {
	psql "$SUPER" -qX -At -c "SELECT format('DROP DATABASE IF EXISTS %I;', datname) FROM pg_database WHERE datname LIKE 'bench\_ingest\_%'" 2>/dev/null |
		psql "$SUPER" -qX >/dev/null 2>&1 || true
	rm -rf "$tmp"
}
trap cleanup EXIT
fresh() { # fresh NAME [migrate]: a new empty database, migrated by phusong when asked
	psql "$SUPER" -qX -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1" >/dev/null 2>&1
	if [ "${2:-}" = migrate ]; then
		"$BIN/phusong" migrate up --database-url "$(dburl "$1")" >/dev/null 2>&1
	else
		psql "$(dburl "$1")" -qX -c "CREATE EXTENSION IF NOT EXISTS postgis" >/dev/null 2>&1
	fi
}

# floor FILE → seconds: \copy, geometry, primary key and GiST index, in a fresh database.
floor() {
	fresh bench_ingest_floor
	cat >"$tmp/floor.sql" <<-EOF
		\set ON_ERROR_STOP 1
		CREATE TABLE staging (province_code text, commune_code text, village_name text, ref_id text,
		    lat float8, lon float8, households int, grid_power text, signal_viettel text, signal_vinaphone text,
		    signal_mobifone text, signal_vietnamobile text, rsrp_viettel smallint, surveyed_on date);
		\copy staging FROM '$1' WITH (FORMAT csv, HEADER true)
		CREATE TABLE points AS SELECT row_number() OVER () AS id, province_code, commune_code, village_name, ref_id,
		    ST_SetSRID(ST_MakePoint(lon, lat), 4326)::geometry(Point, 4326) AS geom, households, grid_power,
		    signal_viettel, signal_vinaphone, signal_mobifone, signal_vietnamobile, rsrp_viettel, surveyed_on
		FROM staging;
		ALTER TABLE points ADD PRIMARY KEY (id);
		CREATE INDEX points_geom_gix ON points USING gist (geom);
	EOF
	local t
	t=$(now)
	psql "$(dburl bench_ingest_floor)" -qX -f "$tmp/floor.sql" >/dev/null
	since "$t"
}

# ours BINARY FILE WORKERS NAME → seconds from process start to exit, into a
# fresh database bench_ingest_ours; the program's key=value lines in $tmp/NAME.out.
ours() {
	fresh bench_ingest_ours migrate
	local t
	t=$(now)
	"$1" -database-url "$(dburl bench_ingest_ours)" -workers "$3" "$2" >"$tmp/$4.out"
	since "$t"
}

# national FILE → seconds of `phusong import --province all FILE` (the national
# first load: one transaction, indexes and foreign keys built once) into a
# fresh database, from process start to exit.
national() {
	fresh bench_ingest_ours migrate
	local t
	t=$(now)
	DATABASE_URL=$(dburl bench_ingest_ours) "$BIN/phusong" import --province all "$1" >/dev/null 2>"$tmp/national.err" ||
		{ cat "$tmp/national.err" >&2; exit 1; }
	since "$t"
}

# compare FILE LABEL: ROUNDS rounds of floor, ours (per province and national;
# and baseline); sets RATIO and NATIONAL_RATIO (and BASE_RATIO) to the
# medians of ours / floor.
compare() {
	local file=$1 label=$2 r f o n b ratios=() nratios=() bratios=()
	for r in $(seq "$ROUNDS"); do
		f=$(floor "$file")
		n=$(national "$file")
		nratios+=("$(div "$n" "$f")")
		out "$label round $r: floor $f s; national load (phusong import --province all) $n s; ratio ${nratios[-1]}"
		o=$(ours "$BIN/ingest" "$file" "$WORKERS" "$label")
		ratios+=("$(div "$o" "$f")")
		out "$label round $r: floor $f s; ours $o s (split $(field split_s "$tmp/$label.out") s, storing $(field store_s "$tmp/$label.out") s, $(field stored "$tmp/$label.out") points stored, peak RSS $(field peak_rss_kb "$tmp/$label.out") KB); ratio ${ratios[-1]}"
		if [ -n "$BASELINE" ]; then
			b=$(ours "$BIN/ingest-baseline" "$file" "$WORKERS" "baseline_$label")
			bratios+=("$(div "$b" "$f")")
			out "$label round $r: baseline ($BASELINE) $b s; ratio ${bratios[-1]}"
		fi
	done
	RATIO=$(printf '%s\n' "${ratios[@]}" | median)
	NATIONAL_RATIO=$(printf '%s\n' "${nratios[@]}" | median)
	out "${label}_national_vs_floor=$NATIONAL_RATIO (median of $ROUNDS rounds)"
	out "${label}_per_province_vs_floor=$RATIO (median of $ROUNDS rounds)"
	if [ -n "$BASELINE" ]; then
		BASE_RATIO=$(printf '%s\n' "${bratios[@]}" | median)
		out "${label}_baseline_vs_floor=$BASE_RATIO (median of $ROUNDS rounds)"
	fi
}

out "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
out "machine=$(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg) at start"
out "commit=$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- geo cmd api migrations 2>/dev/null || echo ' + uncommitted changes')"
out "postgres=$(psql "$SUPER" -AtX -c 'SHOW server_version') (test cluster: fsync $(psql "$SUPER" -AtX -c 'SHOW fsync'), shared_buffers $(psql "$SUPER" -AtX -c 'SHOW shared_buffers'))"
out "workers=$WORKERS rounds=$ROUNDS files: $BIG, $SMALL, $PROV"

out "== $N rows: floor vs ours"
compare "$BIG" big
BIG_RATIO=$NATIONAL_RATIO
BIG_RSS=$(field peak_rss_kb "$tmp/big.out")

out "== a 10,000-row provincial file (province $PROVINCE) into the $N-point table just loaded"
"$BIN/ingest" -database-url "$(dburl bench_ingest_ours)" "$PROV" >"$tmp/p.out"
out "province_10k_updates_into_big_submit_s=$(field store_s "$tmp/p.out") ($(field stored "$tmp/p.out") points stored again: every row updates its point)"
awk -F, 'NR > 1 { print $4 }' "$PROV" >"$tmp/refs"
psql "$(dburl bench_ingest_ours)" -qX -v ON_ERROR_STOP=1 -c "CREATE TABLE bench_refs (ref_id text)" -c "\\copy bench_refs FROM '$tmp/refs'" \
	-c "DELETE FROM survey_points p USING bench_refs r WHERE p.province_code = '$PROVINCE' AND p.ref_id = r.ref_id" -c "DROP TABLE bench_refs" >/dev/null
"$BIN/ingest" -database-url "$(dburl bench_ingest_ours)" "$PROV" >"$tmp/p.out"
out "province_10k_new_into_big_submit_s=$(field store_s "$tmp/p.out") (the same points deleted, then sent as $(field stored "$tmp/p.out") new points of a province with others stored; $(psql "$(dburl bench_ingest_ours)" -AtX -c 'SELECT count(*) FROM survey_points') points in all)"

out "== a 10,000-row provincial file into an empty database"
fresh bench_ingest_ours migrate
"$BIN/ingest" -database-url "$(dburl bench_ingest_ours)" "$PROV" >"$tmp/p.out"
out "province_10k_empty_db_submit_s=$(field store_s "$tmp/p.out") (one Submit; the province has no point yet: copied straight into survey_points)"
fresh bench_ingest_ours migrate
t=$(now)
DATABASE_URL=$(dburl bench_ingest_ours) "$BIN/phusong" import --province "$PROVINCE" "$PROV" >/dev/null 2>&1
out "province_10k_empty_db_cli_s=$(since "$t") (phusong import, process start to exit)"

out "== $N rows: ours with 1 worker (sequential)"
s=$(ours "$BIN/ingest" "$BIG" 1 seq)
out "ours_sequential_s=$s (storing $(field store_s "$tmp/seq.out") s)"

out "== $N rows: the 34 phusong import processes, $WORKERS at a time, largest file first"
fresh bench_ingest_cli migrate
: >"$tmp/cli.err"
t=$(now)
ls -S "$SPLIT"/p*.csv | DATABASE_URL=$(dburl bench_ingest_cli) xargs -P "$WORKERS" -I{} sh -c \
	'p=$(basename "$1" .csv); "$0" import --province "${p#p}" "$1" >/dev/null 2>>"$2" || echo "import $1 failed" >>"$2"' "$BIN/phusong" {} "$tmp/cli.err"
cli=$(since "$t")
grep -q failed "$tmp/cli.err" && say "$(grep failed "$tmp/cli.err")"
out "cli_34_imports_s=$cli ($(psql "$(dburl bench_ingest_cli)" -AtX -c 'SELECT count(*) FROM survey_points') points stored; each process loads the reference data and checks the schema first)"

out "== $N rows: SQL only, into the survey_points schema (where the time goes)"
schema() { # schema true|false → seconds of the load into survey_points (the \copy into staging not counted)
	fresh bench_ingest_schema migrate
	psql "$(dburl bench_ingest_schema)" -qX -v ON_ERROR_STOP=1 -v bulk="$1" >/dev/null <<-EOF
		CREATE UNLOGGED TABLE bench_staging (province_code text, commune_code text, village_name text, ref_id text,
		    lat float8, lon float8, households int, grid_power text, signal_viettel text, signal_vinaphone text,
		    signal_mobifone text, signal_vietnamobile text, rsrp_viettel smallint, surveyed_on date);
		\copy bench_staging FROM '$BIG' WITH (FORMAT csv, HEADER true)
		INSERT INTO submissions (province_code, submitter_name, status) SELECT DISTINCT province_code, 'bench', 'submitted' FROM bench_staging;
		CREATE TABLE bench_defs AS -- bulk: the secondary indexes and foreign keys, as the catalog has them
		SELECT format('ALTER TABLE survey_points DROP CONSTRAINT %I', conname) AS drop_it,
		       format('ALTER TABLE survey_points ADD CONSTRAINT %I %s', conname, pg_get_constraintdef(oid)) AS make_it
		FROM pg_constraint WHERE conrelid = 'survey_points'::regclass AND contype IN ('f', 'u') AND :bulk
		UNION ALL
		SELECT format('DROP INDEX %s', indexrelid::regclass), pg_get_indexdef(indexrelid)
		FROM pg_index WHERE indrelid = 'survey_points'::regclass AND NOT indisprimary AND :bulk
		  AND NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conindid = indexrelid);
		VACUUM ANALYZE bench_staging;
	EOF
	local t
	t=$(now)
	psql "$(dburl bench_ingest_schema)" -qX -v ON_ERROR_STOP=1 >/dev/null <<-'EOF'
		BEGIN;
		SELECT drop_it FROM bench_defs \gexec
		INSERT INTO survey_points (province_code, commune_code, village_name, village_key, ref_id, geom, households, grid_power,
		    signal_viettel, signal_vinaphone, signal_mobifone, signal_vietnamobile, rsrp_viettel, surveyed_on, category, submission_id)
		SELECT s.province_code, commune_code, village_name, lower(village_name), ref_id, ST_SetSRID(ST_MakePoint(lon, lat), 4326),
		    households, grid_power, signal_viettel, signal_vinaphone, signal_mobifone, signal_vietnamobile, rsrp_viettel, surveyed_on,
		    CASE WHEN 'none' = ALL (ARRAY[signal_viettel, signal_vinaphone, signal_mobifone, signal_vietnamobile]) THEN 'trang_song' ELSE 'lom_song' END,
		    b.id
		FROM bench_staging s JOIN submissions b USING (province_code);
		SELECT make_it FROM bench_defs \gexec
		COMMIT;
	EOF
	since "$t"
}
out "sql_into_schema_row_by_row_s=$(schema false) (one INSERT … SELECT of the staged rows into survey_points, its 3 foreign keys and 5 indexes maintained row by row, as Submit does)"
out "sql_into_schema_bulk_s=$(schema true) (the same with the 4 secondary indexes and 3 foreign keys dropped first and rebuilt after)"

out "== 100,000 rows: floor vs ours"
compare "$SMALL" small
SMALL_RSS=$(field peak_rss_kb "$tmp/small.out")

out "== peak memory (RSS, KB) as the file grows"
out "ingest_peak_rss_kb: 100,000 rows $SMALL_RSS, $N rows $BIG_RSS (one process: 34 submissions, $WORKERS at a time)"
largest=$(ls -S "$SPLIT"/p*.csv | head -1)
p=$(basename "$largest" .csv)
out "cli_import_peak_rss_kb: 10,000 rows $(rss env DATABASE_URL="$(dburl bench_ingest_cli)" "$BIN/phusong" import --province "$PROVINCE" "$PROV"), $(($(wc -l <"$largest") - 1)) rows $(rss env DATABASE_URL="$(dburl bench_ingest_cli)" "$BIN/phusong" import --province "${p#p}" "$largest") (phusong import of one province's file, resubmitted)"
out "validate_peak_rss_kb: 100,000 rows $(rss "$BIN/phusong" validate --province "" "$SMALL"), $N rows $(rss "$BIN/phusong" validate --province "" "$BIG") (the reader alone over the whole national file: its in-file duplicate indexes grow with the rows)"

out "output=$log"
out "ingest_vs_sql_floor=$BIG_RATIO"  # the national first load; per province: see big_per_province_vs_floor
