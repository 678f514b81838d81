#!/usr/bin/env bash
# The one command that runs phusong on a fresh Debian machine with Go:
# installs PostgreSQL 15 + PostGIS 3 if missing, builds the binary, and
# serves http://localhost:8080 with the project's own PostGIS under ./var
# and the demo accounts. Ctrl-C stops the service and its database.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh run
mkdir -p var/bin
go build -o var/bin/phusong ./cmd/phusong
exec var/bin/phusong serve "$@"
