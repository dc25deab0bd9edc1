#!/bin/sh
# Put Wirelab in this user's applications menu, with its icon. No administrator rights needed.
# Run it once from the unpacked Wirelab folder; run it again if you move the folder.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
app="$here/wirelab"
data=${XDG_DATA_HOME:-$HOME/.local/share}
if [ ! -x "$app" ]; then
  echo "The Wirelab program was not found next to this script ($app)." >&2
  echo "Run this script from inside the unpacked Wirelab folder." >&2
  exit 1
fi
mkdir -p "$data/applications" "$data/icons/hicolor/256x256/apps"
cp "$here/wirelab.png" "$data/icons/hicolor/256x256/apps/wirelab.png"
# Desktop-entry quoting: inside "..." escape " ` $ \ with a backslash and write % as %%; then, because the
# value is itself a string, every backslash is doubled once more.
quoted=$(printf '%s' "$app" | sed -e 's/[\\"`$]/\\&/g' -e 's/%/%%/g' -e 's/\\/\\\\/g')
{
  grep -v -e '^Exec=' -e '^TryExec=' "$here/wirelab.desktop"
  printf 'Exec="%s"\n' "$quoted"
  printf 'TryExec=%s\n' "$app"
} > "$data/applications/wirelab.desktop"
if command -v update-desktop-database >/dev/null 2>&1; then
  update-desktop-database "$data/applications" >/dev/null 2>&1 || true
fi
echo "Wirelab is now in your applications menu (it may take a few seconds to appear)."
