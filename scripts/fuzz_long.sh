#!/usr/bin/env bash
# The long fuzz run: every libFuzzer target (or those named) for FUZZ_RUNS executions each
# (default 10,000,000), one after another, on the corpus that the smoke runs grew in
# build-fuzz/fuzz-corpus. Prints executions and time per target and ends with
# "fuzz_long: N passed, M failed". Crash, leak and timeout inputs land in
# build-fuzz/fuzz-artifacts. FUZZ_JOBS=N runs N targets at once (default 1);
# FUZZ_MAX_SECONDS=S also stops each target after S seconds (a shorter run that still reports);
# FUZZ_MAX_LEN=N caps input sizes (scripts/fuzz_common.sh).
#
#   scripts/fuzz_long.sh [target...]
set -uo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
source "$root/scripts/fuzz_common.sh"
runs="${FUZZ_RUNS:-10000000}"
jobs="${FUZZ_JOBS:-1}"
limit=()
[[ -n ${FUZZ_MAX_SECONDS:-} ]] && limit=(-max_total_time="$FUZZ_MAX_SECONDS")
targets=("$@")
((${#targets[@]})) || targets=("${fuzz_targets[@]}")

fuzz_build_targets "${targets[@]}" || { echo "fuzz_long: build failed"; exit 1; }

results="$fuzz_build/fuzz-long-results"
rm -rf "$results" && mkdir -p "$results"
run_one() {
  local target=$1 start=$SECONDS
  if fuzz_run "$target" "$fuzz_build/$target.long.log" -runs="$runs" "${limit[@]}" >"$results/$target" 2>&1; then
    echo ok >"$results/$target.status"
  fi
  echo "  wall time $((SECONDS - start)) s" >>"$results/$target"
  cat "$results/$target"
}
for target in "${targets[@]}"; do
  while (($(jobs -rp | wc -l) >= jobs)); do wait -n; done
  run_one "$target" &
done
wait

passed=0
failed=0
for target in "${targets[@]}"; do
  if [[ -f "$results/$target.status" ]]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
done
echo "fuzz_long: $passed passed, $failed failed ($runs runs each)"
[[ $failed -eq 0 ]]
