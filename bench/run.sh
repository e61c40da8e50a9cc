#!/usr/bin/env bash
# Runs the benchmark scenarios against a fresh eventswitch daemon (and, for fan-out, against
# the baseline_fanout ceiling server) and prints one JSON line per scenario on stdout.
# Progress goes to stderr. See bench/README.md for what each figure means.
#
#   bench/run.sh [--quick] [--build-dir DIR] [--only NAME[,NAME...]]
#
# --quick runs a short version of every scenario (smoke check, a few seconds each).
# fanout and api also run bench/yardstick.sh: eventswitch beside the shared tools' limit-probe
# (driven by esl-load) in the same run, with their ratio.
# --only limits the run to some scenarios: fanout, latency, api, bgapi, churn, idle, hostile,
#        slow-consumer, startup, calls, concurrent-calls, outbound, gateway, soak.
# soak runs only when named: mixed traffic for ES_SOAK_SECONDS (default 3600; --quick: 60)
#   with the daemon's RSS, descriptors and threads sampled every ES_SOAK_INTERVAL seconds
#   (default 10; --quick: 2); its traffic's own lines go to ES_SOAK_DETAIL (default /dev/null).
# Environment: ES_DAEMON_ARGS (extra daemon arguments, e.g. "--threads 2"),
#   ES_DAEMON (daemon binary, default: <build dir>/src/apps/eventswitch),
#   ES_BASELINE_THREADS (baseline_fanout event loops, default: number of cores, as the daemon),
#   ES_LOAD_THREADS (es_load event loops, default 1),
#   ES_GOAL_ROUNDS (rounds of each goal pair: TLS beside plain fan-out, gateway beside direct;
#   default 3, --quick 1). Each goal prints {"scenario":"goal",...} with the median round.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
quick=0
build_dir=${BUILD_DIR:-}
only=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) quick=1 ;;
    --build-dir) build_dir=$2; shift ;;
    --only) only=$2; shift ;;
    -h|--help) sed -n '2,23p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done

if [[ -z "$build_dir" ]]; then
  for candidate in "$repo/build" "$repo/build-bench"; do
    if [[ -x "$candidate/bench/es_load" && -x "$candidate/src/apps/eventswitch" ]]; then
      build_dir=$candidate
      break
    fi
  done
fi
if [[ -z "$build_dir" ]]; then
  # Nothing built yet: a Release build with the benchmarks, beside the test build.
  build_dir=$repo/build-bench
  cmake -S "$repo" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DES_BUILD_BENCH=ON >&2
  cmake --build "$build_dir" --target es_load baseline_fanout eventswitch -j"$(nproc)" >&2
fi
load=$build_dir/bench/es_load
baseline=$build_dir/bench/baseline_fanout
daemon=${ES_DAEMON:-$build_dir/src/apps/eventswitch}
for binary in "$load" "$baseline" "$daemon"; do
  if [[ ! -x "$binary" ]]; then
    echo "run.sh: $binary not built (configure with -DES_BUILD_BENCH=ON and build es_load," \
         "baseline_fanout and eventswitch; or pass --build-dir)" >&2
    exit 2
  fi
done

# 10,000 idle connections need as many descriptors in the daemon and in es_load.
hard=$(ulimit -Hn)
if [[ "$hard" == unlimited ]]; then hard=1048576; fi
ulimit -n "$hard" 2>/dev/null || true
if (( $(ulimit -n) < 12000 )); then
  echo "run.sh: descriptor limit $(ulimit -n) is below 12000: the 10,000-connection idle" \
       "scenario will report failures" >&2
fi

password=ClueCon
work=$(mktemp -d /tmp/es-bench.XXXXXX)
started_pids=()
failed=()

