#!/usr/bin/env bash
# Runs the npm-client interop tests against an eventswitch binary.
# Usage: tests/interop/run.sh <path-to-eventswitch> [extra node --test arguments]
set -euo pipefail

if [[ $# -lt 1 ]]; then
  echo "usage: $0 <path-to-eventswitch> [node --test args...]" >&2
  exit 2
fi
daemon=$(realpath "$1")
shift
if [[ ! -x "$daemon" ]]; then
  echo "run.sh: $daemon is not an executable" >&2
  exit 2
fi

cd "$(dirname "${BASH_SOURCE[0]}")"

# npm ci writes node_modules/.package-lock.json; reinstall when it is missing or older than the
# committed lock file.
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci --no-audit --no-fund
fi

export EVENTSWITCH_BIN="$daemon"
exec node --test --test-reporter=spec "$@" ./*.test.mjs
