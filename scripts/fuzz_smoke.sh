#!/usr/bin/env bash
# Builds every libFuzzer target with clang in build-fuzz and runs each for FUZZ_SECONDS
# (default 8). Exits non-zero if any target crashes, leaks, times out or trips a sanitizer;
# exits 77 (skipped) when clang is not installed. scripts/fuzz_long.sh is the long run.
set -uo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
source "$root/scripts/fuzz_common.sh"
seconds="${FUZZ_SECONDS:-8}"

if ! fuzz_build_targets "${fuzz_targets[@]}"; then
  echo "fuzz: 0 passed, ${#fuzz_targets[@]} failed (configure or build)"
  exit 1
fi

passed=0
failed=0
for target in "${fuzz_targets[@]}"; do
  echo "fuzz: running $target for ${seconds}s"
  if fuzz_run "$target" "$fuzz_build/$target.log" -max_total_time="$seconds"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
  fi
done

echo "fuzz: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