cleanup() {
  for pid in "${started_pids[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then kill "$pid" 2>/dev/null || true; fi
  done
  for pid in "${started_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# start_server NAME COMMAND... : starts a server with --listen-port 0, waits for its
# "listening on 127.0.0.1:<port>" line and sets server_pid and server_port.
start_server() {
  local name=$1
  shift
  local log="$work/$name.$RANDOM.log"
  server_log=$log
  "$@" --listen-port 0 --password "$password" 2>"$log" >/dev/null &
  server_pid=$!
  started_pids+=("$server_pid")
  server_port=""
  for _ in $(seq 1 200); do
    server_port=$(grep -o 'listening on 127\.0\.0\.1:[0-9]*' "$log" 2>/dev/null | head -1 |
                  sed 's/.*://') || true
    if [[ -n "$server_port" ]]; then return 0; fi
    if ! kill -0 "$server_pid" 2>/dev/null; then break; fi
    sleep 0.05
  done
  echo "run.sh: $name did not start; its log:" >&2
  cat "$log" >&2
  return 1
}

stop_server() {
  local pid=$1
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null || true
}

start_daemon() {
  # shellcheck disable=SC2086 # ES_DAEMON_ARGS is a word list on purpose
  start_server eventswitch "$daemon" --no-color --log-level NOTICE ${ES_DAEMON_ARGS:-}
}

# The daemon with its TLS listener too (certificates made here, in the run's directory), for
# TLS fan-out beside plain fan-out on the same daemon; sets tls_port and tls_ca.
start_daemon_with_tls() {
  local dir=$work/tls
  mkdir -p "$dir/conf/autoload_configs"
  (
    cd "$dir" &&
      openssl req -x509 -newkey rsa:2048 -nodes -days 2 -keyout ca.key -out ca.pem \
        -subj "/CN=bench CA" &&
      openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj "/CN=bench" &&
      printf 'subjectAltName=IP:127.0.0.1\n' >server.ext &&
      openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \
        -extfile server.ext -out server.pem
  ) >"$dir/openssl.log" 2>&1 || { cat "$dir/openssl.log" >&2; return 1; }
  cat >"$dir/conf/autoload_configs/event_socket.conf.xml" <<XML
<configuration name="event_socket.conf" description="Socket Client">
  <settings>
    <param name="tls-cert-file" value="$dir/server.pem"/>
    <param name="tls-key-file" value="$dir/server.key"/>
  </settings>
</configuration>
XML
  # shellcheck disable=SC2086 # ES_DAEMON_ARGS is a word list on purpose
  start_server eventswitch "$daemon" --no-color --log-level NOTICE --conf "$dir/conf" \
    --listen-ip 127.0.0.1 --tls-listen-port 0 ${ES_DAEMON_ARGS:-}
  tls_port=""
  for _ in $(seq 1 100); do
    tls_port=$(sed -n 's/.*TLS event socket listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' \
      "$server_log")
    [[ -n $tls_port ]] && break
    sleep 0.05
  done
  tls_ca=$dir/ca.pem
  [[ -n $tls_port ]]
}

wanted() { [[ -z "$only" || ",$only," == *",$1,"* ]]; }

# scenario LABEL ARGS... : runs es_load and records failures without stopping the run; its
# line also goes to last_json.
scenario() {
  local label=$1
  shift
  echo "run.sh: $label" >&2
  last_json=""
  if ! last_json=$("$load" "$@" --label "$label" --threads "${ES_LOAD_THREADS:-1}"); then
    failed+=("$label")
  fi
  printf '%s\n' "$last_json"
}

# field NAME JSON: the first number named NAME in a scenario's line (p50_us: its latency's).
field() { sed -n "s/.*\"$1\":\([0-9.]*\).*/\1/p" <<<"$2"; }
# ratio A B, difference A B: of two numbers, for goal.
ratio() { awk -v a="${1:-0}" -v b="${2:-0}" 'BEGIN { printf "%.3f", (b > 0 ? a / b : 0) }'; }
difference() { awk -v a="${1:-0}" -v b="${2:-0}" 'BEGIN { printf "%.3f", a - b }'; }

# goal LABEL min|max TARGET VALUE...: one line with each round's value (a figure measured
# within one round, beside its reference) and their median against the goal (min: at least
# TARGET; max: at most TARGET). Rounds: ES_GOAL_ROUNDS (default 3; --quick: 1).
goal() {
  local label=$1 kind=$2 target=$3
  shift 3
  local rounds
  rounds=$(IFS=,; echo "$*")
  printf '%s\n' "$@" | sort -g | awk -v label="$label" -v kind="$kind" -v target="$target" \
      -v rounds="$rounds" '{ v[NR] = $1 } END {
    m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
    met = kind == "min" ? m >= target : m <= target
    printf "{\"scenario\":\"goal\",\"label\":\"%s\",\"median\":%.3f,\"rounds\":[%s],", label, m, rounds
    printf "\"goal_%s\":%s,\"met\":%s}\n", kind, target, met ? "true" : "false"
  }'
}

