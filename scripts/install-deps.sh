#!/usr/bin/env bash
# Installs what phusong needs from Debian's packages, only if missing.
#   scripts/install-deps.sh run    PostgreSQL 15 + PostGIS 3 (to run the service)
#   scripts/install-deps.sh test   the above + the real clients the tests use
#                                  (GDAL, poppler, Chromium, LibreOffice Calc)
#                                  and web/node_modules
set -euo pipefail
what=${1:-run}
pkgs=(postgresql-15 postgresql-15-postgis-3)
if [ "$what" = test ]; then
  pkgs+=(gdal-bin poppler-utils unzip chromium libreoffice-calc-nogui)
fi
missing=()
for p in "${pkgs[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  # The Debian package starts a system cluster on 5432; phusong never uses it.
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi
# The browser tests' npm packages (playwright-core, pinned in
# web/package-lock.json; it drives Debian's chromium and never downloads a
# browser). npm ci again whenever the lock file changed since the last one.
stamp=web/node_modules/.phusong-package-lock.json
if [ "$what" = test ] && [ -f web/package-lock.json ] && ! cmp -s web/package-lock.json "$stamp"; then
  echo "installing: web/node_modules (npm ci)" >&2
  (cd web && npm ci --no-audit --no-fund >/dev/null)
  cp web/package-lock.json "$stamp"
fi
