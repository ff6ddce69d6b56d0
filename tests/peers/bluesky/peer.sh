#!/usr/bin/env bash
# Start/stop a local Bluesky network (PLC, PDS, AppView, bsync, ozone from @atproto/dev-env)
# with its own throw-away postgres and redis, everything on 127.0.0.1.
#
#   FRONTDESK_PEER_DIR=/tmp/x peer.sh start   -> prints the PDS URL on stdout when ready
#   FRONTDESK_PEER_DIR=/tmp/x peer.sh stop    -> stops what `start` started in that dir
#   FRONTDESK_PEER_DIR=/tmp/x peer.sh status
#
# Without FRONTDESK_PEER_DIR, start makes a mktemp dir and says so on stderr; stop needs it.
# Run dir contents: network.pid redis.pid postgres.pid, network.json (URLs, DIDs), env (shell
# assignments: FRONTDESK_PDS_URL=...), *.log. State is fresh at each start: postgres and redis
# data are created anew and deleted at stop.
# Ports: PLC 2582, PDS 2583, AppView 2584, ozone 2587 (override with FRONTDESK_PDS_PORT:
# PLC = PDS-1, AppView = PDS+1, ozone = PDS+4); postgres and redis take free random ports.
# Also starts fake-chat.mjs on FRONTDESK_CHAT_PORT (default 2590, 0 = any) unless
# FRONTDESK_PEER_CHAT=0; the PDS proxies chat.bsky.* calls (atproto-proxy header) to it.
# Needs ./setup.sh to have run.
set -euo pipefail
. "$(dirname "$0")/common.sh"

PG_BIN=/usr/lib/postgresql/15/bin
PDS_PORT=${FRONTDESK_PDS_PORT:-2583}
PLC_PORT=$((PDS_PORT - 1)) BSKY_PORT=$((PDS_PORT + 1)) OZONE_PORT=$((PDS_PORT + 4))
START_TIMEOUT=${FRONTDESK_PEER_START_TIMEOUT:-180}
WITH_CHAT=${FRONTDESK_PEER_CHAT:-1}
CHAT_PORT=${FRONTDESK_CHAT_PORT:-2590}

as_pg() { # postgres refuses to run as root
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# stop_pid NAME PATTERN: TERM the process of NAME.pid (then its process group), KILL after a while
stop_pid() {
  local name=$1 pat=$2 pid i
  [ -f "$DIR/$name.pid" ] || return 0
  pid=$(cat "$DIR/$name.pid")
  if bsky_alive "$pid" "$pat"; then
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 100); do bsky_alive "$pid" || break; sleep 0.1; done
    if bsky_alive "$pid" "$pat"; then
      bsky_log "$name ($pid) did not stop on TERM: killing its process group"
      kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
      for i in $(seq 1 50); do bsky_alive "$pid" || break; sleep 0.1; done
    fi
  fi
  # leftovers of the group that setsid gave it (none expected: dev-env runs in-process)
  if [ "$pid" -gt 1 ] && pgrep -g "$pid" >/dev/null 2>&1; then kill -KILL -- "-$pid" 2>/dev/null || true; fi
  rm -f "$DIR/$name.pid"
}

do_stop() {
  [ -d "$DIR" ] || return 0
  stop_pid fake-chat fake-chat.mjs
  stop_pid network network.mjs
  stop_pid redis redis-server
  if [ -f "$DIR/postgres.pid" ]; then
    if bsky_alive "$(cat "$DIR/postgres.pid")" postgres && [ -d "$DIR/pgdata" ]; then
      as_pg "$PG_BIN/pg_ctl" -D "$DIR/pgdata" -m fast -w -t 30 stop >/dev/null 2>&1 || true
    fi
    stop_pid postgres postgres
  fi
  rm -rf "$DIR/pgdata" "$DIR/pgrun" "$DIR/redis" "$DIR/network.json" "$DIR/env" "$DIR/chat-url"
}

