#!/usr/bin/env bash
# Digest authentication on a profile with auth-calls, against SIPp (--conf with a directory):
#  1. An INVITE without credentials (SIPp's uac) gets 407 with a Proxy-Authenticate naming
#     the To host as realm, an MD5 nonce and qop "auth"; no call reaches the dialplan.
#  2. Answering the challenge with user 1000's password (uac_auth.xml) gets the call answered;
#     it carries sip_authorized, sip_auth_username, sip_auth_realm, user_name, domain_name and
#     the directory user's variables.
#  3. A wrong password (uac_auth_forbidden.xml) gets 403 and a WARNING line; so does a user
#     the directory does not have.
#  4. REGISTER (uac_register.xml) is challenged (401), then stored: `sofia status profile
#     internal reg` shows it in mod_sofia's layout, sofia::register is fired; Expires 0 removes
#     it (sofia::unregister); a registration left to expire goes with sofia::expire; a wrong
#     password gets 403 and sofia::register_failure.
#  5. Calls to a registered user: originate to sofia/internal/1000,
#     sofia/internal/1000%example.org and user/1000@example.org (the domain's vanilla
#     dial-string through sofia_contact) reach SIPp (uas) at the registered contact;
#     an unregistered user gives -ERR USER_NOT_REGISTERED, a user the directory does not have
#     -ERR SUBSCRIBER_ABSENT.
# Usage: sipp_auth_test.sh <eventswitch binary>
set -uo pipefail
# shellcheck source=../lib/checks.sh
source "$(dirname "$0")/../lib/checks.sh"
# shellcheck source=sip_lib.sh
source "$(dirname "$0")/sip_lib.sh"
daemon=$1
scenarios=$(cd "$(dirname "$0")" && pwd)
require_sipp

WORK=$(mktemp -d)
DAEMON_PID=
trap remove_work_and_daemon EXIT

sip_port=$(free_udp_port)
conf=$WORK/conf
mkdir -p "$conf/autoload_configs" "$conf/dialplan" "$conf/directory"
cat >"$conf/autoload_configs/sofia.conf.xml" <<XML
<configuration name="sofia.conf" description="sofia Endpoint">
  <profiles>
    <profile name="internal">
      <settings>
        <param name="sip-ip" value="127.0.0.1"/>
        <param name="sip-port" value="$sip_port"/>
        <param name="context" value="default"/>
        <param name="auth-calls" value="true"/>
        <param name="sip-expires-late-margin" value="0"/>
      </settings>
    </profile>
  </profiles>
</configuration>
XML
cat >"$conf/directory/example.xml" <<'XML'
<include>
  <domain name="example.org">
    <params>
      <param name="dial-string" value="{^^:sip_invite_domain=${dialed_domain}:presence_id=${dialed_user}@${dialed_domain}}${sofia_contact(*/${dialed_user}@${dialed_domain})}"/>
    </params>
    <variables><variable name="user_context" value="default"/></variables>
    <groups><group name="default"><users>
      <user id="1000">
        <params><param name="password" value="1234"/></params>
        <variables>
          <variable name="accountcode" value="acct-1000"/>
          <variable name="effective_caller_id_name" value="Extension 1000"/>
        </variables>
      </user>
    </users></group></groups>
  </domain>
</include>
XML
cat >"$conf/dialplan/default.xml" <<'XML'
<include>
  <context name="default">
    <extension name="authed">
      <condition field="destination_number" expression="^9999$">
        <action application="log" data="NOTICE auth call [${sip_authorized}] [${sip_auth_username}] [${sip_auth_realm}] [${user_name}] [${domain_name}] [${accountcode}] [${user_context}]"/>
        <action application="answer"/>
        <action application="park"/>
      </condition>
    </extension>
  </context>
</include>
XML

start_daemon "$WORK" --conf "$conf" -l 7

# Runs SIPp against the profile; prints "created successful failed" from its statistics.
sipp_run() {
  local name=$1
  shift
  (cd "$WORK" && timeout 60 sipp "$@" 127.0.0.1:"$sip_port" -i 127.0.0.1 -p "$(free_udp_port)" \
    -nostdin -timeout 30 -trace_stat -stf "$name.csv" -trace_err -error_file "$name.err" \
    -trace_msg -message_file "$name.msg" >/dev/null 2>&1)
  python3 - "$WORK/$name.csv" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1]), delimiter=';'))
h, last = rows[0], rows[-1]
print(last[h.index('TotalCallCreated')], last[h.index('SuccessfulCall(C)')],
      last[h.index('FailedCall(C)')])
PY
}

# 1. No credentials: 407 and a challenge as mod_sofia's.
read -r created ok failed < <(sipp_run plain -sn uac -s 9999 -m 1)
[[ $created == 1 && $failed == 1 ]] && pass "no credentials: the call failed" \
  || fail "no credentials: created=$created successful=$ok failed=$failed" "$WORK/plain.err"