q() { if (( quick )); then echo "$1"; else echo "$2"; fi; }
goal_rounds=${ES_GOAL_ROUNDS:-$(q 1 3)}

if wanted fanout || wanted latency; then
  start_daemon_with_tls
  es_port=$server_port
  es_pid=$server_pid
  start_server baseline "$baseline" --threads "${ES_BASELINE_THREADS:-$(nproc)}"
  bl_port=$server_port
  bl_pid=$server_pid
  for target in eventswitch baseline; do
    port=$es_port
    [[ $target == baseline ]] && port=$bl_port
    if wanted fanout; then
      for format in plain json; do
        for subscribers in 1 10 100; do
          case $subscribers in
            1) events=$(q 5000 60000) ;;
            10) events=$(q 2000 60000) ;;
            100) events=$(q 300 20000) ;;
          esac
          if [[ $target != eventswitch || $format != plain ]]; then
            scenario "fanout-$target-$format-$subscribers" fanout --port "$port" \
              --subscribers "$subscribers" --format "$format" --events "$events" \
              --publishers 2 --timeout "$(q 30 300)"
            continue
          fi
          # Each plain fan-out, then the same to subscribers on the TLS listener (goal: at
          # least 70 % of the plain rate just before it), goal_rounds times; the goal line
          # gives each round's ratio and their median.
          ratios=()
          for ((round = 1; round <= goal_rounds; ++round)); do
            suffix=""
            ((round > 1)) && suffix="-r$round"
            scenario "fanout-$target-$format-$subscribers$suffix" fanout --port "$port" \
              --subscribers "$subscribers" --format "$format" --events "$events" \
              --publishers 2 --timeout "$(q 30 300)"
            plain_rate=$(field deliveries_per_s "$last_json")
            scenario "fanout-$target-tls-$format-$subscribers$suffix" fanout --port "$port" \
              --tls-port "$tls_port" --ca "$tls_ca" --subscribers "$subscribers" \
              --format "$format" --events "$events" --publishers 2 --timeout "$(q 30 300)"
            ratios+=("$(ratio "$(field deliveries_per_s "$last_json")" "$plain_rate")")
          done
          goal "tls-fanout-ratio-$subscribers" min 0.7 "${ratios[@]}"
        done
      done
    fi
    if wanted latency; then
      # Delivery latency at a fixed, sustainable rate (not saturated).
      scenario "latency-$target-plain-10" fanout --port "$port" --subscribers 10 \
        --format plain --events "$(q 1000 20000)" --rate "$(q 1000 2000)" --window 1 \
        --timeout "$(q 30 120)"
    fi
  done
  stop_server "$bl_pid"
  stop_server "$es_pid"
fi

if wanted api || wanted bgapi || wanted churn; then
  start_daemon
  if wanted api; then
    for connections in 1 50; do
      scenario "api-$connections" api --port "$server_port" --connections "$connections" \
        --seconds "$(q 1 10)" --command version --timeout 60
    done
  fi
  if wanted bgapi; then
    scenario "bgapi" bgapi --port "$server_port" --connections "$(q 4 10)" \
      --jobs "$(q 500 100000)" --command version --timeout "$(q 30 300)"
  fi
  if wanted churn; then
    scenario "churn" churn --port "$server_port" --seconds "$(q 1 10)" \
      --concurrency "$(q 10 20)" --timeout 60
  fi
  stop_server "$server_pid"
fi

