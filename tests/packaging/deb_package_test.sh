#!/usr/bin/env bash
# The Debian package, end to end without installing it: builds it with cpack from the build
# directory, checks its control data (runtime dependencies, no -dev package, conffiles,
# maintainer scripts), extracts it with `dpkg -x` into a scratch root and runs the extracted
# daemon on the extracted configuration: port file, auth, `api status`, an originate on the
# embedded dialplan, escli --strict, SIGTERM. Then `systemd-analyze verify` on the unit where
# systemd-analyze exists.
#
#   deb_package_test.sh BUILD_DIR CPACK
#
# Prints the package's installed size and dependency list. Exit 77 (skipped) without dpkg.
set -uo pipefail
build_dir=$1
cpack=$2
source_dir=$(cd "$(dirname "$0")/../.." && pwd)

for tool in dpkg dpkg-deb dpkg-shlibdeps; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool is missing"; exit 77; }
done
work=$(mktemp -d "${TMPDIR:-/tmp}/es-deb.XXXXXX")
daemon_pid=
cleanup() {
  [[ -n $daemon_pid ]] && kill "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
source "$(dirname "${BASH_SOURCE[0]}")/../lib/checks.sh"
# The end: a summary and the status.
finish() {
  if ((failures)); then
    echo "$failures failure(s)" >&2
    exit 1
  fi
  echo "the package builds, extracts and runs"
  exit 0
}

# --- build -------------------------------------------------------------------------------------
started=$SECONDS
(cd "$work" && "$cpack" --config "$build_dir/CPackConfig.cmake" -G DEB -B "$work/out") \
  >"$work/cpack.log" 2>&1 || { fail "cpack -G DEB" "$work/cpack.log"; finish; }
debs=("$work"/out/*.deb)
if [[ ${#debs[@]} -ne 1 || ! -f ${debs[0]} ]]; then
  fail "cpack made no single .deb: ${debs[*]}" "$work/cpack.log"
  finish
fi
deb=${debs[0]}
pass "cpack -G DEB made $(basename "$deb") in $((SECONDS - started)) s"

# --- control data ------------------------------------------------------------------------------
depends=$(dpkg-deb -f "$deb" Depends)
echo "Installed-Size: $(dpkg-deb -f "$deb" Installed-Size) KiB; package file: $(stat -c %s "$deb") bytes"
echo "Depends: $depends"
# The package's Depends and packaging/runtime-packages.txt (what the container installs) must
# name the same packages, plus adduser for the package's postinst.
mapfile -t runtime < <(grep -v '^#' "$source_dir/packaging/runtime-packages.txt" | grep .)
declared=$(printf '%s\n' "${runtime[@]}" adduser | sort -u | tr '\n' ' ')
found=$(tr ',' '\n' <<<"$depends" | sed -E 's/^ +//; s/ .*//' | grep . | sort -u | tr '\n' ' ')
if [[ $declared != "$found" ]]; then
  fail "Depends ($found) differs from packaging/runtime-packages.txt + adduser ($declared)"
elif [[ $depends == *-dev* ]]; then
  fail "Depends names a -dev package: $depends"
else
  pass "Depends: packaging/runtime-packages.txt (dpkg-shlibdeps agrees) and adduser, no -dev"
fi

dpkg-deb -e "$deb" "$work/control"
want_conffiles=(/etc/default/eventswitch /etc/eventswitch/vars.xml
  /etc/eventswitch/autoload_configs/event_socket.conf.xml /etc/eventswitch/dialplan/default.xml
  /etc/eventswitch/directory/default.xml)
conffiles_ok=1
for file in "${want_conffiles[@]}"; do
  grep -qx "$file" "$work/control/conffiles" 2>/dev/null || conffiles_ok=0
done
((conffiles_ok)) && pass "conffiles: the configuration and /etc/default/eventswitch" ||
  fail "conffiles lacks some of ${want_conffiles[*]}" "$work/control/conffiles"
scripts_ok=1
for script in postinst prerm postrm; do
  [[ -x $work/control/$script ]] && sh -n "$work/control/$script" || scripts_ok=0
done
grep -q "adduser --quiet --system" "$work/control/postinst" || scripts_ok=0
((scripts_ok)) && pass "postinst (creates the eventswitch user), prerm, postrm: sh -n clean" ||
  fail "maintainer scripts" "$work/control/postinst"

# --- the extracted package ---------------------------------------------------------------------
root=$work/root
dpkg -x "$deb" "$root" || { fail "dpkg -x"; finish; }
for path in usr/bin/eventswitch usr/bin/escli usr/bin/httpivr etc/eventswitch/vars.xml \
  etc/eventswitch/autoload_configs/event_socket.conf.xml etc/eventswitch/dialplan \
  etc/eventswitch/directory lib/systemd/system/eventswitch.service; do
  [[ -e $root/$path ]] || fail "the package has no /$path"
done

"$root/usr/bin/eventswitch" --conf "$root/etc/eventswitch" --listen-port 0 \
  --port-file "$work/port" --pid-file "$work/pid" --no-color --heartbeat-interval 3600 \
  2>"$work/daemon.log" >/dev/null &
daemon_pid=$!
for _ in $(seq 100); do
  [[ -s $work/port ]] && break
  kill -0 "$daemon_pid" 2>/dev/null || break
  sleep 0.05
done
if [[ ! -s $work/port ]]; then
  fail "the extracted daemon wrote no port file" "$work/daemon.log"
  finish
fi
port=$(<"$work/port")
[[ $(<"$work/pid") == "$daemon_pid" ]] && pass "port file ($port) and pid file" ||
  fail "pid file holds $(<"$work/pid"), not $daemon_pid"

# The protocol by hand: greeting, auth with the packaged configuration's password, api status.
raw() {
  exec 3<>"/dev/tcp/127.0.0.1/$port" || return 1
  local line reply=""
  IFS= read -r -t 5 line <&3 && reply+="$line"$'\n'
  IFS= read -r -t 5 line <&3 # blank line after the greeting
  printf 'auth ClueCon\n\n' >&3
  while IFS= read -r -t 5 line <&3 && [[ -n $line ]]; do reply+="$line"$'\n'; done
  printf 'api status\n\n' >&3
  while IFS= read -r -t 5 line <&3 && [[ -n $line ]]; do reply+="$line"$'\n'; done
  IFS= read -r -t 5 line <&3 && reply+="$line"$'\n' # first line of the body
  exec 3<&-
  printf '%s' "$reply"
}
reply=$(raw)
if [[ $reply == *"Content-Type: auth/request"* && $reply == *"Reply-Text: +OK accepted"* &&
  $reply == *"Content-Type: api/response"* && $reply == *$'\nUP '* ]]; then
  pass "connect, auth ClueCon, api status (UP ...)"
else
  fail "raw session: [$reply]" "$work/daemon.log"
fi

# The packaged escli: an originate on the embedded dialplan (the packaged dialplan/ has no
# context), and --strict on a bogus command.
escli=("$root/usr/bin/escli" -H 127.0.0.1 -P "$port" -p ClueCon -Q -q)
export HOME=$work
out=$("${escli[@]}" --strict -x "originate null/packaged 9999" -x "show channels count" \
  -x hupall 2>&1)
status=$?
if [[ $status -eq 0 && $out == "+OK "* && $out == *"1 total."* ]] &&
  grep -q "Processing .*->9999 in context default" "$work/daemon.log" &&
  grep -q "EXECUTE null/packaged park()" "$work/daemon.log"; then
  pass "escli: originate null/packaged 9999 runs the embedded dialplan's answer, park"
else
  fail "originate: exit $status, output [$out]" "$work/daemon.log"
fi
out=$("${escli[@]}" --strict -x bogus 2>&1)
status=$?
[[ $status -ne 0 && $out == *"-ERR bogus"* ]] && pass "escli --strict -x bogus exits $status" ||
  fail "escli --strict -x bogus: exit $status, output [$out]"
# The packaged httpivr runs with the package's dependencies (cpp-httplib, OpenSSL).
out=$("$root/usr/bin/httpivr" --help 2>&1)
status=$?
[[ $status -eq 0 && $out == *"--fallback-url"* ]] && pass "httpivr --help" ||
  fail "httpivr --help: exit $status, output [$out]"

kill -TERM "$daemon_pid"
wait "$daemon_pid"
status=$?
daemon_pid=
[[ $status -eq 0 && ! -e $work/port && ! -e $work/pid ]] &&
  pass "SIGTERM: exit 0, port and pid files removed" ||
  fail "SIGTERM: exit $status; files left: $(ls "$work"/port "$work"/pid 2>/dev/null)" \
    "$work/daemon.log"

# --- the systemd unit --------------------------------------------------------------------------
# Verified as installed, with its paths pointed into the scratch root (verify checks that
# ExecStart is executable and, through man, that Documentation= names an installed page).
if command -v systemd-analyze >/dev/null; then
  mkdir -p "$work/unit"
  sed -e "s|/usr/bin/eventswitch|$root/usr/bin/eventswitch|" \
    -e "s|/etc/default/eventswitch|$root/etc/default/eventswitch|" \
    -e "s|/etc/eventswitch|$root/etc/eventswitch|" \
    "$root/lib/systemd/system/eventswitch.service" >"$work/unit/eventswitch.service"
  if [[ ! -e $root/usr/share/man/man1/eventswitch.1.gz ]]; then
    echo "note: no man page in the package (help2man missing at build time): Documentation= not checked"
    sed -i '/^Documentation=man:/d' "$work/unit/eventswitch.service"
  fi
  MANPATH=$root/usr/share/man systemd-analyze verify "$work/unit/eventswitch.service" \
    >"$work/verify.log" 2>&1
  status=$?
  [[ $status -eq 0 && ! -s $work/verify.log ]] && pass "systemd-analyze verify: clean" ||
    fail "systemd-analyze verify: exit $status" "$work/verify.log"
  for key in "User=eventswitch" "Restart=on-failure" "ProtectSystem=strict" \
    "NoNewPrivileges=yes" "ExecStart=/usr/bin/eventswitch --conf /etc/eventswitch"; do
    grep -q "^$key" "$root/lib/systemd/system/eventswitch.service" || fail "the unit lacks $key"
  done
else
  echo "note: systemd-analyze is missing: the unit was not verified"
fi
echo "total: $((SECONDS - started)) s"
finish
