#!/usr/bin/env bash
# Digest authentication on a profile with auth-calls, against SIPp (--conf with a directory):
#  1. An INVITE without credentials (SIPp's uac) gets 407 with a Proxy-Authenticate naming
#     the To host as realm, an MD5 nonce and qop "auth"; no call reaches the dialplan.
#  2. Answering the challenge with user 1000's password (uac_auth.xml) gets the call answered;
#     it carries sip_authorized, sip_auth_username, sip_auth_realm, user_name, domain_name and
#     the directory user's variables.
#  3. A wrong password (uac_auth_forbidden.xml) gets 403 and a WARNING line; so does a user
#     the directory does not have.
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
      </settings>
    </profile>
  </profiles>
</configuration>
XML
cat >"$conf/directory/example.xml" <<'XML'
<include>
  <domain name="example.org">
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

exit $((failures > 0))