grep -q "^SIP/2.0 407 Proxy Authentication Required" "$WORK/plain.msg" \
  && pass "no credentials: 407 Proxy Authentication Required" \
  || fail "no credentials: no 407" "$WORK/plain.msg"
grep -qP '^Proxy-Authenticate: Digest realm="127\.0\.0\.1", nonce="[0-9a-f-]{36}", algorithm=MD5, qop="auth"\r?$' \
  "$WORK/plain.msg" && pass "no credentials: Proxy-Authenticate with realm (To host), nonce, MD5, qop" \
  || fail "no credentials: Proxy-Authenticate" "$WORK/plain.msg"
auth_calls() { grep '\[NOTICE\]' "$WORK/daemon.log" | grep -o 'auth call \[.*'; }
[[ -z $(auth_calls) ]] && pass "no credentials: nothing reached the dialplan" \
  || fail "no credentials: a call reached the dialplan" "$WORK/daemon.log"

# 2. The right password: answered, with FreeSWITCH's variables.
read -r created ok failed < <(sipp_run right -sf "$scenarios/uac_auth.xml" -au 1000 -ap 1234 \
  -s 9999 -m 1)
[[ $ok == 1 && $failed == 0 ]] && pass "right password: the call was answered" \
  || fail "right password: created=$created successful=$ok failed=$failed" "$WORK/right.err"
grep -q "^Proxy-Authorization: Digest username=\"1000\"" "$WORK/right.msg" \
  && pass "right password: SIPp answered the challenge" \
  || fail "right password: no Proxy-Authorization sent" "$WORK/right.msg"
line=$(auth_calls | head -1)
[[ $line == "auth call [true] [1000] [example.org] [1000] [example.org] [acct-1000] [default]" ]] \
  && pass "right password: sip_authorized, sip_auth_username, realm, user, domain, directory variables" \
  || fail "right password: variables [$line]" "$WORK/daemon.log"

# 3. A wrong password, an unknown user: 403.
read -r created ok failed < <(sipp_run wrong -sf "$scenarios/uac_auth_forbidden.xml" \
  -au 1000 -ap 4321 -s 9999 -m 1)
[[ $ok == 1 && $failed == 0 ]] && grep -q "^SIP/2.0 403 Forbidden" "$WORK/wrong.msg" \
  && pass "wrong password: 403 Forbidden" \
  || fail "wrong password: created=$created successful=$ok failed=$failed" "$WORK/wrong.err"
grep -q "SIP auth failure (INVITE) on sofia profile 'internal' for \[9999@example.org\] from ip 127.0.0.1" \
  "$WORK/daemon.log" && pass "wrong password: a WARNING line" \
  || fail "wrong password: no log line" "$WORK/daemon.log"
read -r created ok failed < <(sipp_run unknown -sf "$scenarios/uac_auth_forbidden.xml" \
  -au 5555 -ap 1234 -s 9999 -m 1)
[[ $ok == 1 && $failed == 0 ]] && pass "unknown user: 403 Forbidden" \
  || fail "unknown user: created=$created successful=$ok failed=$failed" "$WORK/unknown.err"
[[ $(auth_calls | wc -l) == 1 ]] && pass "only the authenticated call reached the dialplan" \
  || fail "calls in the dialplan: $(auth_calls)"

# 4. Registrations. An event socket client writes every sofia:: event it gets, decoded.
api() {
  printf 'auth ClueCon\n\napi %s\n\n' "$1" | nc -N 127.0.0.1 "$es_port" 2>/dev/null
}
# The body of an api reply that does not end in a newline (sofia_contact, uuid_getvar).
api_body() {
  api "$1" | sed -n '/^Content-Type: api\/response/{n;n;n;s/Content-Type: text\/disconnect-notice$//;p;q}'
}
python3 - "$es_port" "$WORK/events.txt" "$WORK/listening" <<'PY' &
import socket, sys, urllib.parse
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"auth ClueCon\n\nevent plain CUSTOM sofia::register sofia::unregister sofia::expire sofia::register_failure\n\n")
s.settimeout(60)
out, data = open(sys.argv[2], "w"), b""
try:
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
        if b"+OK event listener enabled" in data:
            open(sys.argv[3], "a").close()
        while b"\n\n" in data:
            block, data = data.split(b"\n\n", 1)
            for line in block.decode(errors="replace").splitlines():
                name, _, value = line.partition(": ")
                out.write(f"{name}: {urllib.parse.unquote(value)}\n")
            out.write("\n")
            out.flush()
except socket.timeout:
    pass
