#!/usr/bin/env bash
# Shared by ./run and ./test: install missing Debian packages, then configure and build.
set -euo pipefail
cd "$(dirname "$0")/.."

# help2man: the man pages (packaging/); systemd: systemd-analyze verify of the unit (deb_package);
# flite1-dev: the speak application's text-to-speech (docs/speech.md).
PACKAGES=(build-essential cmake ninja-build pkg-config clang-16 libclang-rt-16-dev
  libasio-dev libssl-dev libpugixml-dev libpcre2-dev libfmt-dev libcli11-dev libsndfile1-dev
  libedit-dev libgtest-dev libgmock-dev libbenchmark-dev netcat-openbsd procps tmux
  help2man systemd clang-format clang-tidy-16
  libcpp-httplib-dev prometheus librabbitmq-dev rabbitmq-server amqp-tools socat
  libsofia-sip-ua-dev libspandsp-dev sip-tester baresip flite1-dev)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js and npm run the interop suite only; a machine may already have them from elsewhere
# (nodesource's nodejs bundles npm and conflicts with Debian's npm package).
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "missing packages; run as root:" >&2
    echo "  apt-get update && apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  echo "installing: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >&2
fi

# ES_SANITIZE=asan|tsan: the whole tree instrumented, built with clang in build-asan / build-tsan
# (./test --sanitize sets it).
SANITIZE=${ES_SANITIZE:-}
case $SANITIZE in
  "") BUILD_DIR=${BUILD_DIR:-build} ;;
  asan | tsan) BUILD_DIR=${BUILD_DIR:-build-$SANITIZE} ;;
  *) echo "ES_SANITIZE must be asan or tsan, not '$SANITIZE'" >&2 && exit 64 ;;
esac
if [[ ! -f $BUILD_DIR/build.ninja ]]; then
  # Benchmarks are built on demand (bench/run.sh, or ES_BUILD_BENCH=ON): ./test and ./run do
  # not need them, and CI's time is better spent on the suites.
  sanitize_args=()
  [[ -n $SANITIZE ]] && sanitize_args=(-DES_SANITIZE="$SANITIZE" -DCMAKE_C_COMPILER=clang-16
    -DCMAKE_CXX_COMPILER=clang++-16)
  cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DES_BUILD_BENCH="${ES_BUILD_BENCH:-OFF}" "${sanitize_args[@]}" >&2
fi
cmake --build "$BUILD_DIR" -j"$(nproc)" >&2
