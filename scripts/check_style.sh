#!/usr/bin/env bash
# The style gate of .ci/run: every tracked C++ file is clang-format clean (the repository's
# .clang-format, Debian's clang-format), and clang-tidy (.clang-tidy's curated checks, clang-16,
# whose front end reads this C++20 code) finds nothing in the product's sources (src/, tests
# excluded: a full pass over every file takes over half an hour on CI's two cores). `--all`
# checks the sources of tests, bench/, fuzz/ and examples/ too. Headers are not checked yet
# (.clang-tidy's HeaderFilterRegex). The compile database comes from a configure-only clang
# tree (build-tidy); nothing is compiled.
#
#   scripts/check_style.sh [--format-only | --tidy-only] [--all] [file...]
#
# With files, only those are checked. TIDY_JOBS sets clang-tidy's parallelism (default 2).
set -euo pipefail
cd "$(dirname "$0")/.."

run_format=1
run_tidy=1
everything=0
case ${1:-} in
  --format-only) run_tidy=0; shift ;;
  --tidy-only) run_format=0; shift ;;
esac
if [[ ${1:-} == --all ]]; then
  everything=1
  shift
fi
files=("$@")

status=0
if ((run_format)); then
  mapfile -t format_files < <(if ((${#files[@]})); then printf '%s\n' "${files[@]}"; else
    git ls-files '*.cpp' '*.hpp' '*.h'; fi)
  if ! clang-format --dry-run --Werror "${format_files[@]}"; then
    echo "check_style: clang-format would change the files above (run clang-format -i on them)"
    status=1
  else
    echo "check_style: clang-format clean (${#format_files[@]} files)"
  fi
fi

if ((run_tidy)); then
  db=build-tidy
  if ! CC=clang-16 CXX=clang++-16 cmake -S . -B "$db" -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_EXPORT_COMPILE_COMMANDS=ON -DES_BUILD_TESTS=ON -DES_BUILD_BENCH=ON -DES_BUILD_FUZZ=ON \
      >"$db.configure.log" 2>&1; then
    cat "$db.configure.log"
    exit 1
  fi
  # Sources only (headers are checked through them); generated and third-party files excluded.
  mapfile -t tidy_files < <(if ((${#files[@]})); then printf '%s\n' "${files[@]}" |
    grep -E '\.cpp$' || true; elif ((everything)); then git ls-files 'src/*.cpp' 'bench/*.cpp' \
    'fuzz/*.cpp' 'tests/*.cpp' 'examples/*.cpp'; else git ls-files 'src/*.cpp' |
    grep -v '/tests/'; fi)
  log=$db/clang-tidy.log
  if ((${#tidy_files[@]})) && ! run-clang-tidy-16 -p "$db" -quiet -j "${TIDY_JOBS:-2}" \
      "${tidy_files[@]/#/$PWD/}" >"$log" 2>&1; then
    grep -E "(warning|error): " "$log" | sort -u | head -100
    echo "check_style: clang-tidy found the problems above (full log: $log)"
    status=1
  else
    echo "check_style: clang-tidy clean (${#tidy_files[@]} files)"
  fi
fi
exit $status
