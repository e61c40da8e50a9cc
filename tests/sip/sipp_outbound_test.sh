#!/usr/bin/env bash
# Outbound SIP calls (originate / bridge to sofia/<profile>/<user>@<host:port>) against SIPp
# acting as the called party, on loopback, free ports:
#  1. SIPp's built-in uas answers: originate returns the leg's uuid, CHANNEL_PROGRESS and
#     CHANNEL_ANSWER name the channel sofia/internal/sipp@127.0.0.1:<port>, the leg has the
#     dial string's {} variables and sip_call_id / sip_to_user / sip_req_uri; uuid_kill sends
#     BYE (SIPp counts the call successful).
#  2. 183 with SDP then 486 (uas_busy_early.xml): CHANNEL_PROGRESS_MEDIA, then -ERR USER_BUSY,
#     sip_term_status 486.
#  3. 180 and no answer (uas_no_answer.xml): originate_timeout=2 gives -ERR NO_ANSWER after
#     about 2 s and a CANCEL (SIPp answers it 200 / 487 and gets the ACK).
#  4. SIPp answers, plays g711a.pcap and hangs up with BYE (uas_answer_bye.xml): the leg records
#     SIPp's audio (not silence), hangs up NORMAL_CLEARING with sip_hangup_disposition recv_bye.
#  5. SIPp answers with an SDP naming a UDP sink of the test (uas_answer_rtp_sink.xml): the
#     leg plays a 1 kHz tone, which arrives at the sink as PCMU and is found by frequency; the
#     playback's end hangs up with BYE.
#  6. A dialplan bridge: SIPp's uac calls an extension that bridges to SIPp's uas.
#  7. Refusals: an unknown profile is -ERR INVALID_PROFILE, a bare user -ERR USER_NOT_REGISTERED.
# Usage: sipp_outbound_test.sh <eventswitch binary>
set -uo pipefail
# shellcheck source=../lib/checks.sh
source "$(dirname "$0")/../lib/checks.sh"
# shellcheck source=sip_lib.sh
source "$(dirname "$0")/sip_lib.sh"
daemon=$1
here=$(cd "$(dirname "$0")" && pwd)
require_sipp

WORK=$(mktemp -d)
DAEMON_PID=
collector=
cleanup() {
  [[ -n $collector ]] && kill "$collector" 2>/dev/null
  # KEEP_WORK=1 keeps the scratch directory (logs, events, SIPp's errors) for a look.
  [[ -n ${KEEP_WORK:-} ]] && WORK=$(mktemp -d)
  remove_work_and_daemon
}
trap cleanup EXIT
work=$WORK
[[ -n ${KEEP_WORK:-} ]] && echo "work: $work"

mkdir -p "$work/conf/dialplan" "$work/pcap" "$work/rec"
ln -s "$pcaps/g711a.pcap" "$work/pcap/"
bridge_uas_port=$(free_udp_port)
cat >"$work/conf/dialplan/default.xml" <<XML
<include>
  <context name="default">
    <extension name="bridge_out">
      <condition field="destination_number" expression="^bridge_out\$">
        <action application="bridge" data="sofia/internal/callee@127.0.0.1:$bridge_uas_port"/>
      </condition>
    </extension>
  </context>
</include>
XML

sip_port=$(free_udp_port)
start_daemon "$work" --conf "$work/conf" --sip-port "$sip_port" -l 7

# The body of an api command's reply.
api() {
  python3 - "$es_port" "$1" <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
f = s.makefile("rb")
def frame():
    headers = {}
    while True:
        line = f.readline().decode().rstrip("\n")
        if not line:
            if headers:
                break
            continue
        k, _, v = line.partition(": ")
        headers[k] = v
    n = int(headers.get("Content-Length", 0))
    return headers, f.read(n).decode() if n else ""
frame()
s.sendall(b"auth ClueCon\n\n"); frame()
s.sendall(f"api {sys.argv[2]}\n\n".encode())
while True:
    headers, body = frame()
    if headers.get("Content-Type") == "api/response":
        print(body.rstrip("\n"))
        break
PY
}

# Every channel event, decoded, one "Name: value" per line and a blank line after each event.
python3 - "$es_port" "$work/events.txt" <<'PY' &
import socket, sys, urllib.parse
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
out = open(sys.argv[2], "w", buffering=1)
f = s.makefile("rb")
def frame():
    headers = {}
    while True:
        line = f.readline()
        if not line:
            sys.exit(0)
        line = line.decode().rstrip("\n")
        if not line:
            if headers:
                break
            continue
        k, _, v = line.partition(": ")
        headers[k] = v
    body = f.read(int(headers["Content-Length"])).decode() if "Content-Length" in headers else ""
    return headers, body
