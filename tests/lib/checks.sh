# Sourced by the shell tests: `pass TEXT` prints a passed check; `fail TEXT [LOG]` counts a
# failed one and prints it (with LOG's lines indented below, when given); `failures` holds the
# count for the script's exit status. `remove_work_and_daemon`, the usual EXIT trap, stops the
# daemon whose id is in DAEMON_PID (when set) and removes the scratch directory WORK.
# shellcheck shell=bash
failures=0
fail() {
  echo "FAIL: $1" >&2
  [[ -n ${2:-} && -f $2 ]] && sed 's/^/  | /' "$2" >&2
  failures=$((failures + 1))
}
pass() { echo "ok: $*"; }
remove_work_and_daemon() {
  [[ -n ${DAEMON_PID:-} ]] && kill "$DAEMON_PID" 2>/dev/null && wait "$DAEMON_PID" 2>/dev/null
  rm -rf "${WORK:?}"
}