PY
listener=$!
for _ in $(seq 100); do [[ -e $WORK/listening ]] && break; sleep 0.1; done
# The event's header, from the last event of that subclass.
event_header() {
  awk -v want="$1" -v h="$2" 'BEGIN{RS=""; FS="\n"} $0 ~ "Event-Subclass: " want "\n" {
    for (i = 1; i <= NF; i++) if (index($i, h ": ") == 1) v = substr($i, length(h) + 3) } END {print v}' \
    "$WORK/events.txt"
}
reg_port=$(free_udp_port)
register() { # name expires [password]: REGISTER from reg_port; prints "created successful failed"
  local name=$1 expires=$2 password=${3:-1234}
  (cd "$WORK" && timeout 60 sipp -sf "$scenarios/uac_register.xml" -set expires "$expires" \
    -au 1000 -ap "$password" -m 1 127.0.0.1:"$sip_port" -i 127.0.0.1 -p "$reg_port" -nostdin \
    -timeout 20 -trace_stat -stf "$name.csv" -trace_err -error_file "$name.err" -trace_msg \
    -message_file "$name.msg" >/dev/null 2>&1)
  python3 - "$WORK/$name.csv" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1]), delimiter=';'))
h, last = rows[0], rows[-1]
print(last[h.index('TotalCallCreated')], last[h.index('SuccessfulCall(C)')],
      last[h.index('FailedCall(C)')])
PY
}
read -r created ok failed < <(register badreg 3600 nope)
[[ $failed == 1 ]] && grep -q "^SIP/2.0 403 Forbidden" "$WORK/badreg.msg" \
  && grep -q '^Total items returned: 0$' <<<"$(api "sofia status profile internal reg")" \
  && pass "REGISTER with a wrong password: 403, nothing stored" \
  || fail "REGISTER wrong password: created=$created successful=$ok failed=$failed" "$WORK/badreg.msg"
read -r created ok failed < <(register reg 3600)
[[ $ok == 1 && $failed == 0 ]] && grep -q "^SIP/2.0 401 Unauthorized" "$WORK/reg.msg" \
  && grep -qP '^WWW-Authenticate: Digest realm="example\.org", nonce="[0-9a-f-]{36}", algorithm=MD5, qop="auth"\r?$' "$WORK/reg.msg" \
  && pass "REGISTER: 401 with WWW-Authenticate, then 200" \
  || fail "REGISTER: created=$created successful=$ok failed=$failed" "$WORK/reg.msg"
grep -qP "^Contact: <sip:1000@127\.0\.0\.1:$reg_port>;expires=3600\r?$" "$WORK/reg.msg" \
  && pass "REGISTER: the 200 lists the contact with its expiry" \
  || fail "REGISTER: the 200's Contact" "$WORK/reg.msg"
regs=$(api "sofia status profile internal reg")
grep -qP '^User:       \t1000@example\.org$' <<<"$regs" \
  && grep -qP "^Contact:    \t\"\" <sip:1000@127\.0\.0\.1:$reg_port>\$" <<<"$regs" \
  && grep -qP '^Agent:      \tSIPp register test$' <<<"$regs" \
  && grep -qP '^Status:     \tRegistered\(UDP\)\(unknown\) EXP\(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\) EXPSECS\(3(599|600)\)$' <<<"$regs" \
  && grep -qP '^Auth-User:  \t1000$' <<<"$regs" && grep -qP '^Auth-Realm: \texample\.org$' <<<"$regs" \
  && grep -qP "^Port:       \t$reg_port\$" <<<"$regs" && grep -q '^Total items returned: 1$' <<<"$regs" \
  && pass "sofia status profile internal reg: the registration in mod_sofia's layout" \
  || fail "sofia status profile internal reg: $regs"
grep -qP '^REGISTRATIONS    \t1$' <<<"$(api "sofia status profile internal")" \
  && pass "sofia status profile: REGISTRATIONS 1" || fail "REGISTRATIONS: $(api "sofia status profile internal")"
for _ in $(seq 50); do [[ -n $(event_header sofia::register from-user) ]] && break; sleep 0.1; done
[[ $(event_header sofia::register from-user) == 1000 && $(event_header sofia::register from-host) == example.org \
  && $(event_header sofia::register username) == 1000 && $(event_header sofia::register expires) == 3600 \
  && $(event_header sofia::register status) == "Registered(UDP)" \
  && $(event_header sofia::register network-port) == "$reg_port" \
  && $(event_header sofia::register profile-name) == internal ]] \
  && pass "sofia::register: profile-name, from-user, from-host, username, expires, status, network-port" \
  || fail "sofia::register event" "$WORK/events.txt"

[[ $(event_header sofia::register_failure registration-type) == REGISTER \
  && $(event_header sofia::register_failure to-user) == 1000 ]] \
  && pass "sofia::register_failure for the wrong password" \
  || fail "sofia::register_failure event" "$WORK/events.txt"
