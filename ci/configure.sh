#!/bin/sh
# Configures the one Meson build (freestanding target + native tests) in build/.
set -eu
cd "$(dirname "$0")/.."
if [ ! -f build/build.ninja ]; then
  meson setup build --cross-file ci/cross-x86_64.ini --native-file ci/native.ini "$@"
fi
ninja -C build
