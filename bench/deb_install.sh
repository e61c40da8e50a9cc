#!/usr/bin/env bash
# The Debian package installed for real (`dpkg -i`), where the machine allows it: root, dpkg,
# and no eventswitch package installed already. Builds the package from BUILD_DIR (default
# build/), installs it, runs the installed daemon as the package's user on the installed
# configuration with a free port, checks `api status` through the installed escli, then
# purges the package (its system user stays, as Debian packages leave theirs). Not run by
# ./test: it changes the machine. Prints one JSON line: installed size, dependencies, start-to-port time.
#
#   bench/deb_install.sh [BUILD_DIR]
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$repo/build}
if [[ $(id -u) -ne 0 ]] || ! command -v dpkg >/dev/null; then
  echo "deb_install.sh: needs root and dpkg: skipped" >&2
  exit 0
fi
if dpkg-query -W eventswitch >/dev/null 2>&1; then
  echo "deb_install.sh: an eventswitch package is already installed: skipped" >&2
  exit 0
fi
work=$(mktemp -d /tmp/es-deb-install.XXXXXX)
pid=
cleanup() {
  [[ -n $pid ]] && kill "$pid" 2>/dev/null
  dpkg --purge eventswitch >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

(cd "$work" && cpack --config "$build/CPackConfig.cmake" -G DEB -B "$work/out") >"$work/cpack.log"
deb=$(ls "$work"/out/*.deb)
dpkg -i "$deb" >"$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log"; exit 1; }
getent passwd eventswitch >/dev/null || { echo "deb_install.sh: no eventswitch user" >&2; exit 1; }

chmod 0777 "$work"  # the port file is written by the package's user
start=$(date +%s%N)
setpriv --reuid eventswitch --regid eventswitch --clear-groups \
  /usr/bin/eventswitch --conf /etc/eventswitch --listen-port 0 --port-file "$work/port" \
  --no-color >"$work/daemon.log" 2>&1 &
pid=$!
for _ in $(seq 200); do [[ -s $work/port ]] && break; sleep 0.01; done
ready_ms=$((($(date +%s%N) - start) / 1000000))
port=$(cat "$work/port")
status=$(/usr/bin/escli -P "$port" --strict -x status)
[[ $status == *"UP"* ]] || { echo "deb_install.sh: status: $status" >&2; exit 1; }
printf '{"scenario":"deb_install","installed_kib":%s,"depends":"%s","port_file_ms":%s}\n' \
  "$(dpkg-query -W -f='${Installed-Size}' eventswitch)" \
  "$(dpkg-query -W -f='${Depends}' eventswitch)" "$ready_ms"