frame()
s.sendall(b"auth ClueCon\n\n"); frame()
s.sendall(b"event plain CHANNEL_PROGRESS CHANNEL_PROGRESS_MEDIA CHANNEL_ANSWER CHANNEL_HANGUP_COMPLETE\n\n"); frame()
while True:
    headers, body = frame()
    if headers.get("Content-Type") != "text/event-plain":
        continue
    for line in body.split("\n"):
        k, _, v = line.partition(": ")
        if k:
            # Multi-line values (SDPs) on one line, so that a blank line ends an event.
            value = urllib.parse.unquote(v).replace("\r", " ").replace("\n", " ")
            out.write(f"{k}: {value}\n")
    out.write("\n")
PY
collector=$!
sleep 0.5

# The event of `name` for the channel `channel` (waiting up to 5 s for it), or nothing.
event_of() {
  python3 - "$work/events.txt" "$1" "$2" <<'PY'
import sys, time
for _ in range(100):
    for block in open(sys.argv[1]).read().split("\n\n"):
        h = dict(l.split(": ", 1) for l in block.split("\n") if ": " in l)
        if h.get("Event-Name") == sys.argv[2] and h.get("Channel-Name") == sys.argv[3]:
            print(block)
            sys.exit(0)
    time.sleep(0.05)
PY
}

# Starts SIPp as the called party on `port` in the background (one call); sipp_wait prints
# "created successful failed" once it is done.
sipp_pid=
sipp_uas() {
  local name=$1 port=$2
  shift 2
  (cd "$work" && exec timeout 40 sipp "$@" -i 127.0.0.1 -p "$port" -mp "$(free_udp_port)" -m 1 \
    -nostdin -timeout 30 -trace_stat -stf "$name.csv" -trace_err -error_file "$name.err" \
    >/dev/null 2>&1) &
  sipp_pid=$!
  # Ready once it holds its port (an INVITE sent earlier meets ICMP unreachable: 503).
  python3 - "$port" <<'PY'
import socket, sys, time
for _ in range(100):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.bind(("127.0.0.1", int(sys.argv[1])))
    except OSError:
        sys.exit(0)
    finally:
        s.close()
    time.sleep(0.05)
PY
}
# Waits for the SIPp started last (sipp_uas) and sets created / ok / failed from its statistics.
sipp_wait() {
  local name=$1
  wait "$sipp_pid"
  read -r created ok failed < <(python3 - "$work/$name.csv" <<'PY'
import csv, sys
try:
    rows = list(csv.reader(open(sys.argv[1]), delimiter=';'))
    h, last = rows[0], rows[-1]
    print(last[h.index('TotalCallCreated')], last[h.index('SuccessfulCall(C)')],
          last[h.index('FailedCall(C)')])
except (OSError, IndexError, ValueError):
    print("0 0 0")
PY
)
}

