# Sourced by the SIPp tests after tests/lib/checks.sh: what each of them needs to set up.
# `require_sipp` exits 77 (skipped) without SIPp or its pcaps; `free_udp_port` prints a free
# loopback UDP port; `start_daemon DIR ARGS...` starts the daemon (binary in $daemon) with
# ARGS, its log in DIR/daemon.log, sets DAEMON_PID and es_port once it listens, and exits the
# test when it does not start within 10 s.
# shellcheck shell=bash
pcaps=/usr/share/sip-tester
require_sipp() {
  command -v sipp >/dev/null || { echo "sipp missing (apt-get install sip-tester)"; exit 77; }
  [[ -f $pcaps/g711a.pcap ]] || { echo "no $pcaps/g711a.pcap"; exit 77; }
}

free_udp_port() {
  python3 -c 'import socket
s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start_daemon() {
  local dir=$1
  shift
  "$daemon" "$@" --listen-port 0 --port-file "$dir/es.port" >"$dir/daemon.log" 2>&1 &
  DAEMON_PID=$!
  for _ in $(seq 100); do [[ -s $dir/es.port ]] && break; sleep 0.1; done
  [[ -s $dir/es.port ]] || { fail "daemon did not start" "$dir/daemon.log"; exit 1; }
  es_port=$(cat "$dir/es.port")
}
