#!/usr/bin/env bash
# The one command that runs every test against a real PostGIS: installs
# what is missing, then go vet and go test. The test cluster lives in
# var/pgtest (started on first use, reused afterwards); each test package
# clones throw-away databases from a template migrated once.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh test
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './var/*'))
if [ -n "$unformatted" ]; then
  echo "gofmt would change: $unformatted" >&2
  exit 1
fi
go vet ./...
go run ./cmd/phusong db start --test >/dev/null
go test -count=1 -timeout 30m "$@" ./...
