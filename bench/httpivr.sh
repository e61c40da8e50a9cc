#!/usr/bin/env bash
# httpivr under load: the daemon, httpivr, and httpivr_load (the webhook, answering at once, and
# the caller: N sim/ calls at the same time). Prints httpivr_load's JSON line.
#
#   bench/httpivr.sh [--build-dir build] [--calls 500] [--steps 10] [--hold 5]
#
# Build: cmake -S . -B build -DES_BUILD_BENCH=ON && cmake --build build --target eventswitch httpivr httpivr_load
set -u
build=build calls=500 steps=10 hold=5
while (($#)); do
  case $1 in
    --build-dir) build=$2; shift 2 ;;
    --calls) calls=$2; shift 2 ;;
    --steps) steps=$2; shift 2 ;;
    --hold) hold=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 64 ;;
  esac
done
ulimit -n "$(ulimit -Hn)"
work=$(mktemp -d "${TMPDIR:-/tmp}/httpivr-bench.XXXXXX")
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

"$build/src/apps/eventswitch" --listen-ip 127.0.0.1 --listen-port 0 --no-color \
  --heartbeat-interval 3600 2>"$work/daemon.log" >/dev/null &
pids+=($!)
for _ in $(seq 200); do grep -q "listening on 127.0.0.1:" "$work/daemon.log" && break; sleep 0.05; done
port=$(grep -o 'listening on 127\.0\.0\.1:[0-9]*' "$work/daemon.log" | head -1 | sed 's/.*://')
web_port=$(free_port)
ivr_port=$(free_port)
"$build/src/apps/httpivr" --listen "127.0.0.1:$ivr_port" --url "http://127.0.0.1:$web_port/start" \
  --status-url "http://127.0.0.1:$web_port/status" --secret bench --record-dir "$work" \
  2>"$work/httpivr.log" &
ivr_pid=$!
pids+=($ivr_pid)
for _ in $(seq 200); do grep -q "listening on" "$work/httpivr.log" && break; sleep 0.05; done
echo "daemon :$port, httpivr :$ivr_port (pid $ivr_pid), webhook :$web_port; $calls calls" >&2
"$build/bench/httpivr_load" --port "$port" --httpivr-port "$ivr_port" --httpivr-pid "$ivr_pid" \
  --web-port "$web_port" --calls "$calls" --steps "$steps" --hold "$hold"
status=$?
echo "httpivr: $(grep -c ' ended (' "$work/httpivr.log") calls ended, $(grep -c ' -> [^2]' "$work/httpivr.log") failed requests; last: $(grep ' ended (' "$work/httpivr.log" | tail -1)" >&2
exit $status
