#!/usr/bin/env bash
# The SIP endpoint configured from a FreeSWITCH configuration directory (--conf), against SIPp:
#  1. sofia.conf.xml includes ../sip_profiles/*.xml: two profiles (alpha, beta) on free loopback
#     ports, beta's port from a vars.xml variable, beta with two gateways. `sofia status` lists
#     both profiles and the gateways; `sofia status profile beta` shows its settings.
#  2. SIPp's uac calls beta: the channel is sofia/beta/sipp@127.0.0.1 and lands in beta's
#     context; its RTP port lies in switch.conf's rtp-start-port..rtp-end-port; with
#     dtmf-type info our answer has no telephone-event (alpha's, rfc2833, has).
#  3. rtp-timeout-sec=2 on alpha: a SIPp call that sends no RTP is hung up MEDIA_TIMEOUT about
#     2 s after the answer, while SIPp would hold it 10 s; a call whose RTP flows (uac_pcap,
#     8 s of audio) is not.
#  4. With the range's one port taken by a call, the next INVITE gets 503 and a log line
#     naming the range.
# Usage: sipp_conf_test.sh <eventswitch binary>
set -uo pipefail
# shellcheck source=../lib/checks.sh
source "$(dirname "$0")/../lib/checks.sh"
# shellcheck source=sip_lib.sh
source "$(dirname "$0")/sip_lib.sh"
daemon=$1
require_sipp

WORK=$(mktemp -d)
DAEMON_PID=
trap remove_work_and_daemon EXIT

alpha_port=$(free_udp_port)
beta_port=$(free_udp_port)
while [[ $beta_port == "$alpha_port" ]]; do beta_port=$(free_udp_port); done
# Outside the default 16384-32768 and the unit tests' ranges; one even port, so that a second
# concurrent call finds the range exhausted (4.).
rtp_first=$(python3 - "$alpha_port" "$beta_port" <<'PY'
import socket, sys
for p in range(35100, 36000, 2):
    if str(p) in sys.argv[1:]:
        continue
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.bind(("127.0.0.1", p)); print(p); break
    except OSError:
        pass
    finally:
        s.close()
PY
)
rtp_last=$((rtp_first + 1))

conf=$WORK/conf
mkdir -p "$conf/autoload_configs" "$conf/sip_profiles/beta" "$conf/dialplan" "$WORK/pcap"
ln -s "$pcaps/g711a.pcap" "$pcaps/dtmf_2833_1.pcap" "$WORK/pcap/"
cat >"$conf/vars.xml" <<XML
<include>
  <X-PRE-PROCESS cmd="set" data="beta_sip_port=$beta_port"/>
  <X-PRE-PROCESS cmd="set" data="global_codec_prefs=OPUS,G722,PCMA,PCMU"/>
</include>
XML
cat >"$conf/autoload_configs/switch.conf.xml" <<XML
<configuration name="switch.conf" description="Core Configuration">
  <settings>
    <param name="rtp-start-port" value="$rtp_first"/>
    <param name="rtp-end-port" value="$rtp_last"/>
  </settings>
</configuration>
XML
cat >"$conf/autoload_configs/sofia.conf.xml" <<'XML'
<configuration name="sofia.conf" description="sofia Endpoint">
  <global_settings>
    <param name="log-level" value="0"/>
  </global_settings>
  <profiles>
    <X-PRE-PROCESS cmd="include" data="../sip_profiles/*.xml"/>
  </profiles>
</configuration>
XML
cat >"$conf/sip_profiles/alpha.xml" <<XML
<profile name="alpha">
  <settings>
    <param name="sip-ip" value="127.0.0.1"/>
    <param name="rtp-ip" value="127.0.0.1"/>
    <param name="sip-port" value="$alpha_port"/>
    <param name="context" value="ctx_alpha"/>
    <param name="rtp-timeout-sec" value="2"/>
    <param name="rtp-hold-timeout-sec" value="30"/>
    <param name="rtp-timer-name" value="soft"/>
  </settings>
