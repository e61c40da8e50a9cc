#!/usr/bin/env bash
# End-to-end test of escli against the eventswitch daemon on a free port:
#   one-shot -x commands (text and --json), a wrong password, an unreachable port, then an
#   interactive session in tmux (Tab completion, history recall, coloured log lines, history
#   file) and finally the notice when the daemon goes away.
# Usage: escli_e2e.sh <escli> <eventswitch>
set -uo pipefail

ESCLI=$1
DAEMON=$2
PASSWORD=e2e-secret
WORK=$(mktemp -d "${TMPDIR:-/tmp}/escli-e2e.XXXXXX")
TMUX_SOCKET=$WORK/tmux.sock
DAEMON_PID=

cleanup() {
  tmux -S "$TMUX_SOCKET" kill-server >/dev/null 2>&1
  remove_work_and_daemon
}
trap cleanup EXIT

source "$(dirname "${BASH_SOURCE[0]}")/../lib/checks.sh"

# --- the daemon on a free port (it reports the port it bound) ---------------------------------
"$DAEMON" --listen-ip 127.0.0.1 --listen-port 0 --password "$PASSWORD" --no-color \
  --heartbeat-interval 3600 2>"$WORK/daemon.log" >/dev/null &
DAEMON_PID=$!
PORT=
for _ in $(seq 100); do
  PORT=$(sed -n 's/.*event socket listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$WORK/daemon.log" | head -1)
  [[ -n $PORT ]] && break
  sleep 0.1
done
if [[ -z $PORT ]]; then
  echo "FAIL: the daemon did not start:" >&2
  cat "$WORK/daemon.log" >&2
  exit 1
fi

# escli never reads the tester's own ~/.escli.conf or history.
export HOME=$WORK/home
mkdir -p "$HOME"
CONNECT=(-H 127.0.0.1 -P "$PORT" -p "$PASSWORD")

# --- one-shot commands -------------------------------------------------------------------------
out=$("$ESCLI" "${CONNECT[@]}" -x status 2>"$WORK/err")
status=$?
if [[ $status -eq 0 && $out == UP\ * && $out == *"session(s)"* && ! -s $WORK/err ]]; then
  pass "-x status prints the status and exits 0"
else
  fail "-x status: exit $status, stdout [$out], stderr [$(cat "$WORK/err")]"
fi

out=$("$ESCLI" "${CONNECT[@]}" --json -x "echo one" -x "echo two" 2>&1)
status=$?
expected='{"command":"echo one","reply":"one"}
{"command":"echo two","reply":"two"}'
if [[ $status -eq 0 && $out == "$expected" ]]; then
  pass "--json with two -x prints one object per command"
else
  fail "--json -x: exit $status, output [$out]"
fi

# fs_cli's api form (console_execute: true): the switch runs the line as its console would, so
# ";;" separates two commands whose outputs follow each other.
out=$("$ESCLI" "${CONNECT[@]}" -x "echo first;;echo second" 2>&1)
if [[ $out == firstsecond ]]; then
  pass "-x 'echo first;;echo second' runs both commands (console_execute)"
else
  fail "console_execute: output [$out]"
fi

# -b --json: the reply of each command comes before the events it caused (its API event, the
# originated channel's CHANNEL_CREATE), as on the wire; the event of one command always arrives
# before the next command's reply, so only the last command's events may be cut off at the end.
{
  echo "/event json API CHANNEL_CREATE"
  echo "originate null/order-check &park"
  for i in $(seq 30); do echo "echo order-$i"; done
} | "$ESCLI" "${CONNECT[@]}" -b --json -q >"$WORK/order" 2>"$WORK/order-err"
order_ok=1
grep -n '"command":"originate null/order-check &park"' "$WORK/order" | head -1 | cut -d: -f1 >"$WORK/order-reply"
create_line=$(grep -n '"Event-Name":"CHANNEL_CREATE"' "$WORK/order" | head -1 | cut -d: -f1)
if [[ -z $(cat "$WORK/order-reply") || -z $create_line || $(cat "$WORK/order-reply") -gt $create_line ]]; then
  order_ok=0
fi
for i in $(seq 29); do
  reply_line=$(grep -n "\"command\":\"echo order-$i\"" "$WORK/order" | cut -d: -f1)
  event_line=$(grep -n "\"API-Command-Argument\":\"order-$i\"" "$WORK/order" | cut -d: -f1)
  if [[ -z $reply_line || -z $event_line || $reply_line -gt $event_line ]]; then
    order_ok=0
  fi
done
if ((order_ok)); then
  pass "-b --json prints each reply before the events its command caused"
else
  fail "-b --json order: [$(cut -c1-120 "$WORK/order")] stderr [$(cat "$WORK/order-err")]"
fi

# --- refusals: one line on stderr, non-zero exit ----------------------------------------------
out=$("$ESCLI" -H 127.0.0.1 -P "$PORT" -p wrong -x status 2>"$WORK/err")
status=$?
err=$(cat "$WORK/err")
if [[ $status -eq 2 && -z $out && $(wc -l <"$WORK/err") -eq 1 && $err == *"authentication failed"* ]]; then
  pass "a wrong password exits 2 with one line: $err"
else
  fail "wrong password: exit $status, stdout [$out], stderr [$err]"
fi

# A port nobody listens on: bind one, note it, let it go.
FREE_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null)
if [[ -n $FREE_PORT ]]; then
  out=$("$ESCLI" -H 127.0.0.1 -P "$FREE_PORT" -x status 2>"$WORK/err")
  status=$?
  err=$(cat "$WORK/err")
  if [[ $status -eq 1 && $(wc -l <"$WORK/err") -eq 1 && $err == *"cannot connect"* ]]; then
    pass "an unreachable port exits 1 with one line: $err"
  else
    fail "unreachable port: exit $status, stderr [$err]"
  fi
