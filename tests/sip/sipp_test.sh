#!/usr/bin/env bash
# The SIP endpoint against SIPp (Debian's sip-tester), on loopback, free ports:
#  1. SIPp's built-in uac calls 9999 (answer, park) five times and hangs up after 1 s:
#     0 failed calls, no channel left.
#  2. SIPp's uac_pcap plays g711a.pcap (8 s of PCMA) then RFC 4733 digit 1 (dtmf_2833_1.pcap)
#     into an extension that records: the recording lasts the call and is not silence.
#  3. The same scenario into play_and_get_digits: the digit 1 is collected.
#  4. An INVITE offering G.729 only (uac_no_common_codec.xml) gets 488.
#  5. Garbage on the SIP port does not take the profile down.
# and `sofia status` / `sofia status profile internal` show the profile and its counters.
# Usage: sipp_test.sh <eventswitch binary>
set -uo pipefail
# shellcheck source=../lib/checks.sh
source "$(dirname "$0")/../lib/checks.sh"
# shellcheck source=sip_lib.sh
source "$(dirname "$0")/sip_lib.sh"
daemon=$1
require_sipp

work=$(mktemp -d)
DAEMON_PID=
cleanup() {
  [[ -n $DAEMON_PID ]] && kill "$DAEMON_PID" 2>/dev/null && wait "$DAEMON_PID" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$work/conf/dialplan" "$work/pcap" "$work/rec"
ln -s "$pcaps/g711a.pcap" "$pcaps/dtmf_2833_1.pcap" "$work/pcap/"
cat >"$work/conf/dialplan/default.xml" <<XML
<include>
  <context name="default">
    <extension name="park">
      <condition field="destination_number" expression="^9999\$">
        <action application="answer"/>
        <action application="park"/>
      </condition>
    </extension>
    <extension name="rec">
      <condition field="destination_number" expression="^rec\$">
        <action application="answer"/>
        <action application="record" data="$work/rec/rec.wav 30"/>
      </condition>
    </extension>
    <extension name="digits">
      <condition field="destination_number" expression="^digits\$">
        <action application="answer"/>
        <action application="play_and_get_digits"
                data="1 1 1 15000 # silence_stream://100 silence_stream://100 got_digits \\d"/>
        <action application="log" data="NOTICE collected digits [\${got_digits}]"/>
        <action application="park"/>
      </condition>
    </extension>
  </context>
</include>
XML

sip_port=$(free_udp_port)
start_daemon "$work" --conf "$work/conf" --sip-port "$sip_port" -l 6

api() {
  printf 'auth ClueCon\n\napi %s\n\n' "$1" | nc -N 127.0.0.1 "$es_port" 2>/dev/null
}

# Runs SIPp in the foreground; prints "created successful failed" from its statistics.
sipp_run() {
  local name=$1
  shift
  (cd "$work" && timeout 60 sipp "$@" 127.0.0.1:"$sip_port" -i 127.0.0.1 -p "$(free_udp_port)" \
    -nostdin -timeout 40 -trace_stat -stf "$name.csv" -trace_err -error_file "$name.err" \
    >/dev/null 2>&1)
  python3 - "$work/$name.csv" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1]), delimiter=';'))
h, last = rows[0], rows[-1]
print(last[h.index('TotalCallCreated')], last[h.index('SuccessfulCall(C)')],
      last[h.index('FailedCall(C)')])
PY
}

# 1. uac into answer + park, SIPp hangs up after a second.
read -r created ok failed < <(sipp_run uac -sn uac -s 9999 -d 1000 -m 5 -l 5 -r 5)
if [[ $created == 5 && $ok == 5 && $failed == 0 ]]; then
  pass "uac: 5 calls, 5 successful, 0 failed"
else
  fail "uac: created=$created successful=$ok failed=$failed" "$work/uac.err"
fi
sleep 0.5
count=$(api "show channels count" | grep -o '^[0-9]* total' | cut -d' ' -f1)
[[ $count == 0 ]] && pass "uac: no channel left" || fail "uac: $count channels left"
grep -q "sofia/internal/sipp@127.0.0.1" "$work/daemon.log" \
  && pass "uac: channel named sofia/internal/sipp@127.0.0.1" \
  || fail "uac: no sofia/internal channel in the log" "$work/daemon.log"

status=$(api "sofia status")
grep -qP '^ +internal\tprofile\t +sip:mod_sofia@127\.0\.0\.1:'"$sip_port"'\tRUNNING \(0\)$' <<<"$status" \
  && pass "sofia status: internal RUNNING (0)" || fail "sofia status: $status"
