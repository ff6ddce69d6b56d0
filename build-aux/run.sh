#!/usr/bin/env bash
# Sets up what is missing on a Debian 12 machine, builds Frontdesk and launches it.
# Extra arguments go to frontdesk (e.g. --database PATH).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash build-aux/install-deps.sh

if [ ! -f _build/build.ninja ]; then
  meson setup _build --prefix="$PWD/_install" -Dprofile=development >/dev/null
fi
meson install -C _build --quiet >/dev/null

export XDG_DATA_DIRS="$PWD/_install/share:${XDG_DATA_DIRS:-/usr/local/share:/usr/share}"
export GSETTINGS_SCHEMA_DIR="$PWD/_install/share/glib-2.0/schemas"
exec "$PWD/_install/bin/frontdesk" "$@"