fi

# The server's ACL turns us away (a rude rejection): exit 2, one line.
mkdir -p "$WORK/acl-conf/autoload_configs"
cat >"$WORK/acl-conf/autoload_configs/event_socket.conf.xml" <<'XML'
<configuration name="event_socket.conf" description="Socket Client">
  <settings>
    <param name="password" value="ClueCon"/>
    <param name="apply-inbound-acl" value="192.0.2.0/24"/>
  </settings>
</configuration>
XML
"$DAEMON" --conf "$WORK/acl-conf" --listen-ip 127.0.0.1 --listen-port 0 --no-color \
  --heartbeat-interval 3600 2>"$WORK/acl-daemon.log" >/dev/null &
ACL_PID=$!
ACL_PORT=
for _ in $(seq 100); do
  ACL_PORT=$(sed -n 's/.*event socket listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$WORK/acl-daemon.log" | head -1)
  [[ -n $ACL_PORT ]] && break
  sleep 0.1
done
if [[ -n $ACL_PORT ]]; then
  out=$("$ESCLI" -H 127.0.0.1 -P "$ACL_PORT" -x status 2>"$WORK/err")
  status=$?
  err=$(cat "$WORK/err")
  if [[ $status -eq 2 && $(wc -l <"$WORK/err") -eq 1 && $err == *"access denied"* ]]; then
    pass "an ACL rejection exits 2 with one line: $err"
  else
    fail "ACL rejection: exit $status, stdout [$out], stderr [$err]"
  fi
else
  fail "the daemon with an ACL did not start: $(cat "$WORK/acl-daemon.log")"
fi
kill "$ACL_PID" 2>/dev/null
wait "$ACL_PID" 2>/dev/null

# --- interactive session in tmux ---------------------------------------------------------------
if ! command -v tmux >/dev/null 2>&1; then
  echo "tmux is not installed: the interactive half is skipped" >&2
  exit $((failures ? 1 : 77))
fi

tmux_cmd() { tmux -S "$TMUX_SOCKET" "$@"; }
pane() { tmux_cmd capture-pane -p -t escli "$@"; }
# Waits (up to 5 s) until the pane's text matches the extended regex $1.
wait_for() {
  for _ in $(seq 100); do
    pane | grep -Eq -- "$1" && return 0
    sleep 0.05
  done
  return 1
}
last_prompt_line() { pane | grep 'freeswitch@' | tail -1; }

printf -v escli_command '%q ' "$ESCLI" "${CONNECT[@]}"
tmux_cmd -f /dev/null new-session -d -s escli -x 200 -y 50 \
  "env HOME=$HOME TERM=screen $escli_command; echo escli-exited-\$?; sleep 30"
if ! wait_for 'freeswitch@[^ ]+> ?$'; then
  fail "no prompt in tmux:"
  pane >&2
  exit 1
fi
pass "prompt: $(last_prompt_line)"

tmux_cmd send-keys -t escli 'sho' Tab
if wait_for '\[ +show\]' && wait_for 'freeswitch@[^ ]+> show ?$'; then
  pass "Tab on 'sho' lists and completes 'show'"
else
  fail "Tab completion of 'sho':"
  pane >&2
fi
# Later words come from console_complete too: show's sub-commands, the live uuids after uuid_*.
tmux_cmd send-keys -t escli C-u 'show chan' Tab
if wait_for 'freeswitch@[^ ]+> show channels ?$'; then
  pass "Tab on 'show chan' completes 'show channels'"
else
  fail "Tab completion of 'show chan':"
  pane >&2
fi
order_uuid=$(sed -n 's/.*"reply":"+OK \([0-9a-f-]\{36\}\).*/\1/p' "$WORK/order" | head -1)
tmux_cmd send-keys -t escli C-u 'uuid_kill ' Tab
if [[ -n $order_uuid ]] && wait_for "\\[$order_uuid\\]"; then
  pass "Tab after 'uuid_kill ' lists the live channel $order_uuid"
else
  fail "Tab after 'uuid_kill ' (uuid [$order_uuid]):"
  pane >&2
fi
tmux_cmd send-keys -t escli C-u '/noe' Tab
if wait_for 'freeswitch@[^ ]+> /noevents ?$'; then
  pass "Tab on '/noe' completes the slash command '/noevents'"
else
  fail "Tab completion of '/noe':"
  pane >&2
fi
tmux_cmd send-keys -t escli C-u 'echo history-check' Enter
wait_for '^history-check$' || fail "echo history-check printed nothing"
tmux_cmd send-keys -t escli Up
if wait_for 'freeswitch@[^ ]+> echo history-check$'; then
  pass "Up recalls the last command"
else
  fail "Up did not recall 'echo history-check':"
  pane >&2
fi
tmux_cmd send-keys -t escli C-u 'log ERR red-line-check' Enter
tmux_cmd send-keys -t escli 'log DEBUG yellow-line-check' Enter
if wait_for 'yellow-line-check' && wait_for 'red-line-check'; then
  coloured=$(pane -e)
  if grep -q $'\033\\[31m.*red-line-check' <<<"$coloured" &&
    grep -q $'\033\\[33m.*yellow-line-check' <<<"$coloured"; then
    pass "log lines are coloured by level (ERR red, DEBUG yellow)"
  else
    fail "log lines are not coloured:"
    printf '%q\n' "$coloured" >&2
  fi
else
  fail "log lines did not appear:"
  pane >&2
fi
tmux_cmd send-keys -t escli C-u F2
if wait_for 'freeswitch@[^ ]+> status$' && wait_for '^UP [0-9]+ years'; then
  pass "F2 runs its macro (status)"
else
  fail "F2 did not run status:"
  pane >&2
fi
tmux_cmd send-keys -t escli '/exit' Enter
if wait_for 'escli-exited-0'; then
  pass "/exit leaves with status 0"
else
  fail "/exit did not end escli with 0:"
  pane >&2
fi
if grep -q 'history-check' "$HOME/.escli_history" 2>/dev/null; then
  pass "history saved to ~/.escli_history"
else
  fail "~/.escli_history lacks the typed command"
fi
tmux_cmd kill-session -t escli >/dev/null 2>&1

# --- the daemon goes away: a one-line notice and exit 1 ----------------------------------------
# A second escli with -R stays and connects again when the daemon is back on its port; the
# client library restores its /event subscription (API events), so the API event of a command
# typed after the reconnection is shown.
mkfifo "$WORK/stdin" "$WORK/stdin-reconnect"
"$ESCLI" "${CONNECT[@]}" -b -q <"$WORK/stdin" >"$WORK/out" 2>"$WORK/err" &
ESCLI_PID=$!
exec 3>"$WORK/stdin"
"$ESCLI" "${CONNECT[@]}" -b -q -R <"$WORK/stdin-reconnect" >"$WORK/out-reconnect" \
  2>"$WORK/err-reconnect" 3>&- &
RECONNECT_PID=$!
exec 4>"$WORK/stdin-reconnect"
echo "echo connected-check" >&3
echo "/event plain API" >&4
echo "echo connected-check" >&4
for _ in $(seq 100); do
  grep -q connected-check "$WORK/out" && grep -q connected-check "$WORK/out-reconnect" && break
  sleep 0.05
done
kill "$DAEMON_PID"
wait "$DAEMON_PID" 2>/dev/null
DAEMON_PID=
for _ in $(seq 100); do
  kill -0 "$ESCLI_PID" 2>/dev/null || break
  sleep 0.05
done
if kill -0 "$ESCLI_PID" 2>/dev/null; then
  kill "$ESCLI_PID"
  fail "escli kept running after the daemon went away"
fi
wait "$ESCLI_PID"
status=$?
exec 3>&-
err=$(cat "$WORK/err")
if [[ $status -eq 1 && $(wc -l <"$WORK/err") -eq 1 && $err == "escli: disconnected from 127.0.0.1:$PORT"* ]]; then
  pass "losing the daemon: exit 1 with one line: $err"
else
  fail "daemon gone: exit $status, stderr [$err]"
fi

"$DAEMON" --listen-ip 127.0.0.1 --listen-port "$PORT" --password "$PASSWORD" --no-color \
  --heartbeat-interval 3600 2>"$WORK/daemon2.log" >/dev/null 3>&- 4>&- &
DAEMON_PID=$!
for _ in $(seq 100); do
  grep -q "reconnected to 127.0.0.1:$PORT" "$WORK/err-reconnect" && break
  sleep 0.05
done
echo "echo after-reconnect" >&4
for _ in $(seq 100); do
  grep -Eq 'API-Command-Argument: +after-reconnect' "$WORK/out-reconnect" && break
  sleep 0.05
done
exec 4>&-
for _ in $(seq 100); do
  kill -0 "$RECONNECT_PID" 2>/dev/null || break
  sleep 0.05
done
kill "$RECONNECT_PID" 2>/dev/null && fail "escli -R did not end at the end of its input"
wait "$RECONNECT_PID"
status=$?
if [[ $status -eq 0 ]] && grep -q '^after-reconnect$' "$WORK/out-reconnect" &&
  grep -Eq 'API-Command-Argument: +after-reconnect' "$WORK/out-reconnect" &&
  grep -q "escli: disconnected from 127.0.0.1:$PORT" "$WORK/err-reconnect" &&
  grep -q "escli: reconnecting to 127.0.0.1:$PORT (once a second, 120 attempts)" \
    "$WORK/err-reconnect" &&
  grep -Eq "escli: reconnected to 127.0.0.1:$PORT \(attempt [0-9]+\)" "$WORK/err-reconnect"; then
  pass "-R connects again when the daemon is back, restores /event and carries on"
else
  fail "-R: exit $status, stdout [$(cat "$WORK/out-reconnect")], stderr [$(cat "$WORK/err-reconnect")]"
fi

if ((failures)); then
  echo "$failures check(s) failed" >&2
  exit 1
fi
echo "all escli end-to-end checks passed"
