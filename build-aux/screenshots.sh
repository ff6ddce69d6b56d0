#!/usr/bin/env bash
# Takes the screenshots in data/screenshots/ (README, metainfo) from a realistic inbox: the
# synthetic data of bench/frontdesk-fill and the example canned responses, driven from the
# keyboard with xdotool. Runs in the headless wrapper, like the tests:
#
#   build-aux/headless-run.sh build-aux/screenshots.sh [BUILD_DIR]
#
# Needs imagemagick, xdotool, xcompmgr and fonts-noto-color-emoji: build-aux/install-deps.sh --screenshots
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$(cd "${1:-$top/_build}" && pwd)
out="$top/data/screenshots"
work=$(mktemp -d)
trap 'kill "${app:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT

mkdir -p "$out"
"$build/bench/frontdesk-fill" -d "$work/inbox.db" -n 150 -s 7 \
  --canned "$top/data/examples/canned-responses.json" >/dev/null 2>&1

# The agent, and a desk that keeps no hours (so the badges show every state on any day).
export GSETTINGS_BACKEND=keyfile
export GSETTINGS_SCHEMA_DIR="$build/data"
mkdir -p "$XDG_CONFIG_HOME/glib-2.0/settings"
cat >"$XDG_CONFIG_HOME/glib-2.0/settings/keyfile" <<'EOF'
[org/frontdesk/Frontdesk]
agent-name='Maja Jurić'
agent-initials='MJ'
sla-policy='{"business-hours": false, "out-of-hours-target-seconds": 864000, "due-soon-margin-seconds": 172800}'
EOF
export FRONTDESK_NO_SYNC=1 GTK_A11Y=none

# A compositing manager, so popovers get their rounded, shadowed look instead of black corners.
if command -v xcompmgr >/dev/null; then
  xcompmgr &
  compositor=$!
  trap 'kill "${app:-0}" "$compositor" 2>/dev/null || true; rm -rf "$work"' EXIT
fi

start() {
  "$build/src/frontdesk" --database "$work/inbox.db" &
  app=$!
  win=$(xdotool search --sync --onlyvisible --pid "$app" | head -n1)
  xdotool windowsize "$win" 1200 760 windowmove "$win" 0 0 windowfocus --sync "$win"
  sleep 2
}

stop() {
  kill "$app"
  wait "$app" 2>/dev/null || true
}

# The newest visible window of the app, cropped from the screen (popovers are windows of
# their own under X11, so a window's own capture would miss them).
shot() {
  local name=$1 w=${2:-} geometry x y width height
  w=${w:-$(xdotool search --onlyvisible --pid "$app" | tail -n1)}
  geometry=$(xdotool getwindowgeometry --shell "$w")
  eval "$geometry"
  x=$X y=$Y width=$WIDTH height=$HEIGHT
  sleep 1
  import -window root -crop "${width}x${height}+${x}+${y}" +repage "$out/$name.png"
  echo "data/screenshots/$name.png: ${width}x${height}"
}

key() {
  xdotool key --clearmodifiers "$@"
  sleep 1
}

# Light: the longest-waiting customer, with the thread and the composer
start
key ctrl+j
shot main "$win"

# The composer with the canned-response picker open
key ctrl+r
xdotool type --delay 150 "/tra"
sleep 1
shot composer "$win"
key Escape
key ctrl+a BackSpace

# The canned responses library, and the preferences
key ctrl+shift+l
library=$(xdotool search --sync --onlyvisible --name "Canned Responses" | head -n1)
xdotool windowsize "$library" 900 620 windowmove "$library" 0 0 windowfocus --sync "$library"
sleep 1
key ctrl+f
xdotool type --delay 100 "tracking"
key Return
shot canned-library "$library"
key Escape
xdotool windowfocus --sync "$win"
key ctrl+comma
prefs=$(xdotool search --sync --onlyvisible --name "Preferences" | head -n1)
xdotool windowsize "$prefs" 720 640 windowmove "$prefs" 0 0 windowfocus --sync "$prefs"
key ctrl+Page_Down
shot preferences "$prefs"
stop

# Dark
ADW_DEBUG_COLOR_SCHEME=prefer-dark start
key ctrl+j
shot main-dark "$win"
stop
