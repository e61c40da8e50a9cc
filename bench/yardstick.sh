#!/usr/bin/env bash
# Measures eventswitch against the yardstick of the shared tools, in one run: limit-probe (the
# simplest server that can answer esl-load: each event frame built once, the same bytes written
# to every subscriber; `api` answered with one fixed reply) and esl-load (the load client).
# Both are built from ../shared/tools into BUILD_DIR/yardstick when missing or older than
# their source. For every scenario it runs the probe first, then eventswitch, and prints one
# JSON line with both figures, their ratio and both p99 latencies. Progress goes to stderr.
#
#   bench/yardstick.sh --daemon PATH [--build-dir DIR] [--only fanout|api] [--quick]
#
# Scenarios: fanout with 100, 10 and 1 subscribers (plain, 180,000 events, esl-load's
# default window of 64) and api with 1 and 50 connections (`version`).
# Environment: ES_TOOLS (default: ../shared/tools beside the repository),
#   ES_DAEMON_ARGS (extra daemon arguments), ES_PROBE_ARGS (extra limit-probe arguments).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
tools=${ES_TOOLS:-$(cd "$repo/.." && pwd)/shared/tools}
daemon=""
build_dir=$repo/build
only=""
quick=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --daemon) daemon=$2; shift ;;
    --build-dir) build_dir=$2; shift ;;
    --only) only=$2; shift ;;
    --quick) quick=1 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "yardstick.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
daemon=${daemon:-$build_dir/src/apps/eventswitch}
if [[ ! -x "$daemon" ]]; then
  echo "yardstick.sh: no daemon at $daemon" >&2
  exit 2
fi
if [[ ! -f "$tools/limit-probe/limit-probe.cpp" || ! -f "$tools/esl-load/esl-load.cpp" ]]; then
  echo "yardstick.sh: the shared tools are not at $tools (set ES_TOOLS): skipped" >&2
  exit 0
fi

out=$build_dir/yardstick
mkdir -p "$out"
# build NAME SOURCE FLAGS...: compiled as the tools' own READMEs say, when out of date.
build() {
  local name=$1 source=$2
  shift 2
  if [[ ! -x "$out/$name" || "$source" -nt "$out/$name" ]]; then
    echo "yardstick.sh: building $name" >&2
    g++ -O2 -std=c++17 "$@" -o "$out/$name" "$source"
  fi
}
build limit-probe "$tools/limit-probe/limit-probe.cpp" -pthread
build esl-load "$tools/esl-load/esl-load.cpp" -Wall
probe=$out/limit-probe
load=$out/esl-load

work=$(mktemp -d /tmp/es-yardstick.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# A loopback port nothing listens on (a connection to it is refused).
free_port() {
  local port
  for _ in $(seq 1 100); do
    port=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  return 1
}

# wait_listening PORT PID: until the port accepts connections (or the process died).
wait_listening() {
  for _ in $(seq 1 200); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    kill -0 "$2" 2>/dev/null || break
    sleep 0.05
  done
  echo "yardstick.sh: nothing listening on port $1" >&2
  return 1
}

probe_port=$(free_port)
# shellcheck disable=SC2086 # ES_PROBE_ARGS is a word list on purpose
"$probe" "$probe_port" ${ES_PROBE_ARGS:-} 2>"$work/probe.log" &
pids+=($!)
wait_listening "$probe_port" "$!"
es_port=$(free_port)
# shellcheck disable=SC2086 # ES_DAEMON_ARGS is a word list on purpose
"$daemon" --no-color --log-level NOTICE --listen-port "$es_port" --password ClueCon \
  ${ES_DAEMON_ARGS:-} 2>"$work/daemon.log" >/dev/null &
pids+=($!)
wait_listening "$es_port" "$!"

# field NAME JSON: a number from esl-load's one-line JSON.
field() { sed -n "s/.*\"$1\":\([0-9.]*\).*/\1/p" <<<"$2"; }

failed=0
# compare LABEL RATE-FIELD P99-FIELD ESL-LOAD-ARGS...: the probe, then eventswitch.
compare() {
  local label=$1 rate=$2 p99=$3
  shift 3
  echo "yardstick.sh: $label" >&2
  local probe_json es_json
  probe_json=$("$load" "$@" --port "$probe_port" --quiet --label "$label-probe") || failed=1
  es_json=$("$load" "$@" --port "$es_port" --quiet --label "$label-eventswitch") || failed=1
  local probe_rate es_rate probe_p99 es_p99
  probe_rate=$(field "$rate" "$probe_json")
  es_rate=$(field "$rate" "$es_json")
  probe_p99=$(field "$p99" "$probe_json")
  es_p99=$(field "$p99" "$es_json")
  awk -v label="$label" -v pr="${probe_rate:-0}" -v er="${es_rate:-0}" \
      -v pp="${probe_p99:-0}" -v ep="${es_p99:-0}" -v unit="$rate" 'BEGIN {
    ratio = pr > 0 ? er / pr : 0
    printf "{\"scenario\":\"yardstick\",\"label\":\"%s\",\"unit\":\"%s\",\"eventswitch\":%.0f,", label, unit, er
    printf "\"probe\":%.0f,\"ratio\":%.3f,\"eventswitch_p99_us\":%.0f,\"probe_p99_us\":%.0f}\n", pr, ratio, ep, pp
  }'
}

events=180000
((quick)) && events=20000
if [[ -z "$only" || "$only" == fanout ]]; then
  for subscribers in 100 10 1; do
    compare "fanout-plain-$subscribers" events_per_s delivery_latency_p99_us \
      fanout --subs "$subscribers" --events "$events" --format plain
  done
fi
if [[ -z "$only" || "$only" == api ]]; then
  compare api-1 requests_per_s latency_p99_us api --conns 1 --requests "$((quick ? 10000 : 100000))" \
    --cmd version
  compare api-50 requests_per_s latency_p99_us api --conns 50 --requests "$((quick ? 400 : 4000))" \
    --cmd version
fi
exit "$failed"