</profile>
XML
cat >"$conf/sip_profiles/beta.xml" <<'XML'
<profile name="beta">
  <gateways>
    <X-PRE-PROCESS cmd="include" data="beta/*.xml"/>
  </gateways>
  <settings>
    <param name="sip-ip" value="127.0.0.1"/>
    <param name="sip-port" value="$${beta_sip_port}"/>
    <param name="context" value="ctx_beta"/>
    <param name="dialplan" value="XML"/>
    <param name="inbound-codec-prefs" value="$${global_codec_prefs}"/>
    <param name="dtmf-type" value="info"/>
    <param name="auth-calls" value="false"/>
  </settings>
</profile>
XML
cat >"$conf/sip_profiles/beta/carrier.xml" <<'XML'
<include>
  <gateway name="carrier">
    <param name="proxy" value="192.0.2.7"/>
    <param name="realm" value="carrier.example"/>
    <param name="username" value="acct"/>
    <param name="password" value="secret"/>
    <param name="expire-seconds" value="600"/>
  </gateway>
  <gateway name="peer">
    <param name="proxy" value="192.0.2.8"/>
    <param name="register" value="false"/>
  </gateway>
</include>
XML
cat >"$conf/dialplan/default.xml" <<'XML'
<include>
  <context name="ctx_alpha">
    <extension name="silent">
      <condition field="destination_number" expression="^9999$">
        <action application="answer"/>
        <action application="park"/>
      </condition>
    </extension>
  </context>
  <context name="ctx_beta">
    <extension name="beta">
      <condition field="destination_number" expression="^9999$">
        <action application="log" data="NOTICE beta call [${channel_name}] port [${local_media_port}] codec [${read_codec}]"/>
        <action application="answer"/>
        <action application="park"/>
      </condition>
    </extension>
  </context>
</include>
XML

start_daemon "$WORK" --conf "$conf" -l 7

api() {
  printf 'auth ClueCon\n\napi %s\n\n' "$1" | nc -N 127.0.0.1 "$es_port" 2>/dev/null
}

# Runs SIPp against a port; prints "created successful failed" from its statistics.
sipp_run() {
  local name=$1 port=$2
  shift 2
  (cd "$WORK" && timeout 60 sipp "$@" 127.0.0.1:"$port" -i 127.0.0.1 -p "$(free_udp_port)" \
    -nostdin -timeout 40 -trace_stat -stf "$name.csv" -trace_err -error_file "$name.err" \
    >/dev/null 2>&1)
  python3 - "$WORK/$name.csv" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1]), delimiter=';'))
h, last = rows[0], rows[-1]
print(last[h.index('TotalCallCreated')], last[h.index('SuccessfulCall(C)')],
      last[h.index('FailedCall(C)')])
PY
}

# 1. Both profiles and beta's gateways.
status=$(api "sofia status")
grep -qP '^ +alpha\tprofile\t +sip:mod_sofia@127\.0\.0\.1:'"$alpha_port"'\tRUNNING \(0\)$' <<<"$status" \
  && pass "sofia status: alpha RUNNING on its port" || fail "sofia status (alpha): $status"
grep -qP '^ +beta\tprofile\t +sip:mod_sofia@127\.0\.0\.1:'"$beta_port"'\tRUNNING \(0\)$' <<<"$status" \
  && pass "sofia status: beta RUNNING on the port vars.xml set" || fail "sofia status (beta): $status"
grep -qP '^ +beta::carrier\tgateway\t +sip:acct@192\.0\.2\.7\tUNREGED$' <<<"$status" \
  && grep -qP '^ +beta::peer\tgateway\t +sip:FreeSWITCH@192\.0\.2\.8\tNOREG$' <<<"$status" \
  && pass "sofia status: beta's gateways listed" || fail "sofia status (gateways): $status"
gateways=$(api "sofia status gateway")
grep -qP '^ +beta::carrier\t +sip:acct@192\.0\.2\.7\tUNREGED\t  0\.00\t0/0\t0/0$' <<<"$gateways" \
  && grep -q '^2 gateways: Inbound(Failed/Total): 0/0,Outbound(Failed/Total):0/0$' <<<"$gateways" \
  && pass "sofia status gateway: the table" || fail "sofia status gateway: $gateways"
