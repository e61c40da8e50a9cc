#!/usr/bin/env bash
# README acceptance: the README's client example is examples/readme/main.cpp verbatim, and it
# compiles against the *installed* client library (CMake package and pkg-config) and runs.
#
#   readme_example_test.sh SOURCE_DIR BUILD_DIR DAEMON CMAKE CXX GENERATOR
#
# Installs component "client" of BUILD_DIR into a scratch prefix, builds the example from that
# prefix only (find_package with CMAKE_PREFIX_PATH, and a plain compiler command with
# `pkg-config --cflags --libs eventswitch-client`), then runs both builds against a daemon.
set -uo pipefail
source_dir=$1
build_dir=$2
daemon_binary=$3
cmake=$4
cxx=$5
generator=$6
example=$source_dir/examples/readme
source "$source_dir/examples/tests/daemon.sh"

# 1. The README's code block is the file: the first ```cpp block after the section heading.
awk '/^## .*20-line/ { section = 1 }
     section && /^```/ { if (inside) exit; if ($0 == "```cpp") { inside = 1; next } }
     inside { print }' "$source_dir/README.md" >"$work/readme_block.cpp"
[[ -s "$work/readme_block.cpp" ]] || fail "no \`\`\`cpp block under a '## ...20-line...' heading"
diff -u "$example/main.cpp" "$work/readme_block.cpp" >"$work/readme.diff" ||
  fail "README.md's example differs from examples/readme/main.cpp" "$work/readme.diff"
lines=$(wc -l <"$example/main.cpp")
((lines <= 20)) || fail "the example has $lines lines, more than 20"

# 2. Install only the client component.
"$cmake" --install "$build_dir" --component client --prefix "$work/prefix" >"$work/install.log" 2>&1 ||
  fail "cmake --install failed" "$work/install.log"
pc_file=$(find "$work/prefix" -name eventswitch-client.pc | head -1)
[[ -n "$pc_file" ]] || fail "no eventswitch-client.pc installed" "$work/install.log"

# 3. Two builds at once, neither seeing the source tree: CMake package and pkg-config.
( "$cmake" -S "$example" -B "$work/cmake-build" -G "$generator" -DCMAKE_CXX_COMPILER="$cxx" \
    -DCMAKE_PREFIX_PATH="$work/prefix" && "$cmake" --build "$work/cmake-build" ) \
  >"$work/cmake-build.log" 2>&1 &
cmake_pid=$!
# shellcheck disable=SC2046 # pkg-config prints a list of words on purpose
( flags=$(PKG_CONFIG_PATH=$(dirname "$pc_file") pkg-config --cflags --libs eventswitch-client) &&
  echo "pkg-config: $flags" &&
  "$cxx" "$example/main.cpp" -o "$work/readme_pkgconfig" $flags ) >"$work/pkgconfig-build.log" 2>&1 &
pkgconfig_pid=$!
wait "$cmake_pid" || fail "the CMake build of the example failed" "$work/cmake-build.log"
wait "$pkgconfig_pid" || fail "the pkg-config build of the example failed" "$work/pkgconfig-build.log"

# 4. Both run against the daemon.
start_daemon "$daemon_binary"
for binary in "$work/cmake-build/readme_example" "$work/readme_pkgconfig"; do
  out="$work/$(basename "$binary").out"
  timeout 20 "$binary" "$daemon_port" >"$out" 2>&1 || fail "$binary exited with $?" "$out"
  for text in "UP " "originate: +OK " "CHANNEL_ANSWER null/1000"; do
    grep -qF -- "$text" "$out" || fail "$(basename "$binary") did not print \"$text\"" "$out"
  done
done
echo "PASS: README example built against the installed package and with pkg-config, and ran"