if wanted gateway; then
  # Gateway mode (docs/gateway.md): the same fan-out and api round trips direct to an upstream
  # and through a gateway in front of it, in the same run. The publishers always fire at the
  # upstream; the gateway's subscribers get the events through its one upstream connection.
  start_daemon
  up_port=$server_port
  up_pid=$server_pid
  # shellcheck disable=SC2086 # ES_DAEMON_ARGS is a word list on purpose
  EVENTSWITCH_UPSTREAM_PASSWORD=$password start_server gateway "$daemon" --no-color \
    --log-level NOTICE --upstream "fs1=127.0.0.1:$up_port" ${ES_DAEMON_ARGS:-}
  gw_port=$server_port
  gw_pid=$server_pid
  for _ in $(seq 1 100); do
    grep -q "upstream fs1 (127.0.0.1:$up_port) up" "$work"/gateway.*.log 2>/dev/null && break
    sleep 0.05
  done
  # Each pair goal_rounds times, direct first; the goal lines give each round's figure (from
  # the pair of that round) and their median.
  for format in plain json; do
    ratios=()
    for ((round = 1; round <= goal_rounds; ++round)); do
      suffix=""
      ((round > 1)) && suffix="-r$round"
      scenario "gateway-fanout-direct-$format-100$suffix" fanout --port "$up_port" \
        --subscribers 100 --format "$format" --events "$(q 300 20000)" --publishers 2 \
        --timeout "$(q 30 300)"
      direct_rate=$(field deliveries_per_s "$last_json")
      scenario "gateway-fanout-gateway-$format-100$suffix" fanout --port "$gw_port" \
        --publish-port "$up_port" --subscribers 100 --format "$format" \
        --events "$(q 300 20000)" --publishers 2 --timeout "$(q 30 300)"
      ratios+=("$(ratio "$(field deliveries_per_s "$last_json")" "$direct_rate")")
    done
    goal "gateway-fanout-ratio-$format-100" min 0.8 "${ratios[@]}"
  done
  # api latency added by the gateway: its p50 minus the direct p50 of the same round (goal:
  # at most 50 us).
  added=()
  for ((round = 1; round <= goal_rounds; ++round)); do
    suffix=""
    ((round > 1)) && suffix="-r$round"
    scenario "gateway-api-direct-1$suffix" api --port "$up_port" --connections 1 \
      --seconds "$(q 1 5)" --command version --timeout 60
    direct_p50=$(field p50_us "$last_json")
    scenario "gateway-api-gateway-1$suffix" api --port "$gw_port" --connections 1 \
      --seconds "$(q 1 5)" --command version --timeout 60
    added+=("$(difference "$(field p50_us "$last_json")" "$direct_p50")")
  done
  goal "gateway-api-added-p50-us" max 50 "${added[@]}"
  stop_server "$gw_pid"
  stop_server "$up_pid"
fi

# The shared tools' yardstick (limit-probe with esl-load), measured in this same run: every
# line gives eventswitch's figure, the probe's and their ratio (bench/yardstick.sh).
for part in fanout api; do
  if wanted "$part"; then
    quick_flag=()
    (( quick )) && quick_flag=(--quick)
    if ! "$repo/bench/yardstick.sh" --daemon "$daemon" --build-dir "$build_dir" --only "$part" \
        "${quick_flag[@]}"; then
      failed+=("yardstick-$part")
    fi
  fi
done

if wanted idle; then
  for connections in $(q "100 1000" "1000 10000"); do
    start_daemon
    scenario "idle-$connections" idle --port "$server_port" --pid "$server_pid" \
      --connections "$connections" --hold "$(q 0.5 3)" --timeout 120
    stop_server "$server_pid"
  done
fi

if wanted hostile; then
  # 10,000 unauthenticated connections, each sending 4092 bytes of header lines that never
  # end a block (just under the 4 KiB cap before auth, so the partial block stays buffered and
  # the connection is kept), while wrong passwords and connect/auth/exit cycles run and a
  # well-behaved client measures api latency.
  start_daemon
  scenario "hostile" hostile --port "$server_port" --pid "$server_pid" \
    --unauth "$(q 300 10000)" --flood-bytes 4092 \
    --wrong-passwords "$(q 100 2000)" --cycles "$(q 300 5000)" --timeout "$(q 60 300)"
  stop_server "$server_pid"
  # The 10 MiB block of "a:b" lines (FreeSWITCH's header block cap) on a few connections:
  # the daemon ends each at 4 KiB.
  start_daemon
  scenario "hostile-header-flood" hostile --port "$server_port" --pid "$server_pid" \
    --unauth "$(q 4 20)" --flood-bytes 10490000 --flood-seconds "$(q 3 10)" \
    --wrong-passwords 0 --cycles 0 --timeout 120
  stop_server "$server_pid"
