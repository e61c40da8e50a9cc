# Sourced by the shell tests: `pass TEXT` prints a passed check; `fail TEXT [LOG]` counts a
# failed one and prints it (with LOG's lines indented below, when given); `failures` holds the
# count for the script's exit status.
# shellcheck shell=bash
failures=0
fail() {
  echo "FAIL: $1" >&2
  [[ -n ${2:-} && -f $2 ]] && sed 's/^/  | /' "$2" >&2
  failures=$((failures + 1))
}
pass() { echo "ok: $*"; }