grep -qP '^CALLS-IN         \t5$' <<<"$(api "sofia status profile internal")" \
  && pass "sofia status profile internal: CALLS-IN 5" \
  || fail "sofia status profile internal: $(api "sofia status profile internal")"

# 2. uac_pcap into record.
read -r created ok failed < <(sipp_run rec -sn uac_pcap -s rec -m 1)
[[ $ok == 1 && $failed == 0 ]] && pass "uac_pcap: call successful" \
  || fail "uac_pcap: created=$created successful=$ok failed=$failed" "$work/rec.err"
for _ in $(seq 50); do [[ -s $work/rec/rec.wav ]] && break; sleep 0.1; done
sleep 0.5
python3 - "$work/rec/rec.wav" <<'PY'
import sys, wave, array, math
w = wave.open(sys.argv[1])
rate, n = w.getframerate(), w.getnframes()
samples = array.array('h', w.readframes(n))
seconds = n / rate
# The pcap holds 8 s of speech-like audio; the call lasts about 9 s after the answer.
loud = sum(1 for i in range(0, len(samples), 160)
           if math.sqrt(sum(s * s for s in samples[i:i + 160]) / 160) > 100)
print(f"{seconds:.2f} {loud}")
sys.exit(0 if 8.0 <= seconds <= 12.0 and loud >= 200 else 1)
PY
if (($? == 0)); then
  pass "uac_pcap: recording lasts the call and holds the pcap's audio"
else
  fail "uac_pcap: recording wrong (duration seconds, loud 20 ms frames above)"
fi

# 3. uac_pcap's RFC 4733 digit into play_and_get_digits.
read -r created ok failed < <(sipp_run digits -sn uac_pcap -s digits -m 1)
[[ $ok == 1 && $failed == 0 ]] && pass "uac_pcap digits: call successful" \
  || fail "uac_pcap digits: created=$created successful=$ok failed=$failed" "$work/digits.err"
grep -q "collected digits \[1\]" "$work/daemon.log" \
  && pass "uac_pcap digits: play_and_get_digits collected 1" \
  || fail "uac_pcap digits: digit 1 not collected" "$work/daemon.log"

# 4. An offer without G.711: 488, and no channel is made.
read -r created ok failed < <(sipp_run nocodec -sf "$(cd "$(dirname "$0")" && pwd)/uac_no_common_codec.xml" -s 9999 -m 2)
[[ $ok == 2 && $failed == 0 ]] && pass "G.729-only offer: answered 488" \
  || fail "G.729-only offer: created=$created successful=$ok failed=$failed" "$work/nocodec.err"

grep -qP '^FAILED-CALLS-IN  \t2$' <<<"$(api "sofia status profile internal")" \
  && pass "sofia status profile internal: FAILED-CALLS-IN 2" \
  || fail "sofia status profile internal: $(api "sofia status profile internal")"


# 5. Garbage on the SIP port (random datagrams, cut and malformed requests, an INVITE with a
# broken SDP) does not take the profile down: a call still succeeds afterwards.
python3 - "$sip_port" <<'PY'
import os, random, socket, sys
port = int(sys.argv[1])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
rng = random.Random(11)
invite = ("INVITE sip:9999@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bK{b}\r\n"
          "From: <sip:x@127.0.0.1>;tag=1\r\nTo: <sip:9999@127.0.0.1>\r\nCall-ID: junk{b}\r\n"
          "CSeq: 1 INVITE\r\nContact: <sip:x@127.0.0.1:9>\r\nContent-Type: application/sdp\r\n"
          "Content-Length: {n}\r\n\r\n{body}")
for i in range(300):
    kind = i % 4
    if kind == 0:
        data = os.urandom(rng.randint(1, 1400))
    elif kind == 1:
        full = invite.format(b=i, n=0, body="").encode()
        data = full[: rng.randint(1, len(full))]
    elif kind == 2:
        body = "v=0\r\nc=IN IP4 \r\nm=audio x RTP/AVP 0 0 0\r\na=rtpmap:\r\n" + "a=" * rng.randint(0, 3000)
        data = invite.format(b=i, n=len(body), body=body).encode()
    else:
        data = invite.format(b=i, n=99999, body="v=0").encode()
    s.sendto(data, ("127.0.0.1", port))
PY
sleep 1
read -r created ok failed < <(sipp_run after -sn uac -s 9999 -d 200 -m 1)
[[ $ok == 1 && $failed == 0 ]] && pass "garbage on the SIP port: a call still succeeds" \
  || fail "after garbage: created=$created successful=$ok failed=$failed" "$work/after.err"

exit $((failures > 0))