# 1. Answered by SIPp's built-in uas; our uuid_kill sends BYE.
port=$(free_udp_port)
sipp_uas uas "$port" -sn uas
reply=$(api "originate {origination_caller_id_number=1234,my_leg_var=kept}sofia/internal/sipp@127.0.0.1:$port &park")
uuid=${reply#+OK }
channel="sofia/internal/sipp@127.0.0.1:$port"
if [[ $reply == "+OK "* ]]; then pass "uas: originate answered"; else fail "uas: originate: $reply" "$work/daemon.log"; fi
for var in "my_leg_var=kept" "sip_to_user=sipp" "sip_req_uri=sipp@127.0.0.1:$port" \
  "sip_from_user=1234" "read_codec=PCMU" "channel_name=$channel"; do
  got=$(api "uuid_getvar $uuid ${var%%=*}")
  [[ $got == "${var#*=}" ]] && pass "uas: $var" || fail "uas: ${var%%=*} is [$got]"
done
call_id=$(api "uuid_getvar $uuid sip_call_id")
# nua's Call-IDs look like 9e113f6a-6d22-1240-d8b2-4e3ebc121e07.
[[ $call_id =~ ^[0-9a-f-]{16,}$ ]] && pass "uas: sip_call_id $call_id" \
  || fail "uas: sip_call_id is [$call_id]"
sleep 0.2
[[ -n $(event_of CHANNEL_PROGRESS "$channel") ]] && pass "uas: CHANNEL_PROGRESS on 180" \
  || fail "uas: no CHANNEL_PROGRESS for $channel" "$work/events.txt"
answer=$(event_of CHANNEL_ANSWER "$channel")
grep -q "^Call-Direction: outbound" <<<"$answer" && pass "uas: CHANNEL_ANSWER, outbound" \
  || fail "uas: no outbound CHANNEL_ANSWER for $channel" "$work/events.txt"
api "uuid_kill $uuid" >/dev/null
sipp_wait uas
[[ $ok == 1 && $failed == 0 ]] && pass "uas: our hangup sent BYE, SIPp's call successful" \
  || fail "uas: created=$created successful=$ok failed=$failed" "$work/uas.err"
sleep 0.3
grep -q "^variable_sip_hangup_disposition: send_bye" <<<"$(event_of CHANNEL_HANGUP_COMPLETE "$channel")" \
  && pass "uas: sip_hangup_disposition send_bye" || fail "uas: no send_bye" "$work/events.txt"

# 2. Early media, then busy.
port=$(free_udp_port)
sipp_uas busy "$port" -sf "$here/uas_busy_early.xml"
reply=$(api "originate {ignore_early_media=true}sofia/internal/busy@127.0.0.1:$port &park")
[[ $reply == "-ERR USER_BUSY" ]] && pass "486: originate -ERR USER_BUSY" || fail "486: originate: $reply"
sipp_wait busy
[[ $ok == 1 && $failed == 0 ]] && pass "486: SIPp got the ACK" \
  || fail "486: created=$created successful=$ok failed=$failed" "$work/busy.err"
channel="sofia/internal/busy@127.0.0.1:$port"
[[ -n $(event_of CHANNEL_PROGRESS_MEDIA "$channel") ]] && pass "183: CHANNEL_PROGRESS_MEDIA" \
  || fail "183: no CHANNEL_PROGRESS_MEDIA for $channel" "$work/events.txt"
hangup=$(event_of CHANNEL_HANGUP_COMPLETE "$channel")
grep -q "^Hangup-Cause: USER_BUSY" <<<"$hangup" && grep -q "^variable_sip_term_status: 486" <<<"$hangup" \
  && grep -q "^variable_sip_hangup_disposition: recv_refuse" <<<"$hangup" \
  && pass "486: USER_BUSY, sip_term_status 486, recv_refuse" || fail "486: hangup event" "$work/events.txt"

# 3. No answer: originate_timeout sends CANCEL.
port=$(free_udp_port)
sipp_uas noanswer "$port" -sf "$here/uas_no_answer.xml"
start=$(date +%s%N)
reply=$(api "originate {originate_timeout=2}sofia/internal/ring@127.0.0.1:$port &park")
elapsed_ms=$((($(date +%s%N) - start) / 1000000))
[[ $reply == "-ERR NO_ANSWER" ]] && pass "no answer: originate -ERR NO_ANSWER" || fail "no answer: originate: $reply"
((elapsed_ms >= 1800 && elapsed_ms <= 4000)) && pass "no answer: after ${elapsed_ms} ms" \
  || fail "no answer: took ${elapsed_ms} ms"
sipp_wait noanswer
[[ $ok == 1 && $failed == 0 ]] && pass "no answer: SIPp got CANCEL (and the ACK of its 487)" \
  || fail "no answer: created=$created successful=$ok failed=$failed" "$work/noanswer.err"
grep -q "^variable_sip_hangup_disposition: send_cancel" \
  <<<"$(event_of CHANNEL_HANGUP_COMPLETE "sofia/internal/ring@127.0.0.1:$port")" \
  && pass "no answer: sip_hangup_disposition send_cancel" || fail "no answer: no send_cancel" "$work/events.txt"

# 4. SIPp answers, plays audio and hangs up.
port=$(free_udp_port)
sipp_uas bye "$port" -sf "$here/uas_answer_bye.xml"
reply=$(api "originate sofia/internal/play@127.0.0.1:$port &record($work/rec/out.wav)")
[[ $reply == "+OK "* ]] && pass "remote BYE: originate answered" || fail "remote BYE: originate: $reply"
sipp_wait bye
[[ $ok == 1 && $failed == 0 ]] && pass "remote BYE: SIPp's BYE answered 200" \
  || fail "remote BYE: created=$created successful=$ok failed=$failed" "$work/bye.err"
sleep 0.5
hangup=$(event_of CHANNEL_HANGUP_COMPLETE "sofia/internal/play@127.0.0.1:$port")
grep -q "^Hangup-Cause: NORMAL_CLEARING" <<<"$hangup" \
  && grep -q "^variable_sip_hangup_disposition: recv_bye" <<<"$hangup" \
  && pass "remote BYE: NORMAL_CLEARING, recv_bye" || fail "remote BYE: hangup event" "$work/events.txt"
python3 - "$work/rec/out.wav" <<'PY'
import sys, wave, array, math
w = wave.open(sys.argv[1])
n = w.getnframes()
samples = array.array('h', w.readframes(n))
loud = sum(1 for i in range(0, len(samples), 160)
           if math.sqrt(sum(s * s for s in samples[i:i + 160]) / 160) > 100)
print(f"{n / w.getframerate():.2f} s, {loud} loud frames")
sys.exit(0 if n / w.getframerate() >= 3.0 and loud >= 100 else 1)
PY
(($? == 0)) && pass "remote BYE: SIPp's RTP recorded (not silence)" \
  || fail "remote BYE: recording of SIPp's audio wrong"

# 5. Our tone reaches the far end's media address.
port=$(free_udp_port)
sink_port=$(free_udp_port)
sed "s/@RTP_SINK_PORT@/$sink_port/" "$here/uas_answer_rtp_sink.xml" >"$work/uas_sink.xml"
python3 - "$sink_port" >"$work/sink.out" <<'PY' &
import socket, sys, math, struct
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.settimeout(8)
def ulaw(b):
    b = ~b & 0xFF
    t = (((b & 0x0F) << 3) + 0x84) << ((b & 0x70) >> 4)
    return (0x84 - t) if b & 0x80 else (t - 0x84)
samples, packets = [], 0
try:
    while len(samples) < 8000:
        data = s.recv(2048)
        if len(data) < 12 or data[1] & 0x7F != 0:
            continue
        packets += 1
        samples += [ulaw(x) for x in data[12:]]
except socket.timeout:
    pass
def power(freq):
    k = 2 * math.cos(2 * math.pi * freq / 8000)
    a = b = 0.0
    for x in samples:
        a, b = x + k * a - b, a
    return a * a + b * b - k * a * b
tone, other = power(1000), max(power(f) for f in (400, 700, 1400, 2000))
print(packets, len(samples), "tone" if samples and tone > 20 * other else "no-tone")
PY
sink=$!
sleep 0.3
sipp_uas sink "$port" -sf "$work/uas_sink.xml"
reply=$(api "originate sofia/internal/tone@127.0.0.1:$port &playback(tone_stream://%(1500,0,1000))")
[[ $reply == "+OK "* ]] && pass "tone: originate answered" || fail "tone: originate: $reply"
sipp_wait sink
[[ $ok == 1 && $failed == 0 ]] && pass "tone: playback's end sent BYE" \
  || fail "tone: created=$created successful=$ok failed=$failed" "$work/sink.err"
wait "$sink"
read -r packets nsamples verdict <"$work/sink.out"
[[ $verdict == tone ]] && pass "tone: $packets RTP packets, 1 kHz found in $nsamples samples" \
  || fail "tone: sink got $packets packets, $nsamples samples, $verdict"

# 6. bridge from the dialplan: SIPp uac -> eventswitch -> SIPp uas.
sipp_uas bridged "$bridge_uas_port" -sn uas
bridge_uas_pid=$sipp_pid
(cd "$work" && timeout 40 sipp -sn uac -s bridge_out 127.0.0.1:"$sip_port" -i 127.0.0.1 \
  -p "$(free_udp_port)" -d 1000 -m 1 -nostdin -timeout 30 -trace_stat -stf caller.csv \
  -trace_err -error_file caller.err >/dev/null 2>&1)
sipp_pid=$bridge_uas_pid
sipp_wait bridged
[[ $ok == 1 && $failed == 0 ]] && pass "bridge: the called SIPp's call successful" \
  || fail "bridge: callee created=$created successful=$ok failed=$failed" "$work/bridged.err"
grep -q "SuccessfulCall" "$work/caller.csv" && python3 - "$work/caller.csv" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1]), delimiter=';'))
sys.exit(0 if rows[-1][rows[0].index('SuccessfulCall(C)')] == '1' else 1)
PY
(($? == 0)) && pass "bridge: the calling SIPp's call successful" \
  || fail "bridge: caller's call failed" "$work/caller.err"

# 7. Refusals.
reply=$(api "originate sofia/nosuch/x@127.0.0.1:$port &park")
[[ $reply == "-ERR INVALID_PROFILE" ]] && pass "unknown profile: -ERR INVALID_PROFILE" \
  || fail "unknown profile: $reply"
reply=$(api "originate sofia/internal/justauser &park")
[[ $reply == "-ERR USER_NOT_REGISTERED" ]] && pass "bare user: -ERR USER_NOT_REGISTERED" \
  || fail "bare user: $reply"
sleep 0.3
count=$(api "show channels count" | grep -o '^[0-9]* total' | cut -d' ' -f1)
[[ $count == 0 ]] && pass "no channel left" || fail "$count channels left" "$work/daemon.log"

exit $((failures > 0))