gateway=$(api "sofia status gateway carrier")
grep -qP '^Realm   \tcarrier\.example$' <<<"$gateway" && grep -qP '^Password\tyes$' <<<"$gateway" \
  && grep -qP '^Expires \t600$' <<<"$gateway" && grep -qP '^Context \tctx_beta$' <<<"$gateway" \
  && grep -q '^Invalid Gateway!$' <<<"$(api "sofia status gateway nosuch")" \
  && pass "sofia status gateway carrier: its block" || fail "sofia status gateway carrier: $gateway"
grep -q '^2 profiles 0 aliases$' <<<"$status" && pass "sofia status: 2 profiles" \
  || fail "sofia status (count): $status"
profile=$(api "sofia status profile beta")
grep -qP '^Context          \tctx_beta$' <<<"$profile" \
  && grep -qP '^CODECS IN        \tPCMA,PCMU$' <<<"$profile" \
  && grep -qP '^DTMF-MODE        \tinfo$' <<<"$profile" \
  && pass "sofia status profile beta: context, codecs, dtmf mode" \
  || fail "sofia status profile beta: $profile"
grep -q "sofia.conf: profile alpha: param rtp-timer-name ignored" "$WORK/daemon.log" \
  && pass "unknown param: one DEBUG line" || fail "no DEBUG line for rtp-timer-name" "$WORK/daemon.log"

# 2. A call into beta: its name, its context, an RTP port from switch.conf's range.
read -r created ok failed < <(sipp_run beta "$beta_port" -sn uac_pcap -s 9999 -m 1 \
  -trace_msg -message_file "$WORK/beta.msg")
[[ $ok == 1 && $failed == 0 ]] && pass "beta: call successful" \
  || fail "beta: created=$created successful=$ok failed=$failed" "$WORK/beta.err"
line=$(grep '\[NOTICE\]' "$WORK/daemon.log" | grep -o 'beta call \[.*\] port \[.*\] codec \[.*\]' | head -1)
[[ $line == "beta call [sofia/beta/sipp@127.0.0.1]"* ]] \
  && pass "beta: channel sofia/beta/sipp@127.0.0.1 in context ctx_beta" \
  || fail "beta: no call in ctx_beta named sofia/beta/... ($line)" "$WORK/daemon.log"
media_port=$(sed -n 's/.* port \[\([0-9]*\)\].*/\1/p' <<<"$line")
[[ -n $media_port ]] && ((media_port >= rtp_first && media_port <= rtp_last)) \
  && pass "beta: RTP port $media_port within rtp-start-port..rtp-end-port" \
  || fail "beta: RTP port [$media_port] outside $rtp_first-$rtp_last"
[[ $line == *"codec [PCMA]" ]] && pass "beta: SIPp's PCMA offer negotiated" \
  || fail "beta: codec ($line)"
# dtmf-type info: our answer carries no telephone-event although SIPp offered it.
answer_sdp() { # the SDP of the first 200 OK SIPp received
  awk '/SIP\/2.0 200 OK/ {on=1} on && /^m=audio/ {sdp=1} sdp {print} sdp && /^$/ {exit}' "$1"
}
grep -q "telephone-event" "$WORK/beta.msg" && [[ -n $(answer_sdp "$WORK/beta.msg") ]] \
  && ! answer_sdp "$WORK/beta.msg" | grep -q "telephone-event" \
  && pass "beta: dtmf-type info, no telephone-event in our answer" \
  || fail "beta: answer SDP: $(answer_sdp "$WORK/beta.msg")" "$WORK/beta.msg"

# 3. No RTP for rtp-timeout-sec: MEDIA_TIMEOUT, long before SIPp would hang up. An event
# socket client prints the Hangup-Cause of the first CHANNEL_HANGUP and the seconds it took.
python3 - "$es_port" "$WORK/listening" >"$WORK/hangup.txt" 2>&1 <<'PY' &
import socket, sys, time, urllib.parse
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"auth ClueCon\n\nevent plain CHANNEL_ANSWER CHANNEL_HANGUP\n\n")
s.settimeout(20)
data, answered = b"", None
while True:
    chunk = s.recv(65536)
    if not chunk:
        break
    data += chunk
    if b"+OK event listener enabled" in data and not __import__("os").path.exists(sys.argv[2]):
        open(sys.argv[2], "w").close()
    if answered is None and b"Event-Name: CHANNEL_ANSWER" in data:
        answered = time.time()
    i = data.find(b"Hangup-Cause: ")
    if i >= 0 and b"\n" in data[i:]:
        cause = data[i + 14:data.index(b"\n", i)].decode()
        took = f"{time.time() - answered:.1f}" if answered else "no-CHANNEL_ANSWER-seen"
        print(urllib.parse.unquote(cause), took)
        break
