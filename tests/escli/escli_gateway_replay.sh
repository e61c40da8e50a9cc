#!/usr/bin/env bash
# escli -R through a gateway (docs/gateway.md, "Replay"): escli reaches the gateway through a
# socat relay that the test stops and starts again; the events fired at the upstream meanwhile
# are shown after the reconnection, once, and escli says how many it replayed.
# Usage: escli_gateway_replay.sh <escli> <eventswitch>
set -uo pipefail

ESCLI=$1
DAEMON=$2
WORK=$(mktemp -d "${TMPDIR:-/tmp}/escli-gw.XXXXXX")
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null; done
  rm -rf "$WORK"
}
trap cleanup EXIT
source "$(dirname "${BASH_SOURCE[0]}")/../lib/checks.sh"
command -v socat >/dev/null || { echo "SKIP: socat not installed"; exit 77; }

# start_daemon NAME ARGS...: sets PORT from its "listening" line.
start_daemon() {
  local name=$1
  shift
  "$DAEMON" --listen-ip 127.0.0.1 --listen-port 0 --no-color --heartbeat-interval 3600 "$@" \
    2>"$WORK/$name.log" >/dev/null &
  PIDS+=($!)
  PORT=
  for _ in $(seq 100); do
    PORT=$(sed -n 's/.*event socket listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$WORK/$name.log" | head -1)
    [[ -n $PORT ]] && return 0
    sleep 0.1
  done
  echo "FAIL: $name did not start" >&2
  cat "$WORK/$name.log" >&2
  exit 1
}
wait_for() {  # wait_for FILE PATTERN
  for _ in $(seq 100); do
    grep -q -- "$2" "$1" 2>/dev/null && return 0
    sleep 0.05
  done
  return 1
}

start_daemon upstream
UPSTREAM=$PORT
start_daemon gateway --upstream "fs1=127.0.0.1:$UPSTREAM"
GATEWAY=$PORT
wait_for "$WORK/gateway.log" "upstream fs1 (127.0.0.1:$UPSTREAM) up" || fail "gateway not up"
RELAY=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
start_relay() {  # one connection, no fork: killing it cuts escli's connection
  socat "TCP-LISTEN:$RELAY,bind=127.0.0.1,reuseaddr" "TCP:127.0.0.1:$GATEWAY" 2>/dev/null &
  RELAY_PID=$!
  PIDS+=("$RELAY_PID")
  for _ in $(seq 100); do
    ss -ltn 2>/dev/null | grep -q "127.0.0.1:$RELAY " && return 0
    sleep 0.05
  done
}
fire() {  # fire MARKER: a CUSTOM event fired at the upstream directly
  exec 5<>"/dev/tcp/127.0.0.1/$UPSTREAM"
  printf 'auth ClueCon\n\nsendevent CUSTOM\nEvent-Subclass: gw::escli\nMarker: %s\n\nexit\n\n' "$1" >&5
  timeout 2 cat <&5 >/dev/null
  exec 5>&-
}

start_relay
mkfifo "$WORK/stdin"
"$ESCLI" -H 127.0.0.1 -P "$RELAY" -p ClueCon -b -q -R <"$WORK/stdin" >"$WORK/out" 2>"$WORK/err" &
ESCLI_PID=$!
PIDS+=("$ESCLI_PID")
exec 3>"$WORK/stdin"
echo "/event plain CUSTOM gw::escli" >&3
echo "echo subscribed-check" >&3
wait_for "$WORK/out" subscribed-check || fail "escli did not start" "$WORK/err"
fire before-cut
wait_for "$WORK/out" "before-cut" || fail "no event before the cut" "$WORK/out"

kill "$RELAY_PID"
wait "$RELAY_PID" 2>/dev/null
wait_for "$WORK/err" "reconnecting" || fail "escli did not notice the cut" "$WORK/err"
fire while-away-1
fire while-away-2
start_relay
wait_for "$WORK/err" "reconnected" || fail "escli did not reconnect" "$WORK/err"
wait_for "$WORK/out" "while-away-2" || fail "the missed events were not shown" "$WORK/out"
if grep -Eq "replayed [1-9][0-9]* missed event\(s\)(, [0-9]+ lost)?$" "$WORK/err"; then
  pass "escli -R reports the replay: $(grep replayed "$WORK/err")"
else
  fail "no replay report" "$WORK/err"
fi
for marker in before-cut while-away-1 while-away-2; do
  count=$(grep -c -- "$marker" "$WORK/out")
  if [[ $count -eq 1 ]]; then
    pass "$marker shown once"
  else
    fail "$marker shown $count times" "$WORK/out"
  fi
done
exec 3>&-
exit $((failures > 0))
