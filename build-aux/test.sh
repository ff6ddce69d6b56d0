#!/usr/bin/env bash
# Sets up what is missing on a Debian 12 machine, builds Frontdesk warning-free and runs the
# whole test suite headless (core, ui, data). Ends with a line "N passed, N failed".
# Extra arguments go to `meson test` (e.g. --suite core, or a test name).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash build-aux/install-deps.sh --test

if [ ! -f _build/build.ninja ]; then
  meson setup _build --prefix="$PWD/_install" -Dprofile=development >/dev/null
fi
meson configure _build --werror >/dev/null
ninja -C _build >/dev/null

set +e
meson test -C _build --print-errorlogs --no-rebuild "$@"
status=$?
set -e

python3 build-aux/test-summary.py _build/meson-logs/testlog.json || status=1
exit "$status"