PY
listener=$!
for _ in $(seq 100); do [[ -e $WORK/listening ]] && break; sleep 0.1; done
(sipp_run silent "$alpha_port" -sn uac -s 9999 -d 10000 -m 1 >/dev/null) &
sipp_pid=$!
wait "$listener"
read -r cause elapsed <"$WORK/hangup.txt"
[[ $cause == MEDIA_TIMEOUT ]] \
  && pass "alpha: a call without RTP hung up MEDIA_TIMEOUT, ${elapsed} s after the answer" \
  || fail "alpha: hangup cause [$cause] ($(cat "$WORK/hangup.txt"))" "$WORK/daemon.log"
[[ ${elapsed:-} =~ ^[0-9.]+$ ]] && python3 -c "import sys; sys.exit(0 if 1.5 <= $elapsed <= 5 else 1)" \
  && pass "alpha: the timeout took about rtp-timeout-sec" || fail "alpha: took [$elapsed] s"
grep -q "sofia/alpha/sipp@127.0.0.1: no RTP for 2000 ms, hanging up MEDIA_TIMEOUT" "$WORK/daemon.log" \
  && pass "alpha: the timeout is logged" || fail "alpha: no log line for the timeout"
kill "$sipp_pid" 2>/dev/null
wait "$sipp_pid" 2>/dev/null

# A call whose RTP keeps flowing (8 s of audio, then a digit and BYE) outlives the timeout.
read -r created ok failed < <(sipp_run flowing "$alpha_port" -sn uac_pcap -s 9999 -m 1 \
  -trace_msg -message_file "$WORK/flowing.msg")
[[ $ok == 1 && $failed == 0 ]] && pass "alpha: a call with RTP flowing for 8 s is not timed out" \
  || fail "alpha uac_pcap: created=$created successful=$ok failed=$failed" "$WORK/flowing.err"
[[ $(grep -c "no RTP for 2000 ms" "$WORK/daemon.log") == 1 ]] \
  && pass "alpha: no second MEDIA_TIMEOUT" || fail "alpha: the flowing call timed out"
answer_sdp "$WORK/flowing.msg" | grep -q "^a=rtpmap:101 telephone-event/8000" \
  && pass "alpha: dtmf-type rfc2833 (default), telephone-event in our answer" \
  || fail "alpha: answer SDP: $(answer_sdp "$WORK/flowing.msg")"

# 4. The RTP port range exhausted: 503 and a clear log line; the first call is unharmed.
sleep 0.5
(sipp_run holder "$beta_port" -sn uac -s 9999 -d 3000 -m 1 >"$WORK/holder.txt") &
holder=$!
sleep 1
read -r created ok failed < <(sipp_run exhausted "$alpha_port" -sn uac -s 9999 -d 200 -m 1)
[[ $created == 1 && $failed == 1 ]] && pass "range exhausted: the second call failed" \
  || fail "range exhausted: created=$created successful=$ok failed=$failed"
grep -q "503 Service Unavailable" "$WORK/exhausted.err" 2>/dev/null \
  && pass "range exhausted: answered 503" || fail "range exhausted: no 503" "$WORK/exhausted.err"
grep -q "sofia/alpha: call .* refused with 503: no free port in the RTP port range $rtp_first-$rtp_last on 127.0.0.1" \
  "$WORK/daemon.log" && pass "range exhausted: logged with the range" \
  || fail "range exhausted: no log line" "$WORK/daemon.log"
wait "$holder"
read -r created ok failed <"$WORK/holder.txt"
[[ $ok == 1 && $failed == 0 ]] && pass "range exhausted: the call holding the port succeeded" \
  || fail "holder: created=$created successful=$ok failed=$failed" "$WORK/holder.err"

exit $((failures > 0))
