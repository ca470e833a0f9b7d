#!/bin/sh
# Installs, from Debian's archive, every package the build, tests and
# appliance need. Idempotent: does nothing when all are present (CI=true
# always refreshes the package lists first).
set -eu
cd "$(dirname "$0")/.."
pkgs=$(grep -v '^#' ci/packages.txt | tr '\n' ' ')
missing=""
for p in $pkgs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ] || [ "${CI:-}" = true ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update
  [ -z "$missing" ] || DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends $missing
fi
sh stubdoms/fetch-sources.sh >/dev/null
sh ci/fetch-debian-kernel.sh >/dev/null
