#!/usr/bin/env bash
# Validate Frontdesk's Mastodon requests against Mastodon's OpenAPI description, served by
# Stoplight Prism (pinned in package-lock.json here), with the real provider code:
#
#   check.sh CACHE_DIR TEST_MASTODON [WRAPPER…]
#
# CACHE_DIR keeps Prism's node_modules between runs (meson passes a folder in the build dir);
# TEST_MASTODON is the test program, run as `WRAPPER… TEST_MASTODON --prism URL` (the headless
# wrapper: signing in needs a keyring). Exit 0 when every call worked and Prism's log has no
# "Violation"; 1 otherwise; 77 (skipped) without node, npm, python3, the spec or the registry.
# FRONTDESK_SHARED (default ../shared next to the checkout) holds specs/ and peers/.
#
# The description is patched first (../shared/peers/patch-mastodon-spec.py): its Idempotency-Key
# header is typed as an object, which crashes Prism. Prism is stateless: paging, replay of the
# Idempotency-Key and errors are tested against tests/fake-mastodon.c instead.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
SHARED=${FRONTDESK_SHARED:-$HERE/../../../../shared}
SPEC=$SHARED/specs/mastodon-openapi.schema.json
PATCH=$SHARED/peers/patch-mastodon-spec.py

[ $# -ge 2 ] || { echo "usage: $0 CACHE_DIR TEST_MASTODON [WRAPPER…]" >&2; exit 2; }
cache=$1; program=$2; shift 2

skip() { echo "skipped: $*" >&2; exit 77; }
for tool in node npm python3; do command -v "$tool" >/dev/null || skip "no $tool"; done
[ -f "$SPEC" ] && [ -f "$PATCH" ] || skip "no Mastodon spec in $SHARED"

mkdir -p "$cache" || exit 1
if ! cmp -s "$HERE/package-lock.json" "$cache/package-lock.json" || [ ! -x "$cache/node_modules/.bin/prism" ]; then
  cp "$HERE/package.json" "$HERE/package-lock.json" "$cache/" || exit 1
  (cd "$cache" && npm ci --no-audit --no-fund --loglevel=error >npm.log 2>&1) || skip "cannot install Prism (see $cache/npm.log)"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/frontdesk-prism-md.XXXXXX")
prism_pid=
cleanup() {
  [ -n "$prism_pid" ] && kill "$prism_pid" 2>/dev/null && wait "$prism_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

python3 "$PATCH" "$SPEC" "$work/mastodon.json" || exit 1
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

"$cache/node_modules/.bin/prism" mock -d -h 127.0.0.1 -p "$port" "$work/mastodon.json" >"$work/prism.log" 2>&1 &
prism_pid=$!
up=0
for _ in $(seq 1 120); do
  if grep -q "Prism is listening" "$work/prism.log"; then up=1; break; fi
  kill -0 "$prism_pid" 2>/dev/null || break
  sleep 0.5
done
if [ $up = 0 ]; then
  cat "$work/prism.log" >&2
  skip "Prism did not start"
fi

"$@" "$program" --prism "http://127.0.0.1:$port"
status=$?

echo "--- Prism log" >&2
cat "$work/prism.log" >&2
if grep -q "Violation: request" "$work/prism.log"; then
  echo "FAIL: Prism saw requests that violate Mastodon's API description" >&2
  exit 1
fi
[ $status = 0 ] || { echo "FAIL: the provider's calls failed against Prism" >&2; exit 1; }
echo "ok: apps, token, verify_credentials, instance, notifications, context, statuses, favourite valid against Mastodon's API description"
