#!/usr/bin/env bash
# Checks that po/POTFILES.in names every file under src/ and data/ with translatable strings,
# names no file that is missing, and is sorted. A string in a file that POTFILES.in forgets is
# never offered to translators, and a missing file makes xgettext (the -pot target) fail.
#
# Usage: check-potfiles.sh [SOURCE_ROOT]   (meson test potfiles runs it)
# A file that matches below but has nothing to translate can be listed in po/POTFILES.skip.
set -eu

root=${1:-$(dirname "$0")/..}
cd "$root"
export LC_ALL=C

potfiles=po/POTFILES.in
skipfiles=po/POTFILES.skip
if [ ! -f "$potfiles" ]; then
  echo "FAIL: $potfiles does not exist" >&2
  exit 1
fi

# The entries: no comments, no blank lines, no surrounding spaces.
listed() {
  sed -e 's/#.*//' -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' -e '/^$/d' "$1"
}

# C: _() N_() C_() NC_() Q_() and the plural and context helpers; GtkBuilder: translatable="yes".
c_pattern='(^|[^A-Za-z0-9_])(_|N_|C_|NC_|Q_|g_dgettext|g_dngettext|g_dpgettext2?|g_dcgettext|ngettext)[[:space:]]*\('
ui_pattern='translatable=["'\''](yes|true|1)["'\'']'

needs_translation() {
  case "$1" in
    *.c|*.h)
      grep -Eq "$c_pattern" "$1" ;;
    *.ui)
      grep -Eq "$ui_pattern" "$1" ;;
    *.desktop.in|*.desktop.in.in|*.metainfo.xml.in|*.metainfo.xml.in.in|*.gschema.xml)
      return 0 ;;
    *)
      return 1 ;;
  esac
}

status=0
list=$(listed "$potfiles")
skip=
if [ -f "$skipfiles" ]; then
  skip=$(listed "$skipfiles")
fi

# 1. Every listed file exists.
while IFS= read -r f; do
  [ -n "$f" ] || continue
  if [ ! -f "$f" ]; then
    echo "FAIL: $potfiles lists $f, which does not exist: remove the line" >&2
    status=1
  fi
done <<EOF
$list
EOF

# 2. Sorted, without duplicates, so that merges stay simple.
if ! printf '%s\n' "$list" | sort -c -u 2>/dev/null; then
  echo "FAIL: $potfiles is not sorted (LC_ALL=C) or has a duplicate; sorted it reads:" >&2
  printf '%s\n' "$list" | sort -u | sed 's/^/  /' >&2
  status=1
fi

# 3. Every file with translatable strings is listed.
checked=0
while IFS= read -r f; do
  [ -n "$f" ] || continue
  checked=$((checked + 1))
  needs_translation "$f" || continue
  if printf '%s\n' "$list" "$skip" | grep -Fxq -- "$f"; then
    continue
  fi
  echo "FAIL: $f has translatable strings but is not in $potfiles: add the line \"$f\"" >&2
  status=1
done <<EOF
$(find src data -type f 2>/dev/null | sort)
EOF

if [ "$status" -eq 0 ]; then
  echo "ok: $potfiles lists $(printf '%s\n' "$list" | grep -c .) files; $checked files under src/ and data/ checked"
fi
exit "$status"
