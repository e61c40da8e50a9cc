# Sourced by fuzz_smoke.sh and fuzz_long.sh: the target list, the clang build in build-fuzz, and
# one run of a target. Callers set `root`.
# shellcheck shell=bash
fuzz_targets=(fuzz_command_parser fuzz_message_parser fuzz_xml_config fuzz_dial_string
  fuzz_dialplan fuzz_expand fuzz_json fuzz_acl fuzz_event_headers)
fuzz_build="${FUZZ_BUILD_DIR:-$root/build-fuzz}"
fuzz_cc=${FUZZ_CC:-clang-16}
fuzz_cxx=${FUZZ_CXX:-clang++-16}

# Exits 77 (skipped) without clang; returns non-zero when configure or build fails.
fuzz_build_targets() {
  if ! command -v "$fuzz_cc" >/dev/null || ! command -v "$fuzz_cxx" >/dev/null; then
    echo "fuzz: $fuzz_cxx not found, skipped"
    exit 77
  fi
  if ! CC=$fuzz_cc CXX=$fuzz_cxx cmake -S "$root" -B "$fuzz_build" -G Ninja \
      -DCMAKE_BUILD_TYPE=Release -DES_BUILD_FUZZ=ON -DES_BUILD_TESTS=OFF -DES_BUILD_BENCH=OFF \
      >"$fuzz_build.configure.log" 2>&1; then
    cat "$fuzz_build.configure.log"
    return 1
  fi
  # Only the fuzz targets: the rest of the tree is not meant to be built with these flags.
  cmake --build "$fuzz_build" --target "$@" -j2
}

# fuzz_run TARGET LOG LIBFUZZER-ARGS...: runs TARGET on its corpus (build-fuzz/fuzz-corpus) and
# seeds; returns 0 when it ended cleanly with no sanitizer report, and prints the result line.
# FUZZ_MAX_LEN caps the input size (default 65536; libFuzzer's own default is 4096, which keeps
# the corpus small and the long run several times faster).
fuzz_run() {
  local target=$1 log=$2
  shift 2
  local corpus="$fuzz_build/fuzz-corpus/$target" artifacts="$fuzz_build/fuzz-artifacts"
  mkdir -p "$corpus" "$artifacts"
  local seeds=()
  [[ -d "$root/fuzz/seeds/$target" ]] && seeds=("$root/fuzz/seeds/$target")
  # CPU seconds as well as wall time: on a shared machine the rate per CPU second is the figure
  # that carries over.
  local TIMEFORMAT='%U %S' status=0
  { time UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 ASAN_OPTIONS=detect_leaks=1 \
    "$fuzz_build/fuzz/$target" -max_len="${FUZZ_MAX_LEN:-65536}" -timeout=20 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$artifacts/$target-" "$@" \
    "$corpus" "${seeds[@]}" >"$log" 2>&1 || status=$?; } 2>"$log.cpu"
  local runs seconds cpu
  runs=$(grep -m1 -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$')
  seconds=$(grep -m1 -oE 'Done [0-9]+ runs in [0-9]+ second' "$log" | grep -oE '[0-9]+ second' |
    grep -oE '[0-9]+')
  cpu=$(awk '{ printf "%.0f", $1 + $2 }' "$log.cpu" 2>/dev/null)
  # Sanitizer reports that did not stop the run still count as failures.
  if [[ $status -ne 0 ]] ||
      grep -qE "ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:" "$log"; then
    echo "fuzz: $target FAILED (exit $status) after ${runs:-?} runs, log: $log"
    grep -E "ERROR:|runtime error:|SUMMARY:|Test unit written" "$log" | head -20
    return 1
  fi
  echo "fuzz: $target ok (${runs:-?} runs${seconds:+ in ${seconds} s}${cpu:+, ${cpu} CPU s})"
}
