#!/bin/sh
# Create .venv (when missing) from the pinned versions, install Wirelab into it, and keep it in step.
#
#   scripts/bootstrap.sh run|test|package
#
# Reuses .venv when it is already there; reinstalls only when pyproject.toml or the pins changed
# (a stamp file inside .venv remembers what was installed). The editable install is in "compat" mode
# (a plain path entry): setuptools' default import hook adds ~25 ms to every start of `wirelab`.
set -eu

profile=${1:-run}
cd "$(dirname "$0")/.."

case "$profile" in
  run) extras=""; sysprofile=run ;;
  test) extras="[test]"; sysprofile=test ;;
  bench) extras="[test]"; sysprofile=bench ;;
  package) extras="[test,package]"; sysprofile=test ;;
  *) echo "usage: $0 run|test|bench|package" >&2; exit 2 ;;
esac

sh scripts/system-deps.sh "$sysprofile"

pick_python() {
  if [ -n "${PYTHON:-}" ]; then echo "$PYTHON"; return; fi
  for candidate in python3.11 python3.12 python3.13 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      echo "$candidate"; return
    fi
  done
  echo "bootstrap: Wirelab needs Python 3.11 or newer; none was found on PATH." >&2
  echo "bootstrap: on Debian/Ubuntu: sudo apt-get install -y python3 python3-venv" >&2
  exit 1
}

if [ ! -x .venv/bin/python ]; then
  python=$(pick_python)
  echo "bootstrap: creating .venv with $($python --version 2>&1)"
  if ! "$python" -m venv .venv 2>/dev/null; then
    rm -rf .venv
    venv_pkg="python3-venv"
    minor=$("$python" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
    if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
      DEBIAN_FRONTEND=noninteractive apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "python$minor-venv" >/dev/null 2>&1 ||
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$venv_pkg" >/dev/null
      "$python" -m venv .venv
    else
      echo "bootstrap: this Python cannot create virtual environments. Install venv support with:" >&2
      echo "    sudo apt-get install -y python$minor-venv" >&2
      exit 1
    fi
  fi
fi

stamp=".venv/.wirelab-$profile"
want=$(cat pyproject.toml requirements/constraints.txt | .venv/bin/python -c 'import hashlib,sys; print(hashlib.sha256(sys.stdin.buffer.read()).hexdigest())')
if [ "$(cat "$stamp" 2>/dev/null || true)" != "$want" ]; then
  echo "bootstrap: installing Wirelab$extras and its pinned dependencies into .venv"
  PIP_CONSTRAINT="$(pwd)/requirements/constraints.txt" \
    .venv/bin/python -m pip install --disable-pip-version-check --quiet --quiet \
      --constraint requirements/constraints.txt --config-settings editable_mode=compat --editable ".$extras"
  echo "$want" > "$stamp"
fi
