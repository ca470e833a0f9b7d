#!/bin/sh
# Sets up, builds and runs every test (host unit tests under ASan/UBSan,
# fuzzers, QEMU system tests) and ends with one line: "N passed, N failed".
set -eu
cd "$(dirname "$0")/.."
sh ci/setup.sh
sh ci/configure.sh
status=0
meson test -C build --print-errorlogs --num-processes 1 "$@" || status=$?
python3 ci/summarize.py build/meson-logs/testlog.json
exit $status
