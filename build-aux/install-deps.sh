#!/usr/bin/env bash
# Installs the Debian 12 packages Frontdesk needs to build (and, with --test, to run its tests;
# with --screenshots, to take data/screenshots/ with build-aux/screenshots.sh).
# Idempotent: does nothing when every package is already present.
set -euo pipefail

build_pkgs=(gcc libc6-dev pkg-config meson ninja-build gettext libglib2.0-dev-bin libglib2.0-bin
            libgtk-4-dev libadwaita-1-dev libsoup-3.0-dev libjson-glib-dev libsecret-1-dev
            libsqlite3-dev sqlite3 desktop-file-utils appstream)
test_pkgs=(xvfb xauth dbus-daemon dbus-bin dbus-user-session gnome-keyring libsecret-tools
           python3 imagemagick flatpak-builder xdotool)
# build-aux/screenshots.sh: keyboard driving, a compositor for popovers, colour emoji
shot_pkgs=(xvfb xauth dbus-daemon dbus-bin dbus-user-session gnome-keyring imagemagick xdotool
           xcompmgr fonts-noto-color-emoji)

want=("${build_pkgs[@]}")
if [ "${1:-}" = "--test" ]; then
  want+=("${test_pkgs[@]}")
elif [ "${1:-}" = "--screenshots" ]; then
  want+=("${shot_pkgs[@]}")
fi

missing=()
for p in "${want[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi

echo "Installing: ${missing[*]}" >&2
SUDO=
if [ "$(id -u)" != 0 ]; then
  SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
