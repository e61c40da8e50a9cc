#!/usr/bin/env bash
# Runs one example program against a fresh eventswitch daemon and checks what it prints.
#
#   examples_test.sh dialer|event_logger|outbound_ivr EXAMPLES_BINARY_DIR DAEMON
set -uo pipefail
name=$1
bin=$2
daemon_binary=$3
source "$(dirname "$0")/daemon.sh"
start_daemon "$daemon_binary"

# expect FILE TEXT...: every TEXT occurs in FILE.
expect() {
  local file=$1
  shift
  for text in "$@"; do
    grep -qF -- "$text" "$file" || fail "$(basename "$file") lacks \"$text\"" "$file"
  done
}

test_dialer() {
  # loopback/9998 answers, plays a one-second tone and hangs up by itself.
  "$bin/dialer" --port "$daemon_port" --dial loopback/9998 --timeout 20 >"$work/tone.out" 2>&1
  status=$?
  [[ $status == 0 ]] || fail "dialer loopback/9998 exited with $status" "$work/tone.out"
  expect "$work/tone.out" "originate: +OK " "CHANNEL_CREATE" "CHANNEL_ANSWER" \
    "CHANNEL_EXECUTE          CS_EXECUTE park" "CHANNEL_HANGUP_COMPLETE  CS_REPORTING" \
    "to loopback/9998 answered after" "cause NORMAL_CLEARING"
  # The B-leg's tone lasts a second: the A-leg talked about that long.
  talked=$(sed -n 's/.*talked \([0-9.]*\) s.*/\1/p' "$work/tone.out")
  awk -v t="$talked" 'BEGIN { exit !(t >= 0.9 && t < 5) }' ||
    fail "talk time $talked s is not about one second" "$work/tone.out"

  # loopback/9999 parks: the dialer hangs up itself.
  "$bin/dialer" --port "$daemon_port" --dial loopback/9999 --hangup-after 0.3 --timeout 20 \
    >"$work/park.out" 2>&1
  status=$?
  [[ $status == 0 ]] || fail "dialer loopback/9999 exited with $status" "$work/park.out"
  expect "$work/park.out" "hanging up: +OK" "CHANNEL_HANGUP_COMPLETE" "to loopback/9999 answered"

  # A refused call: originate fails, the dialer says why and exits with 1.
  "$bin/dialer" --port "$daemon_port" --dial null/cause-USER_BUSY >"$work/busy.out" 2>&1
  status=$?
  [[ $status == 1 ]] || fail "dialer null/cause-USER_BUSY exited with $status" "$work/busy.out"
  expect "$work/busy.out" "originate: -ERR USER_BUSY"
}

test_event_logger() {
  # Three loggers at once: plain events printed as lines, plain and JSON events as JSON lines.
  local runs=("plain line" "plain json" "json json")
  local pids=()
  for run in "${runs[@]}"; do
    read -r format output <<<"$run"
    "$bin/event_logger" --port "$daemon_port" --format "$format" --output "$output" \
      --events "CUSTOM example::logger" --count 2 --seconds 20 \
      >"$work/$format-$output.out" 2>"$work/$format-$output.err" &
    pids+=($!)
  done
  for run in "${runs[@]}"; do
    read -r format output <<<"$run"
    wait_for_text "$work/$format-$output.err" "subscribed to CUSTOM example::logger ($format)" 10 ||
      fail "logger $run did not subscribe" "$work/$format-$output.err"
  done
  # Values with characters that plain events URL-encode and JSON escapes.
  fire_custom_event "$daemon_port" example::logger 'X-Greeting: hello "world" & 100% \ done' \
    'X-Sequence: 1'
  fire_custom_event "$daemon_port" example::logger 'X-Greeting: second' 'X-Sequence: 2'
  for i in "${!runs[@]}"; do
    wait "${pids[$i]}"
    status=$?
    read -r format output <<<"${runs[$i]}"
    [[ $status == 0 ]] || fail "logger ${runs[$i]} exited with $status" \
      "$work/$format-$output.out" "$work/$format-$output.err"
    lines=$(wc -l <"$work/$format-$output.out")
    [[ $lines == 2 ]] || fail "logger ${runs[$i]} printed $lines lines" "$work/$format-$output.out"
  done
  expect "$work/plain-line.out" " CUSTOM Event-Subclass=example::logger"
  for file in "$work/plain-json.out" "$work/json-json.out"; do
    expect "$file" '{"Event-Subclass":"example::logger",' '"Event-Name":"CUSTOM"' \
      '"X-Greeting":"hello \"world\" & 100% \\ done","X-Sequence":"1"' \
      '"X-Greeting":"second","X-Sequence":"2"'
  done
}

test_outbound_ivr() {
  # The IVR takes one call; the caller is a sim/ leg whose far end keys 4, 2, # after the
  # answer and that runs the socket application towards the IVR.
  "$bin/outbound_ivr" --port 0 --calls 1 >"$work/ivr.out" 2>&1 &
  ivr_pid=$!
  wait_for_text "$work/ivr.out" "listening on 127.0.0.1:" 10 || fail "no listening line" "$work/ivr.out"
  ivr_port=$(grep -o 'listening on 127\.0\.0\.1:[0-9]*' "$work/ivr.out" | sed 's/.*://')
  exec 3<>"/dev/tcp/127.0.0.1/$daemon_port"
  printf "auth ClueCon\n\napi originate {^^:sim_dtmf=4@1500,2@1600,#@1700}sim/ivr 'socket:127.0.0.1:%s async full' inline\n\nexit\n\n" \
    "$ivr_port" >&3
  timeout 5 cat <&3 >"$work/originate.out"
  exec 3<&-
  expect "$work/originate.out" "+OK "
  timeout 20 tail --pid="$ivr_pid" -f /dev/null
  wait "$ivr_pid"
  status=$?
  [[ $status == 0 ]] || fail "outbound_ivr exited with $status" "$work/ivr.out"
  expect "$work/ivr.out" "caller entered 42" "hangup: +OK" "ended, cause NORMAL_CLEARING"
  # The log application put the result into the switch's log too.
  expect "$work/daemon.log" "outbound_ivr: caller entered 42"
}

"test_$name"
echo "PASS: $name"