read -r created ok failed < <(register unreg 0)
[[ $ok == 1 && $failed == 0 ]] && grep -q '^Total items returned: 0$' <<<"$(api "sofia status profile internal reg")" \
  && pass "Expires 0: unregistered" || fail "Expires 0: created=$created successful=$ok failed=$failed $(api "sofia status profile internal reg")" "$WORK/unreg.err"
for _ in $(seq 50); do [[ -n $(event_header sofia::unregister from-user) ]] && break; sleep 0.1; done
[[ $(event_header sofia::unregister from-user) == 1000 && $(event_header sofia::unregister expires) == 0 \
  && $(event_header sofia::unregister username) == 1000 ]] \
  && pass "sofia::unregister: from-user, username, expires 0" || fail "sofia::unregister event" "$WORK/events.txt"

read -r created ok failed < <(register short 2)
[[ $ok == 1 && $failed == 0 ]] && grep -q '^Total items returned: 1$' <<<"$(api "sofia status profile internal reg")" \
  && pass "Expires 2: registered" || fail "Expires 2: created=$created successful=$ok failed=$failed" "$WORK/short.err"
for _ in $(seq 60); do [[ -n $(event_header sofia::expire user) ]] && break; sleep 0.1; done
[[ $(event_header sofia::expire user) == 1000 && $(event_header sofia::expire host) == example.org \
  && $(event_header sofia::expire realm) == example.org ]] \
  && grep -q '^Total items returned: 0$' <<<"$(api "sofia status profile internal reg")" \
  && pass "Expires 2: gone after 2 s with sofia::expire" || fail "sofia::expire" "$WORK/events.txt"
kill "$listener" 2>/dev/null
wait "$listener" 2>/dev/null

# 5. Dialing the registered contact: SIPp registers from reg_port, then answers there.
read -r created ok failed < <(register again 3600)
[[ $ok == 1 ]] || fail "register again: created=$created successful=$ok failed=$failed" "$WORK/again.err"
contact=$(api_body "sofia_contact */1000@example.org")
[[ $contact == "sofia/internal/sip:1000@127.0.0.1:$reg_port" ]] \
  && pass "sofia_contact */1000@example.org: the registered contact" \
  || fail "sofia_contact: $contact"
[[ $(api_body "sofia_contact */4444@example.org") == error/user_not_registered ]] \
  && pass "sofia_contact of an unregistered user: error/user_not_registered" \
  || fail "sofia_contact unregistered: $(api_body "sofia_contact */4444@example.org")"
(cd "$WORK" && timeout 60 sipp -sn uas -i 127.0.0.1 -p "$reg_port" -m 3 -nostdin -timeout 40 \
  -trace_msg -message_file uas.msg -trace_stat -stf uas.csv >/dev/null 2>&1) &
uas=$!
sleep 0.5
for dest in sofia/internal/1000 sofia/internal/1000%example.org user/1000@example.org; do
  reply=$(api "originate {origination_caller_id_number=7000}$dest &park" \
    | grep -m1 -E '^(\+OK|-ERR)')
  uuid=${reply#+OK }
  [[ $reply == "+OK "* ]] && pass "originate $dest: answered at the contact" \
    || fail "originate $dest: $reply" "$WORK/daemon.log"
  if [[ $dest == user/* ]]; then
    domain=$(api_body "uuid_getvar $uuid sip_invite_domain")
    presence=$(api_body "uuid_getvar $uuid presence_id")
    [[ $domain == example.org && $presence == 1000@example.org ]] \
      && pass "user/1000@example.org: the dial-string's variables on the leg" \
      || fail "user/ leg variables: $domain / $presence"
  fi
  api "uuid_kill $uuid" >/dev/null
  sleep 0.3
done
wait "$uas"
[[ $(grep -c "^INVITE sip:1000@127.0.0.1:$reg_port SIP/2.0" "$WORK/uas.msg") == 3 ]] \
  && pass "the three INVITEs went to the registered contact" || fail "uas INVITEs" "$WORK/uas.msg"
reply=$(api "originate sofia/internal/4444 &park" | grep -m1 -E '^(\+OK|-ERR)')
[[ $reply == "-ERR USER_NOT_REGISTERED"* ]] && pass "an unregistered user: -ERR USER_NOT_REGISTERED" \
  || fail "unregistered user: $reply"
reply=$(api "originate user/4444@example.org &park" | grep -m1 -E '^(\+OK|-ERR)')
[[ $reply == "-ERR SUBSCRIBER_ABSENT"* ]] && pass "user/ of a user not in the directory: -ERR SUBSCRIBER_ABSENT" \
  || fail "user/4444: $reply"

exit $((failures > 0))
