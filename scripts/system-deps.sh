#!/bin/sh
# Install (as root) or name (otherwise) the Debian/Ubuntu packages Wirelab needs.
#
#   scripts/system-deps.sh run     Qt's system libraries: enough to open the Wirelab window
#   scripts/system-deps.sh test    + Xvfb for real-window screenshots, nc/socat/ncat/curl/ip for interop tests
#   scripts/system-deps.sh bench   + wrk for the HTTP benchmarks
#
# Only missing packages are installed, so a second run costs a few milliseconds. On a machine without
# apt (macOS, Windows, other Linux), it prints what to look for and carries on.
set -eu

profile=${1:-run}

RUN_PKGS="libegl1 libgl1 libglib2.0-0 libfontconfig1 fontconfig fonts-dejavu-core libfreetype6 libdbus-1-3
libxkbcommon0 libxkbcommon-x11-0 libx11-6 libx11-xcb1 libxcb1 libxcb-cursor0 libxcb-icccm4 libxcb-image0
libxcb-keysyms1 libxcb-randr0 libxcb-render0 libxcb-render-util0 libxcb-shape0 libxcb-shm0 libxcb-sync1
libxcb-util1 libxcb-xfixes0 libxcb-xkb1 libwayland-client0 libwayland-cursor0 fonts-noto-color-emoji"
TEST_PKGS="xvfb xauth netcat-openbsd socat ncat curl iproute2"
BENCH_PKGS="wrk"

case "$profile" in
  run) want="$RUN_PKGS" ;;
  test) want="$RUN_PKGS $TEST_PKGS" ;;
  bench) want="$RUN_PKGS $TEST_PKGS $BENCH_PKGS" ;;
  *) echo "usage: $0 run|test|bench" >&2; exit 2 ;;
esac

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "system-deps: no apt on this machine; make sure Qt 6's usual libraries (OpenGL/EGL, fontconfig," \
       "xkbcommon, xcb) are installed." >&2
  exit 0
fi

missing=""
for pkg in $want; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
  [ "$status" = "installed" ] || missing="$missing $pkg"
done
[ -n "$missing" ] || exit 0

if [ "$(id -u)" = "0" ]; then
  echo "system-deps: installing$missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $missing >/dev/null
else
  echo "system-deps: these packages are missing:$missing" >&2
  echo "system-deps: install them with:" >&2
  echo "    sudo apt-get update && sudo apt-get install -y$missing" >&2
  if [ "$profile" = "run" ]; then
    echo "system-deps: trying to start anyway; the window may not open until they are installed." >&2
  else
    echo "system-deps: tests that need them are skipped with the reason." >&2
  fi
fi