do_start() {
  mkdir -p "$DIR"
  if [ ! -x "$BSKY_NODE" ] || [ ! -d "$BSKY_PEER_HOME/node_modules/@atproto/dev-env" ]; then
    bsky_log "not installed: run $BSKY_PEER_HOME/setup.sh first"; exit 1
  fi
  do_stop # a previous run in the same dir: state must be fresh
  local ports=("$PLC_PORT" "$PDS_PORT" "$BSKY_PORT" "$OZONE_PORT")
  [ "$WITH_CHAT" = 0 ] || [ "$CHAT_PORT" = 0 ] || ports+=("$CHAT_PORT")
  for p in "${ports[@]}"; do
    if bsky_port_in_use "$p"; then
      bsky_log "port $p on 127.0.0.1 is already in use (another peer running? set FRONTDESK_PDS_PORT)"
      exit 1
    fi
  done
  chmod 711 "$DIR" # postgres (another user when we are root) must reach its data dir

  # postgres: a fresh cluster, TCP on loopback only, its socket in the run dir
  local pg_port redis_port i
  pg_port=$(bsky_free_port)
  mkdir -p "$DIR/pgdata" "$DIR/pgrun"
  : >"$DIR/postgres.log"
  [ "$(id -u)" != 0 ] || chown postgres:postgres "$DIR/pgdata" "$DIR/pgrun" "$DIR/postgres.log"
  as_pg "$PG_BIN/initdb" -D "$DIR/pgdata" -U pg --auth=trust -E UTF8 --no-sync >"$DIR/initdb.log" 2>&1 ||
    { cat "$DIR/initdb.log" >&2; exit 1; }
  as_pg "$PG_BIN/pg_ctl" -D "$DIR/pgdata" -w -t 60 -l "$DIR/postgres.log" \
    -o "-c listen_addresses=127.0.0.1 -p $pg_port -k $DIR/pgrun -c fsync=off -c full_page_writes=off -c synchronous_commit=off" \
    start >/dev/null || { cat "$DIR/postgres.log" >&2; do_stop; exit 1; }
  head -n1 "$DIR/pgdata/postmaster.pid" >"$DIR/postgres.pid"

  # redis: no persistence, loopback only
  redis_port=$(bsky_free_port)
  mkdir -p "$DIR/redis"
  redis-server --bind 127.0.0.1 --port "$redis_port" --save '' --appendonly no \
    --dir "$DIR/redis" --protected-mode yes --daemonize yes --pidfile "$DIR/redis.pid" \
    --logfile "$DIR/redis.log" </dev/null >/dev/null
  for i in $(seq 1 50); do [ -s "$DIR/redis.pid" ] && bsky_port_in_use "$redis_port" && break; sleep 0.1; done
  bsky_port_in_use "$redis_port" || { cat "$DIR/redis.log" >&2; do_stop; exit 1; }

  # the fake chat service, started now to load in parallel with the network; the PDS proxies
  # chat.bsky.* calls to the URL it writes to $DIR/chat-url
  if [ "$WITH_CHAT" != 0 ]; then
    rm -f "$DIR/fake-chat.pid" "$DIR/chat-url"
    (cd "$BSKY_PEER_HOME" && FAKE_CHAT_PID_FILE="$DIR/fake-chat.pid" \
      exec setsid -w "$BSKY_NODE" "$BSKY_PEER_HOME/fake-chat.mjs" --peer-dir "$DIR" --port "$CHAT_PORT" \
      --pds "http://127.0.0.1:$PDS_PORT" --plc "http://localhost:$PLC_PORT" \
      >"$DIR/fake-chat.log" 2>&1 </dev/null) &
    echo $! >"$DIR/fake-chat.pid" # fake-chat rewrites it with its own pid (same unless setsid forked)
  fi

  # the network itself
  rm -f "$DIR/network.json"
  (cd "$BSKY_PEER_HOME" &&
    DB_POSTGRES_URL="postgresql://pg@127.0.0.1:$pg_port/postgres" \
    REDIS_HOST="127.0.0.1:$redis_port" \
    PLC_PORT=$PLC_PORT PDS_PORT=$PDS_PORT BSKY_PORT=$BSKY_PORT OZONE_PORT=$OZONE_PORT \
    READY_FILE="$DIR/network.json" CHAT_URL_FILE="$DIR/chat-url" LOG_ENABLED=${FRONTDESK_PEER_DEBUG:-false} \
    exec setsid -w "$BSKY_NODE" "$BSKY_PEER_HOME/network.mjs" >"$DIR/network.log" 2>&1 </dev/null) &
  echo $! >"$DIR/network.pid"
  local pid
  pid=$(cat "$DIR/network.pid")
  for i in $(seq 1 $((START_TIMEOUT * 10))); do
    [ -f "$DIR/network.json" ] && break
    bsky_alive "$pid" || break
    sleep 0.1
  done
  if [ ! -f "$DIR/network.json" ]; then
    bsky_log "the network did not start (log: $DIR/network.log):"
    tail -n 40 "$DIR/network.log" >&2
    do_stop
    exit 1
  fi
  # setsid may have forked: record the pid of node itself
  bsky_json_get "$DIR/network.json" pid >"$DIR/network.pid"
  local pds chat_url=
  pds=$(bsky_json_get "$DIR/network.json" pds)
  if [ "$WITH_CHAT" != 0 ]; then
    for _ in $(seq 1 300); do [ -s "$DIR/chat-url" ] && break; sleep 0.1; done
    if [ ! -s "$DIR/chat-url" ]; then
      bsky_log "fake-chat did not start:"; cat "$DIR/fake-chat.log" >&2; do_stop; exit 1
    fi
    chat_url=$(cat "$DIR/chat-url")
  fi

  cat >"$DIR/env" <<EOF
FRONTDESK_PDS_URL=$pds
FRONTDESK_PEER_DIR=$DIR
FRONTDESK_PLC_URL=$(bsky_json_get "$DIR/network.json" plc)
FRONTDESK_CHAT_URL=$chat_url
FRONTDESK_LEXICONS=$FRONTDESK_LEXICONS
FRONTDESK_PEER_POSTGRES_PORT=$pg_port
FRONTDESK_PEER_REDIS_PORT=$redis_port
EOF
  bsky_log "ready in $(bsky_json_get "$DIR/network.json" ready_ms) ms; run dir $DIR"
  echo "$pds"
}

