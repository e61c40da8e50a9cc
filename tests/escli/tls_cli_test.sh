#!/usr/bin/env bash
# TLS from the command line: `openssl s_client` holds a whole event socket session (auth, api,
# an event subscription and its event, exit) on the daemon's TLS listener, which requires client
# certificates; escli connects with --tls --ca --cert --key; the refusals (no client
# certificate, an unknown CA) are one log line each and the daemon keeps serving.
# Certificates are made here, in a private temporary directory.
# Usage: tls_cli_test.sh <escli> <eventswitch>
set -uo pipefail

ESCLI=$1
DAEMON=$2
WORK=$(mktemp -d "${TMPDIR:-/tmp}/es-tls-cli.XXXXXX")
DAEMON_PID=
source "$(dirname "${BASH_SOURCE[0]}")/../lib/checks.sh"
trap remove_work_and_daemon EXIT
cd "$WORK" || exit 1

# --- certificates: a CA, a server certificate for 127.0.0.1, a client one, an unrelated CA ----
mk() { openssl "$@" >>openssl.log 2>&1 || { echo "FAIL: openssl $*" >&2; cat openssl.log >&2; exit 1; }; }
mk req -x509 -newkey rsa:2048 -nodes -days 2 -keyout ca.key -out ca.pem -subj "/CN=tls cli CA"
mk req -x509 -newkey rsa:2048 -nodes -days 2 -keyout other.key -out other.pem -subj "/CN=other"
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' >server.ext
printf 'extendedKeyUsage=clientAuth\n' >client.ext
for who in server client; do
  mk req -newkey rsa:2048 -nodes -keyout $who.key -out $who.csr -subj "/CN=$who"
  mk x509 -req -in $who.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -extfile $who.ext \
    -out $who.pem
done

mkdir -p conf/autoload_configs
cat >conf/autoload_configs/event_socket.conf.xml <<XML
<configuration name="event_socket.conf" description="Socket Client">
  <settings>
    <param name="tls-cert-file" value="$WORK/server.pem"/>
    <param name="tls-key-file" value="$WORK/server.key"/>
    <param name="tls-ca-file" value="$WORK/ca.pem"/>
    <param name="tls-verify-client" value="true"/>
    <param name="tls-handshake-timeout" value="2"/>
  </settings>
</configuration>
XML
"$DAEMON" --conf conf --listen-ip 127.0.0.1 --listen-port 0 --tls-listen-port 0 --no-color \
  --heartbeat-interval 3600 2>daemon.log >/dev/null &
DAEMON_PID=$!
PORT=
for _ in $(seq 100); do
  PORT=$(sed -n 's/.*TLS event socket listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' daemon.log)
  [[ -n $PORT ]] && break
  sleep 0.1
done
if [[ -z $PORT ]]; then
  fail "the daemon reported no TLS listener" daemon.log
  exit 1
fi
failure_lines() { grep -c "event socket TLS handshake with" daemon.log; }

# --- openssl s_client: a whole session -----------------------------------------------------------
session() {
  printf 'auth ClueCon\n\n'
  sleep 0.3
  printf 'api echo over tls\n\n'
  sleep 0.3
  printf 'event plain CUSTOM tls::shell\n\n'
  sleep 0.3
  printf 'sendevent CUSTOM\nEvent-Subclass: tls::shell\nX-Mark: shell-mark\n\n'
  sleep 0.5
  printf 'exit\n\n'
  sleep 0.5
}
session | timeout 10 openssl s_client -quiet -connect 127.0.0.1:"$PORT" -CAfile ca.pem \
  -verify_return_error -cert client.pem -key client.key >s_client.out 2>s_client.err
for want in "Content-Type: auth/request" "Reply-Text: +OK accepted" "over tls" \
  "Reply-Text: +OK event listener enabled plain" "X-Mark: shell-mark" "Reply-Text: +OK bye" \
  "Disconnected, goodbye."; do
  if grep -q "$want" s_client.out; then pass "s_client session: $want"; else fail "s_client session lacks [$want]" s_client.out; fi
done

# --- openssl s_client without the required client certificate -----------------------------------
echo | timeout 10 openssl s_client -quiet -connect 127.0.0.1:"$PORT" -CAfile ca.pem \
  >/dev/null 2>&1
for _ in $(seq 50); do [[ $(failure_lines) -ge 1 ]] && break; sleep 0.1; done
if [[ $(failure_lines) -eq 1 ]] && grep -q "peer did not return a certificate" daemon.log; then
  pass "a client without a certificate: one log line"
else
  fail "missing client certificate: expected one log line" daemon.log
fi

# --- escli ------------------------------------------------------------------------------------------
export HOME=$WORK/home
mkdir -p "$HOME"
out=$("$ESCLI" -H 127.0.0.1 -P "$PORT" --tls --ca ca.pem --cert client.pem --key client.key -q \
  -x "echo escli over tls" 2>err)
status=$?
if [[ $status -eq 0 && $out == "escli over tls" ]]; then
  pass "escli --tls --ca --cert --key runs a command"
else
  fail "escli over TLS: exit $status, stdout [$out]" err
fi

out=$("$ESCLI" -H 127.0.0.1 -P "$PORT" --ca other.pem --cert client.pem --key client.key -q \
  -x "echo no" 2>err)
status=$?
if [[ $status -eq 1 ]] && grep -q "certificate verify failed" err; then
  pass "escli with an unknown CA: exit 1 naming the failure"
else
  fail "escli with a wrong CA: exit $status, stdout [$out]" err
fi
for _ in $(seq 50); do [[ $(failure_lines) -ge 2 ]] && break; sleep 0.1; done
if [[ $(failure_lines) -eq 2 ]]; then
  pass "the unknown CA: one more log line"
else
  fail "the unknown CA: expected a second log line" daemon.log
fi

out=$("$ESCLI" -H localhost -P "$PORT" --ca ca.pem --cert client.pem --key client.key -q \
  -x "echo still serving" 2>err)
if [[ $out == "still serving" ]]; then
  pass "the daemon still serves after the refusals"
else
  fail "the daemon after the refusals: [$out]" err
fi
exit $((failures > 0))
