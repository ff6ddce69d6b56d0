#!/usr/bin/env bash
# Smoke test of the Bluesky test peer: setup, start/stop/start, seed, notifications, the fake
# chat service (through the PDS and directly), stop with nothing left behind.
# Last line: "bluesky-peer smoke: N passed, N failed" (exit 77 and "…, 1 skipped" when offline).
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/common.sh"

pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok   - $*"; }
ko() { fail=$((fail + 1)); echo "FAIL - $*"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else ko "$what"; fi; }
ms() { date +%s%3N; }
PY=python3; [ -x /usr/bin/python3 ] && PY=/usr/bin/python3  # the pyenv shim costs 0.4 s a call
json() { "$PY" -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

t=$(ms)
"$HERE/setup.sh"
rc=$?
if [ $rc = 77 ]; then echo "bluesky-peer smoke: 0 passed, 0 failed, 1 skipped"; exit 77; fi
[ $rc = 0 ] || { echo "bluesky-peer smoke: 0 passed, 1 failed"; exit 1; }
echo "# setup: $(($(ms) - t)) ms"

OWN_DIR=
[ -n "${FRONTDESK_PEER_DIR:-}" ] || OWN_DIR=$(mktemp -d "${TMPDIR:-/tmp}/frontdesk-bsky-smoke.XXXXXX")
export FRONTDESK_PEER_DIR=${FRONTDESK_PEER_DIR:-$OWN_DIR}
# stop whatever is left; keep the logs of a failed run, drop our own run dir otherwise
trap '"$HERE/peer.sh" stop >/dev/null 2>&1; [ -z "$OWN_DIR" ] || [ "$fail" != 0 ] || rm -rf "$OWN_DIR"' EXIT
PIDS=()

# ---- start, stop, start: nothing may survive a stop -------------------------------------------
t=$(ms)
PDS=$("$HERE/peer.sh" start)
check "first start prints the PDS URL ($PDS, $(($(ms) - t)) ms)" test "$PDS" = "http://127.0.0.1:${FRONTDESK_PDS_PORT:-2583}"
abort() { echo "bluesky-peer smoke: $pass passed, $((fail + 1)) failed (aborted: $*)"; exit 1; }
[ -n "$PDS" ] || abort "the peer did not start"
mapfile -t PIDS < <(cat "$FRONTDESK_PEER_DIR"/*.pid 2>/dev/null)
"$HERE/peer.sh" stop
gone() { local p; for p in "${PIDS[@]}"; do bsky_alive "$p" && return 1; done; ! bsky_port_in_use "${FRONTDESK_PDS_PORT:-2583}"; }
check "stop leaves no process and frees the PDS port" gone
t=$(ms)
PDS=$("$HERE/peer.sh" start)
START_MS=$(($(ms) - t))
check "second start ($START_MS ms)" test -n "$PDS"
[ -n "$PDS" ] || abort "the peer did not start again"
mapfile -t PIDS < <(cat "$FRONTDESK_PEER_DIR"/*.pid 2>/dev/null)
# shellcheck disable=SC1091
. "$FRONTDESK_PEER_DIR/env"
command -v ss >/dev/null 2>&1 && check "everything listens on 127.0.0.1 only" bash -c \
  "! ss -ltnp | grep -E 'pid=($(IFS='|'; echo "${PIDS[*]}"))[,)]' | awk '{print \$4}' | grep -vE '^127\.0\.0\.1:'"
RSS=$(ps -o rss= -p "$(cat "$FRONTDESK_PEER_DIR/network.pid")" | tr -d ' ')

# ---- seed ---------------------------------------------------------------------------------------
SEED=$FRONTDESK_PEER_DIR/seed.json
t=$(ms)
"$BSKY_NODE" "$HERE/seed.mjs" --pds "$PDS" --out "$SEED" >/dev/null || abort "seed.mjs failed"
ok "seed.mjs"
echo "# seed: $(($(ms) - t)) ms"
g() { json "$1" <"$SEED"; }
check "seed lists mention, reply and quote notifications" \
  test "$(g "' '.join(d['expectedReasons'])")" = "like mention quote reply"
check "seed has a 300-grapheme post" test "$(g "d['posts']['mention_300_graphemes']['graphemes']")" = 300

session() {
  curl -sf -H 'content-type: application/json' \
    -d "{\"identifier\":\"$(g "d['business']['handle']")\",\"password\":\"$1\"}" \
    "$PDS/xrpc/com.atproto.server.createSession" | json "d['accessJwt']"
}
JWT=$(session "$(g "d['business']['appPassword']")")
JWT_NODM=$(session "$(g "d['business']['appPasswordNoDm']")")
check "sessions from both app passwords" test -n "$JWT" -a -n "$JWT_NODM"

# every expected notification, read back independently of seed.mjs
all_notifs() {
  local c='' pages=() page
  while :; do
    page=$(curl -sf -H "Authorization: Bearer $JWT" \
      "$PDS/xrpc/app.bsky.notification.listNotifications?limit=100${c:+&cursor=$c}") || return 1
    pages+=("$page")
    c=$(echo "$page" | json "d.get('cursor','') if d['notifications'] else ''")
    [ -n "$c" ] || break
  done
  printf '%s\n' "${pages[@]}"
}
all_notifs >"$FRONTDESK_PEER_DIR/notifications.jsonl"
check "listNotifications has every expected (reason, uri)" "$PY" - "$SEED" "$FRONTDESK_PEER_DIR/notifications.jsonl" <<'PY'
import json, sys
seed = json.load(open(sys.argv[1]))
have = set()
for line in open(sys.argv[2]):
    if line.strip():
        have |= {(n["reason"], n["uri"]) for n in json.loads(line)["notifications"]}
missing = [e for e in seed["expectedNotifications"] if (e["reason"], e["uri"]) not in have]
for m in missing: print("missing:", m["reason"], m["uri"], file=sys.stderr)
sys.exit(1 if missing else 0)
PY

T301=$(g "json.dumps(d['texts']['graphemes301'])")
BIZ=$(g "d['business']['did']")
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $JWT" -H 'content-type: application/json' \
  -d "{\"repo\":\"$BIZ\",\"collection\":\"app.bsky.feed.post\",\"record\":{\"\$type\":\"app.bsky.feed.post\",\"text\":$T301,\"createdAt\":\"2026-01-01T00:00:00.000Z\"}}" \
  "$PDS/xrpc/com.atproto.repo.createRecord")
check "the PDS refuses a 301-grapheme post (HTTP $code)" test "$code" = 400

out=$("$BSKY_NODE" "$HERE/seed.mjs" add-mention --seed "$SEED" --count 3 --text 'order {i} ✅')
check "seed.mjs add-mention --count 3" test "$(echo "$out" | json "len(d['expectedNotifications'])")" = 3

# ---- fake chat ----------------------------------------------------------------------------------
CHAT=$FRONTDESK_CHAT_URL
H='atproto-proxy: did:web:api.bsky.chat#bsky_chat'
check "fake-chat is up ($CHAT)" curl -sf -o /dev/null "$CHAT/_info"
check "inject a customer DM" curl -sf -o /dev/null -H 'content-type: application/json' \
  -d '{"from":"alice.test","to":"shop-biz.test","text":"سلام! Is my parcel lost? 📦"}' "$CHAT/_inject"
R=$(curl -s -H "Authorization: Bearer $JWT" -H "$H" "$PDS/xrpc/chat.bsky.convo.listConvos")
check "valid request through the PDS: listConvos shows the DM, unread" \
  test "$(echo "$R" | json "d['convos'][0]['unreadCount']")" = 1
R=$(curl -s -H "Authorization: Bearer $JWT" -H "$H" "$CHAT/xrpc/chat.bsky.convo.listConvos")
check "valid request sent directly to the fake" test "$(echo "$R" | json "len(d['convos'])")" = 1
check "no violation so far" test "$(curl -s "$CHAT/_violations" | json "d['count']")" = 0
CONVO=$(echo "$R" | json "d['convos'][0]['id']")
R=$(curl -s -w '\n%{http_code}' -H "Authorization: Bearer $JWT" -H "$H" -H 'content-type: application/json' \
  -d "{\"convoId\":\"$CONVO\"}" "$PDS/xrpc/chat.bsky.convo.sendMessage")
check "invalid sendMessage (no message) answers 400 InvalidRequest" \
  test "$(echo "$R" | tail -n1) $(echo "$R" | head -n1 | json "d['error']")" = "400 InvalidRequest"
check "…and shows up in /_violations" test "$(curl -s "$CHAT/_violations" | json \
  "' '.join(v['kind']+':'+v['nsid'] for v in d['violations'])")" = "request:chat.bsky.convo.sendMessage"
R=$(curl -s -w '\n%{http_code}' -H "Authorization: Bearer $JWT_NODM" -H "$H" "$PDS/xrpc/chat.bsky.convo.listConvos")
check "non-privileged app password: the PDS answers 400 InvalidToken 'Bad token method'" \
  test "$(echo "$R" | tail -n1) $(echo "$R" | head -n1 | json "d['error']+' '+d['message']")" = "400 InvalidToken Bad token method"
curl -sf -o /dev/null -H 'content-type: application/json' -d '{"noDmAccess":true}' "$CHAT/_config"
R=$(curl -s -w '\n%{http_code}' -H "Authorization: Bearer $JWT" -H "$H" "$PDS/xrpc/chat.bsky.convo.listConvos")
check "noDmAccess switch gives the same answer" \
  test "$(echo "$R" | tail -n1) $(echo "$R" | head -n1 | json "d['error']+' '+d['message']")" = "400 InvalidToken Bad token method"

# ---- stop ---------------------------------------------------------------------------------------
"$HERE/peer.sh" stop
check "final stop leaves no process and frees the ports" gone
echo "# start: $START_MS ms; network RSS: $((RSS / 1024)) MB"
echo "bluesky-peer smoke: $pass passed, $fail failed"
[ $fail = 0 ] || echo "# logs: $FRONTDESK_PEER_DIR"
[ $fail = 0 ]
