#!/usr/bin/env bash
# Runs node:test over the test files of the given tiers (unit, integration, e2e).
# Node 20's `--test` has no glob support and silently runs 0 .ts files when given a folder,
# so files are listed explicitly and the run fails when no test executed.
set -uo pipefail
cd "$(dirname "$0")/.."
tiers=("$@")
[ ${#tiers[@]} -gt 0 ] || tiers=(unit integration e2e)
files=()
for tier in "${tiers[@]}"; do
  [ -d "test/$tier" ] || continue
  while IFS= read -r f; do files+=("$f"); done < <(find "test/$tier" -name '*.test.ts' | sort)
done
if [ ${#files[@]} -eq 0 ]; then
  echo "run-tests: no test files found for tiers: ${tiers[*]}" >&2
  exit 1
fi
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# Unit files run two at a time (2 cores); integration and e2e files share one local-mode
# system and run one at a time.
if [ "${tiers[*]}" = unit ]; then concurrency=${TEST_CONCURRENCY:-2}; else concurrency=${TEST_CONCURRENCY:-1}; fi
node --import tsx --import ./test/setup/fast-check-seed.ts --test --test-concurrency="$concurrency" --test-reporter=spec "${files[@]}" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
tests=$(grep -E '^ℹ tests [0-9]+' "$log" | tail -1 | awk '{print $3}')
passed=$(grep -E '^ℹ pass [0-9]+' "$log" | tail -1 | awk '{print $3}')
failed=$(grep -E '^ℹ fail [0-9]+' "$log" | tail -1 | awk '{print $3}')
skipped=$(grep -E '^ℹ skipped [0-9]+' "$log" | tail -1 | awk '{print $3}')
todo=$(grep -E '^ℹ todo [0-9]+' "$log" | tail -1 | awk '{print $3}')
if [ -z "$tests" ] || [ "$tests" -eq 0 ]; then
  echo "run-tests: zero tests ran (tiers: ${tiers[*]}); failing" >&2
  exit 1
fi
if [ "${skipped:-0}" -ne 0 ] || [ "${todo:-0}" -ne 0 ]; then
  echo "run-tests: ${skipped:-0} skipped and ${todo:-0} todo tests; a skipped test is not a passing one" >&2
  exit 1
fi
echo "${passed:-0} passed, ${failed:-0} failed"
exit "$status"