fi

if wanted slow-consumer; then
  start_daemon
  scenario "slow-consumer" slow-consumer --port "$server_port" --pid "$server_pid" \
    --subscribers "$(q 10 100)" --rate "$(q 4000 2000)" --pad-bytes "$(q 4096 2048)" \
    --seconds "$(q 20 90)" --after-kill "$(q 1 3)" --timeout "$(q 60 180)"
  stop_server "$server_pid"
fi

if wanted startup; then
  scenario "startup" startup --daemon "$daemon" --runs "$(q 3 20)" --password "$password" \
    --timeout 120
fi

if wanted calls; then
  # A fresh daemon per variant: the first measures the call rate with the light subscriber
  # (CHANNEL_HANGUP_COMPLETE only); the second counts every event per call, at a lower rate
  # (2 calls in flight) so that es_load's single ALL subscriber keeps up with the daemon.
  for variant in hangups all-events; do
    start_daemon
    shape=(--connections 4 --window 8)
    [[ $variant == all-events ]] && shape=(--connections 2 --window 1 --all-events)
    scenario "calls-$variant" calls --port "$server_port" --pid "$server_pid" "${shape[@]}" \
      --seconds "$(q 2 10)" --timeout "$(q 60 120)"
    stop_server "$server_pid"
  done
fi

if wanted concurrent-calls; then
  start_daemon
  scenario "concurrent-calls-$(q 100 1000)" concurrent-calls --port "$server_port" \
    --pid "$server_pid" --calls "$(q 100 1000)" --hold "$(q 0.5 2)" --timeout "$(q 60 180)"
  stop_server "$server_pid"
fi

if wanted outbound; then
  # Outbound mode: es_load is the application server; 500 calls at once, each session
  # answers, plays 1 s of silence and hangs up (the scenario raises max_sessions and sps).
  start_daemon
  scenario "outbound-$(q 50 500)" outbound --port "$server_port" --pid "$server_pid" \
    --sessions "$(q 50 500)" --playback silence_stream://1000 --timeout "$(q 30 40)"
  stop_server "$server_pid"
fi

if wanted client; then
  # --only client: the client library (bench/client/client_bench), skipped when not built.
  client_bench=$build_dir/bench/client/client_bench
  if [[ -x "$client_bench" ]]; then
    start_daemon
    for run in "api --seconds $(q 1 10)" "pipelined --seconds $(q 1 10) --in-flight 64" \
               "events --format plain --events $(q 20000 500000)" \
               "events --format json --events $(q 20000 500000)"; do
      echo "run.sh: client_bench $run" >&2
      # shellcheck disable=SC2086 # $run is a word list on purpose
      "$client_bench" $run --port "$server_port" --label client || failed+=("client $run")
    done
    stop_server "$server_pid"
  else
    echo "run.sh: $client_bench not built: client scenarios skipped" >&2
  fi
fi

if [[ ",$only," == *",soak,"* ]]; then
  # Only when asked for by name: it runs for an hour by default.
  start_daemon
  soak_seconds=${ES_SOAK_SECONDS:-$(q 60 3600)}
  scenario "soak-$soak_seconds" soak --port "$server_port" --pid "$server_pid" \
    --seconds "$soak_seconds" --sample-interval "${ES_SOAK_INTERVAL:-$(q 2 10)}" \
    --warmup "${ES_SOAK_WARMUP:-$(q 10 120)}" --detail-log "${ES_SOAK_DETAIL:-/dev/null}"
  stop_server "$server_pid"
fi

if (( ${#failed[@]} )); then
  echo "run.sh: scenarios with failures: ${failed[*]}" >&2
  exit 1
fi
