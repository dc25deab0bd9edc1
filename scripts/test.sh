#!/bin/sh
# Run the whole test suite from .venv (scripts/bootstrap.sh test sets it up).
# Extra arguments go to pytest, e.g.  sh scripts/test.sh tests/core -k echo
set -eu
cd "$(dirname "$0")/.."
export QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}"
# Keep the user's real settings and downloads out of the tests.
export WIRELAB_TESTING=1
status=0
.venv/bin/python -m pytest "$@" || status=$?
if [ "$status" = "5" ]; then
  echo "test: no tests were collected; that is a failure, not a pass." >&2
  exit 1
fi
exit "$status"
