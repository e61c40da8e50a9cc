# Shell helpers for tests that run programs against a real eventswitch daemon (sourced).
#
#   source daemon.sh
#   start_daemon /path/to/eventswitch [extra daemon arguments...]   # sets daemon_pid, daemon_port
#   wait_for_text FILE TEXT SECONDS                                  # 0 once FILE contains TEXT
#   fire_custom_event PORT SUBCLASS "Header: value"...               # sendevent CUSTOM
#
# The daemon listens on 127.0.0.1 with --listen-port 0 (the kernel picks a free port, which the
# daemon's "event socket listening on" log line names), so tests can run in parallel. It and
# the scratch directory $work are removed when the script exits.

work=$(mktemp -d "${TMPDIR:-/tmp}/es-example-test.XXXXXX")
daemon_pid=""
daemon_port=""

cleanup_daemon() {
  if [[ -n "$daemon_pid" ]] && kill -0 "$daemon_pid" 2>/dev/null; then
    kill "$daemon_pid" 2>/dev/null
    wait "$daemon_pid" 2>/dev/null
  fi
  rm -rf "$work"
}
trap cleanup_daemon EXIT

wait_for_text() {
  local file=$1 text=$2 seconds=$3
  local tries=$((seconds * 20))
  for ((i = 0; i < tries; i++)); do
    if grep -qF -- "$text" "$file" 2>/dev/null; then return 0; fi
    sleep 0.05
  done
  return 1
}

start_daemon() {
  local binary=$1
  shift
  "$binary" --listen-ip 127.0.0.1 --listen-port 0 --no-color --heartbeat-interval 3600 "$@" \
    2>"$work/daemon.log" >/dev/null &
  daemon_pid=$!
  if ! wait_for_text "$work/daemon.log" "event socket listening on 127.0.0.1:" 10; then
    echo "the daemon did not start; its log:" >&2
    cat "$work/daemon.log" >&2
    exit 1
  fi
  daemon_port=$(grep -o 'listening on 127\.0\.0\.1:[0-9]*' "$work/daemon.log" | head -1 |
                sed 's/.*://')
}

# Sends "sendevent CUSTOM" with Event-Subclass SUBCLASS and the given header lines over a plain
# TCP connection (bash's /dev/tcp), then "exit", and waits for the server to close.
fire_custom_event() {
  local port=$1 subclass=$2
  shift 2
  local packet="sendevent CUSTOM"$'\n'"Event-Subclass: $subclass"$'\n'
  for header in "$@"; do packet+="$header"$'\n'; done
  exec 3<>"/dev/tcp/127.0.0.1/$port"
  printf 'auth ClueCon\n\n%s\nexit\n\n' "$packet" >&3
  timeout 5 cat <&3 >/dev/null
  exec 3<&-
}

# fail MESSAGE: prints MESSAGE and the files named after it, then exits 1.
fail() {
  echo "FAIL: $1" >&2
  shift
  for file in "$@"; do
    echo "--- $file" >&2
    cat "$file" >&2
  done
  exit 1
}
