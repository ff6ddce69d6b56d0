#!/usr/bin/env bash
# Runs a command headless, the way every UI test and CI runs Frontdesk:
#   - a private Xvfb display (GDK_BACKEND=x11),
#   - a private D-Bus session bus (dbus-run-session),
#   - an unlocked throw-away gnome-keyring providing org.freedesktop.secrets,
#   - a private HOME and XDG directories, so nothing touches the user's files.
# It stops only the processes it started, and removes its directory.
#
# Usage: build-aux/headless-run.sh COMMAND [ARGS...]
set -euo pipefail

if [ "$#" -eq 0 ]; then
  echo "usage: $0 COMMAND [ARGS...]" >&2
  exit 2
fi

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

if [ "${FRONTDESK_HEADLESS_INNER:-}" = 1 ]; then
  # Inside the private bus: start the keyring, then run the command.
  keyring_pid=
  cleanup_inner() {
    if [ -n "$keyring_pid" ]; then
      kill "$keyring_pid" 2>/dev/null || true
      wait "$keyring_pid" 2>/dev/null || true
    fi
  }
  trap cleanup_inner EXIT

  dbus-update-activation-environment DISPLAY GDK_BACKEND HOME XDG_DATA_HOME XDG_CONFIG_HOME \
    XDG_CACHE_HOME XDG_RUNTIME_DIR >/dev/null 2>&1 || true

  # An unlocked "login" keyring with a throw-away password: storing into the default
  # collection would otherwise try to prompt, which hangs without a user.
  printf 'frontdesk-test' | gnome-keyring-daemon --foreground --unlock --components=secrets \
    >"$FRONTDESK_HEADLESS_DIR/keyring.log" 2>&1 &
  keyring_pid=$!

  for _ in $(seq 1 100); do
    if dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
         org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null \
         | grep -q 'boolean true'; then
      break
    fi
    sleep 0.05
  done

  set +e
  "$@"
  status=$?
  set -e
  exit "$status"
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/frontdesk-headless.XXXXXX")
xvfb_pid=

cleanup() {
  if [ -n "$xvfb_pid" ]; then
    kill "$xvfb_pid" 2>/dev/null || true
    wait "$xvfb_pid" 2>/dev/null || true
  fi
  rm -rf "$dir"
}
trap cleanup EXIT INT TERM

mkdir -p "$dir/home" "$dir/data" "$dir/config" "$dir/cache" "$dir/runtime"
chmod 700 "$dir/runtime"

# -displayfd: Xvfb picks a free display and tells us its number once it accepts clients.
exec 3<> "$dir/displayfd" || true
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp -noreset >"$dir/xvfb.log" 2>&1 &
xvfb_pid=$!
display=
for _ in $(seq 1 200); do
  display=$(tr -dc '0-9' < "$dir/displayfd" 2>/dev/null || true)
  [ -n "$display" ] && break
  if ! kill -0 "$xvfb_pid" 2>/dev/null; then
    echo "headless-run: Xvfb did not start:" >&2
    cat "$dir/xvfb.log" >&2
    exit 1
  fi
  sleep 0.05
done
exec 3>&-
if [ -z "$display" ]; then
  echo "headless-run: Xvfb did not report a display" >&2
  exit 1
fi

export DISPLAY=":$display"
export GDK_BACKEND=x11

# Xvfb starts with the pointer in the middle of the screen, over whatever window is there: GTK
# then arms tooltip timeouts, and GTK 4.8 may fire one on a surface a test has since destroyed
# (a critical). Windows here sit at 0,0 without a window manager: the bottom-right corner is
# out of their way. (screenshots.sh and tests that want the pointer move it themselves.)
if command -v xdotool >/dev/null; then
  xdotool mousemove 1279 799 || true
fi
export HOME="$dir/home"
export XDG_DATA_HOME="$dir/data"
export XDG_CONFIG_HOME="$dir/config"
export XDG_CACHE_HOME="$dir/cache"
export XDG_RUNTIME_DIR="$dir/runtime"
export GSETTINGS_BACKEND="${GSETTINGS_BACKEND:-memory}"
export GIO_USE_PROXY_RESOLVER=dummy
export NO_AT_BRIDGE="${NO_AT_BRIDGE:-1}"
export FRONTDESK_HEADLESS_DIR="$dir"
export FRONTDESK_HEADLESS_INNER=1
unset DBUS_SESSION_BUS_ADDRESS

set +e
dbus-run-session --dbus-daemon="$here/dbus-daemon-quiet.sh" -- "$here/headless-run.sh" "$@"
status=$?
set -e
exit "$status"