do_status() {
  local ok=0 n name pat
  for n in network:network.mjs fake-chat:fake-chat.mjs redis:redis-server postgres:postgres; do
    name=${n%%:*} pat=${n#*:}
    if [ -f "$DIR/$name.pid" ] && bsky_alive "$(cat "$DIR/$name.pid")" "$pat"; then
      echo "$name: running ($(cat "$DIR/$name.pid"))"
    elif [ "$name" = fake-chat ] && [ ! -f "$DIR/$name.pid" ]; then
      echo "$name: not started"
    else
      echo "$name: stopped"; ok=1
    fi
  done
  [ ! -f "$DIR/env" ] || cat "$DIR/env"
  return $ok
}

cmd=${1:-}
case "$cmd" in
start)
  if [ -z "${FRONTDESK_PEER_DIR:-}" ]; then
    DIR=$(mktemp -d "${TMPDIR:-/tmp}/frontdesk-bsky.XXXXXX")
    bsky_log "FRONTDESK_PEER_DIR=$DIR (pass it to 'stop')"
  else
    DIR=$FRONTDESK_PEER_DIR
  fi
  do_start ;;
stop|status)
  [ -n "${FRONTDESK_PEER_DIR:-}" ] || { bsky_log "set FRONTDESK_PEER_DIR to the run dir of 'start'"; exit 2; }
  DIR=$FRONTDESK_PEER_DIR
  "do_$cmd" ;;
*)
  echo "usage: FRONTDESK_PEER_DIR=DIR $0 start|stop|status" >&2; exit 2 ;;
esac
