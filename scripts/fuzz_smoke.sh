#!/usr/bin/env bash
# Builds the libFuzzer targets with clang in build-fuzz and runs each for FUZZ_SECONDS
# (default 30). Exits non-zero if any target crashes, leaks or trips a sanitizer; exits 77
# (skipped) when clang is not installed.
set -uo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
build="${FUZZ_BUILD_DIR:-$root/build-fuzz}"
seconds="${FUZZ_SECONDS:-30}"
targets=(fuzz_command_parser fuzz_message_parser)

if ! command -v clang >/dev/null || ! command -v clang++ >/dev/null; then
  echo "fuzz: clang not found, skipped"
  exit 77
fi

if ! CC=clang CXX=clang++ cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DES_BUILD_FUZZ=ON -DES_BUILD_TESTS=OFF -DES_BUILD_BENCH=OFF >"$build.configure.log" 2>&1; then
  cat "$build.configure.log"
  echo "fuzz: 0 passed, ${#targets[@]} failed (configure)"
  exit 1
fi
# Only the fuzz targets: the rest of the tree is not meant to be built with these flags.
if ! cmake --build "$build" --target "${targets[@]}" -j2; then
  echo "fuzz: 0 passed, ${#targets[@]} failed (build)"
  exit 1
fi

passed=0
failed=0
for target in "${targets[@]}"; do
  corpus="$build/fuzz-corpus/$target"
  artifacts="$build/fuzz-artifacts"
  log="$build/$target.log"
  mkdir -p "$corpus" "$artifacts"
  seeds=()
  [[ -d "$root/fuzz/seeds/$target" ]] && seeds=("$root/fuzz/seeds/$target")
  echo "fuzz: running $target for ${seconds}s"
  UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 ASAN_OPTIONS=detect_leaks=1 \
    "$build/fuzz/$target" -max_len=65536 -max_total_time="$seconds" -timeout=20 \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$artifacts/$target-" \
    "$corpus" "${seeds[@]}" >"$log" 2>&1
  status=$?
  # Sanitizer reports that did not stop the run still count as failures.
  if [[ $status -ne 0 ]] || grep -qE "ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:" "$log"; then
    failed=$((failed + 1))
    echo "fuzz: $target FAILED (exit $status), log: $log"
    grep -E "ERROR:|runtime error:|SUMMARY:|Test unit written" "$log" | head -20
  else
    passed=$((passed + 1))
    echo "fuzz: $target ok ($(grep -m1 -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$') runs)"
  fi
done

echo "fuzz: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
