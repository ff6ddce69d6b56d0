#!/usr/bin/env bash
# Run one command against a fresh local Bluesky network, e.g. from meson:
#   test('bluesky-sync', find_program('peers/bluesky/with-peer.sh'), args: [test_exe], is_parallel: false)
#
#   with-peer.sh [--no-seed] [--] COMMAND [ARGS…]
#
# setup (exit 77 = skip when offline), start (network + fake chat), seed, then runs COMMAND with:
#   FRONTDESK_PDS_URL     http://127.0.0.1:2583
#   FRONTDESK_CHAT_URL    the fake chat service (admin endpoints; chat calls go through the PDS)
#   FRONTDESK_PLC_URL     FRONTDESK_PEER_DIR   FRONTDESK_LEXICONS
#   FRONTDESK_SEED_JSON   what seed.mjs created (absent with --no-seed)
#   FRONTDESK_PEER_NODE   the Node 22 binary, FRONTDESK_PEER_SEED  seed.mjs: a test can run
#                         "$FRONTDESK_PEER_NODE" "$FRONTDESK_PEER_SEED" add-mention --count 50
# Exit status: COMMAND's; 1 when the fake chat recorded a lexicon violation; always stops the peer.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/common.sh"

seed=1
while [ $# -gt 0 ]; do
  case "$1" in
  --no-seed) seed=0; shift ;;
  --) shift; break ;;
  *) break ;;
  esac
done
[ $# -gt 0 ] || { echo "usage: $0 [--no-seed] [--] COMMAND [ARGS…]" >&2; exit 2; }

"$HERE/setup.sh" || exit $?

own=
if [ -z "${FRONTDESK_PEER_DIR:-}" ]; then
  own=$(mktemp -d "${TMPDIR:-/tmp}/frontdesk-bsky.XXXXXX")
  export FRONTDESK_PEER_DIR=$own
fi
status=1
cleanup() {
  "$HERE/peer.sh" stop >/dev/null 2>&1
  if [ "$status" = 0 ] && [ -n "$own" ]; then rm -rf "$own"; else bsky_log "logs kept in $FRONTDESK_PEER_DIR"; fi
}
trap cleanup EXIT

"$HERE/peer.sh" start >/dev/null || exit 1
set -a
. "$FRONTDESK_PEER_DIR/env"
set +a
export FRONTDESK_PEER_NODE=$BSKY_NODE FRONTDESK_PEER_SEED=$HERE/seed.mjs
if [ $seed = 1 ]; then
  "$BSKY_NODE" "$HERE/seed.mjs" --out "$FRONTDESK_PEER_DIR/seed.json" >/dev/null || exit 1
  export FRONTDESK_SEED_JSON=$FRONTDESK_PEER_DIR/seed.json
fi

"$@"
status=$?

if [ -n "${FRONTDESK_CHAT_URL:-}" ]; then
  v=$("$BSKY_NODE" -e '
    fetch(process.argv[1] + "/_violations").then((r) => r.json()).then((d) => {
      for (const v of d.violations) console.error(`fake-chat violation: ${v.kind} ${v.nsid || ""}: ${v.message}`)
      console.log(d.count)
    }, (e) => { console.error(e.message); console.log(-1) })' "$FRONTDESK_CHAT_URL")
  if [ "$v" != 0 ]; then
    bsky_log "the fake chat service recorded $v violation(s)"
    [ "$status" != 0 ] || status=1
  fi
fi
exit $status
