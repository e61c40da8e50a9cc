#!/usr/bin/env bash
# escli in scripts: --strict makes -x, and commands piped to standard input, stop at the first
# reply that starts with -ERR or -USAGE and exit 4; without --strict the old behaviour (exit 0).
# The daemon is found through --port-file, as a CI harness would.
# Usage: escli_strict_test.sh <escli> <eventswitch>
set -uo pipefail

ESCLI=$1
DAEMON=$2
WORK=$(mktemp -d "${TMPDIR:-/tmp}/escli-strict.XXXXXX")
DAEMON_PID=
source "$(dirname "${BASH_SOURCE[0]}")/../lib/checks.sh"
trap remove_work_and_daemon EXIT

"$DAEMON" --listen-ip 127.0.0.1 --listen-port 0 --port-file "$WORK/port" --no-color \
  --heartbeat-interval 3600 2>"$WORK/daemon.log" >/dev/null &
DAEMON_PID=$!
for _ in $(seq 100); do
  [[ -s $WORK/port ]] && break
  sleep 0.1
done
if [[ ! -s $WORK/port ]]; then
  echo "FAIL: no port file; the daemon said:" >&2
  cat "$WORK/daemon.log" >&2
  exit 1
fi
PORT=$(<"$WORK/port")
export HOME=$WORK/home
mkdir -p "$HOME"
ESCLI_AT=("$ESCLI" -H 127.0.0.1 -P "$PORT" -p ClueCon -Q)

# check NAME EXPECTED_STATUS STDOUT_MUST_CONTAIN STDOUT_MUST_NOT_CONTAIN -- command...
# (the command's stdin is $WORK/stdin)
check() {
  local name=$1 want=$2 has=$3 lacks=$4
  shift 5
  local out status
  out=$("$@" <"$WORK/stdin" 2>"$WORK/err")
  status=$?
  if [[ $status -ne $want ]]; then
    fail "$name: exit $status (want $want), stdout [$out], stderr [$(cat "$WORK/err")]"
  elif [[ -n $has && $out != *"$has"* ]]; then
    fail "$name: stdout [$out] lacks [$has]"
  elif [[ -n $lacks && $out == *"$lacks"* ]]; then
    fail "$name: stdout [$out] has [$lacks]"
  else
    pass "$name"
  fi
}

: >"$WORK/stdin"
check "--strict -x bogus exits 4 and prints the reply" 4 "-ERR bogus Command not found" "" -- \
  "${ESCLI_AT[@]}" --strict -x bogus
check "-x bogus without --strict still exits 0" 0 "-ERR bogus" "" -- "${ESCLI_AT[@]}" -x bogus
check "--strict -x with good commands exits 0" 0 "UP " "" -- \
  "${ESCLI_AT[@]}" --strict -x status -x "echo fine"
check "--strict stops at the first failure" 4 "first" "never" -- \
  "${ESCLI_AT[@]}" --strict -x "echo first" -x bogus -x "echo never"
check "--strict counts -USAGE as a failure" 4 "-USAGE" "" -- \
  "${ESCLI_AT[@]}" --strict -x uuid_kill

printf 'echo one\necho two\n' >"$WORK/stdin"
check "commands from stdin, one per line" 0 $'one\ntwo' "" -- "${ESCLI_AT[@]}" -q --strict
printf 'echo one\nbogus\necho three\n' >"$WORK/stdin"
check "--strict stops reading stdin at a failed command" 4 "-ERR bogus" "three" -- \
  "${ESCLI_AT[@]}" -q --strict
check "stdin without --strict runs every line" 0 "three" "" -- "${ESCLI_AT[@]}" -q
printf '/nosuchcommand\necho after\n' >"$WORK/stdin"
check "--strict: an unknown slash command fails" 4 "" "after" -- "${ESCLI_AT[@]}" -q --strict
printf '/event plain CHANNEL_CREATE\n/nixevent\necho after\n' >"$WORK/stdin"
check "--strict: a slash command's usage error fails" 4 "" "after" -- "${ESCLI_AT[@]}" -q --strict

if ((failures)); then
  echo "$failures failure(s)" >&2
  exit 1
fi
echo "all escli --strict checks passed"
