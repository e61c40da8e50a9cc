#!/usr/bin/env bash
# AMQP export benchmark (bench/README.md, "amqp"): starts a private RabbitMQ on free ports,
# then prints JSON lines:
#   1. events/s the exporter publishes beside a minimal rabbitmq-c publisher's rate against
#      the same broker in the same run (amqp_publish_rate; goal: ratio >= 0.8);
#   2. the event socket's fan-out rate (es_load fanout) with the exporter publishing every
#      event to the broker, beside the same daemon without amqp.conf (goal: within 10 %).
# Usage: bench/amqp.sh [--build-dir build] [--quick]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

build_dir=build
quick=0
while (($#)); do
  case $1 in
    --build-dir) build_dir=$2; shift 2 ;;
    --quick) quick=1; shift ;;
    *) echo "usage: $0 [--build-dir DIR] [--quick]" >&2; exit 64 ;;
  esac
done
server=/usr/lib/rabbitmq/bin/rabbitmq-server
[[ -x $server ]] || { echo "amqp.sh: rabbitmq-server is not installed" >&2; exit 1; }
cmake --build "$build_dir" --target eventswitch es_load amqp_publish_rate -j2 >&2
daemon=$build_dir/src/apps/eventswitch
load=$build_dir/bench/es_load
rate=$build_dir/bench/amqp_publish_rate
q() { if ((quick)); then echo "$1"; else echo "$2"; fi; }

work=$(mktemp -d /tmp/es-amqp-bench.XXXXXX)
pids=()
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
broker_port=$(free_port)
epmd_port=$(free_port)
cleanup() {
  for pid in "${pids[@]}"; do kill -- "-$pid" 2>/dev/null || kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 300); do kill -0 -- "-$pid" 2>/dev/null || break; sleep 0.1; done
  done
  epmd -port "$epmd_port" -kill >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# The broker: its own node name, ports, database and logs (as tests/amqp does).
printf 'listeners.tcp.default = %s\nloopback_users = none\n' "$broker_port" >"$work/rabbit.conf"
echo '[].' >"$work/enabled_plugins"
setsid env RABBITMQ_NODENAME="es-bench-$$@localhost" RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 \
  RABBITMQ_NODE_PORT="$broker_port" RABBITMQ_DIST_PORT="$(free_port)" ERL_EPMD_PORT="$epmd_port" \
  RABBITMQ_MNESIA_BASE="$work/mnesia" RABBITMQ_LOG_BASE="$work/log" \
  RABBITMQ_CONFIG_FILE="$work/rabbit.conf" RABBITMQ_ENABLED_PLUGINS_FILE="$work/enabled_plugins" \
  HOME="$work" "$server" >"$work/broker.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 600); do
  (exec 3<>"/dev/tcp/127.0.0.1/$broker_port") 2>/dev/null && break
  sleep 0.1
done
echo "amqp.sh: broker on port $broker_port" >&2

# 1. Publishing rate, exporter beside the raw publisher (alternating rounds).
"$rate" --port "$broker_port" --events "$(q 20000 200000)" --rounds "$(q 1 3)"

# 2. Fan-out with and without the exporter.
mkdir -p "$work/conf/autoload_configs"
cat >"$work/conf/autoload_configs/amqp.conf.xml" <<XML
<configuration name="amqp.conf"><producers><profile name="default">
  <connections><connection name="local">
    <param name="hostname" value="127.0.0.1"/><param name="port" value="$broker_port"/>
  </connection></connections>
  <params>
    <param name="format_fields" value="#FreeSWITCH,FreeSWITCH-Hostname,Event-Name,Event-Subclass,Unique-ID"/>
    <param name="send_queue_size" value="100000"/>
  </params>
</profile></producers></configuration>
XML
mkdir -p "$work/plain"
fanout() {
  local label=$1 conf=$2
  local log="$work/daemon.$RANDOM.log"
  "$daemon" --conf "$conf" --listen-port 0 --no-color --log-level NOTICE 2>"$log" >/dev/null &
  local pid=$!
  pids+=("$pid")
  local port=""
  for _ in $(seq 1 200); do
    port=$(grep -o 'listening on 127\.0\.0\.1:[0-9]*' "$log" | head -1 | sed 's/.*://') || true
    [[ -n $port ]] && break
    sleep 0.05
  done
  sleep 1 # the exporter connects
  "$load" fanout --port "$port" --subscribers 10 --format json --events "$(q 5000 60000)" \
    --publishers 2 --timeout 300 --label "$label"
  if [[ $label == *with-amqp* ]]; then
    printf 'auth ClueCon\n\napi amqp status\n\nexit\n\n' |
      (exec 3<>"/dev/tcp/127.0.0.1/$port"; cat >&3; timeout 2 cat <&3) | grep '^producer' >&2 || true
  fi
  kill "$pid"
  wait "$pid" 2>/dev/null || true
}
for round in $(seq 1 "$(q 1 2)"); do
  fanout "fanout-json-10-without-amqp-$round" "$work/plain"
  fanout "fanout-json-10-with-amqp-$round" "$work/conf"
done
