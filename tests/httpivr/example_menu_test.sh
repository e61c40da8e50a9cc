#!/usr/bin/env bash
# The README of examples/httpivr, run: the daemon, the Node.js menu, httpivr, and escli placing
# sim/ callers that press 1 (tone), 2 (record, play back) and 3 (bridge).
#
#   example_menu_test.sh EVENTSWITCH HTTPIVR ESCLI
set -u
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../../examples/tests/daemon.sh"
eventswitch=$1 httpivr=$2 escli=$3
command -v node >/dev/null || { echo "node is missing"; exit 77; }

start_daemon "$eventswitch"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
web_port=$(free_port)
ivr_port=$(free_port)
HTTPIVR_SECRET=s3cret HTTPIVR_BRIDGE='{sim_hangup_ms=500}sim/2000' \
  node "$here/../../examples/httpivr/menu.js" "$web_port" >"$work/menu.log" 2>&1 &
menu_pid=$!
"$httpivr" --listen "127.0.0.1:$ivr_port" --url "http://127.0.0.1:$web_port/start" \
  --status-url "http://127.0.0.1:$web_port/status" --secret s3cret --record-dir "$work" \
  2>"$work/httpivr.log" &
ivr_pid=$!
trap 'kill $menu_pid $ivr_pid 2>/dev/null; cleanup_daemon' EXIT
wait_for_text "$work/menu.log" "menu listening" 10 || { cat "$work/menu.log"; exit 1; }
wait_for_text "$work/httpivr.log" "listening on" 10 || { cat "$work/httpivr.log"; exit 1; }

failures=0
for script in "1@800" "2@800,#@2500" "3@800"; do
  before=$(grep -c "ended:" "$work/menu.log")
  "$escli" -H 127.0.0.1 -P "$daemon_port" -p ClueCon -Q -q --strict -x \
    "originate {^^:sim_dtmf=$script}sim/1000 'socket:127.0.0.1:$ivr_port async full' inline" \
    >"$work/escli.log" 2>&1 || { echo "FAIL originate $script"; cat "$work/escli.log"; failures=$((failures + 1)); continue; }
  for _ in $(seq 200); do
    (($(grep -c "ended:" "$work/menu.log") > before)) && break
    sleep 0.05
  done
  if (($(grep -c "ended:" "$work/menu.log") > before)); then
    echo "ok: caller pressing $script reached the end"
  else
    echo "FAIL: caller pressing $script did not end"; failures=$((failures + 1))
  fi
done
# Each branch asked for what it should: the menu, then the branch's own hook.
grep -q "^/menu .* digits=1" "$work/menu.log" || { echo "FAIL: no digit 1"; failures=$((failures + 1)); }
grep -q "^/recorded " "$work/menu.log" || { echo "FAIL: no recording posted"; failures=$((failures + 1)); }
grep -q "^/dialed " "$work/menu.log" || { echo "FAIL: no bridge result"; failures=$((failures + 1)); }
ls "$work"/*.wav >/dev/null 2>&1 || { echo "FAIL: no recording file"; failures=$((failures + 1)); }
if ((failures)); then
  echo "--- menu.log"; cat "$work/menu.log"; echo "--- httpivr.log"; cat "$work/httpivr.log"
  exit 1
fi
echo "all branches ran"
