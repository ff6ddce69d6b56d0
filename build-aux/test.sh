#!/usr/bin/env bash
# Sets up what is missing on a Debian 12 machine, builds Frontdesk warning-free and runs the
# whole test suite headless (core, ui, data). Ends with a line "N passed, N failed".
# Extra arguments go to `meson test` (e.g. --suite core, or a test name).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash build-aux/install-deps.sh --test

# Quiet when all is well; the whole output, and the closing line CI reads, when not.
run_quietly() {
  local out
  if ! out=$("$@" 2>&1); then
    printf '%s\n' "$out" >&2
    echo "build failed: $*" >&2
    echo "0 passed, 1 failed"
    exit 1
  fi
}

if [ ! -f _build/build.ninja ]; then
  run_quietly meson setup _build --prefix="$PWD/_install" -Dprofile=development
fi
run_quietly meson configure _build --werror
run_quietly ninja -C _build

set +e
meson test -C _build --print-errorlogs --no-rebuild "$@"
status=$?
set -e

python3 build-aux/test-summary.py _build/meson-logs/testlog.json || status=1
exit "$status"
