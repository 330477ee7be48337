#!/usr/bin/env bash
# `npm test`: the mocha suite, then the deploy test (docker-compose.yml on a real Docker engine),
# closed by one line adding both up: `tests: N passed, N failed, N skipped`. Each suite's own
# summary line is relabelled so that the combined one is the only `tests:` line.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

passed=0 failed=0 skipped=0 status=0
suite() {
  local label=$1
  shift
  local out
  out=$(mktemp)
  npx mocha "$@" 2>&1 | tee "$out" | sed -u "s/^tests: /$label: /"
  local rc=${PIPESTATUS[0]}
  local line
  line=$(grep -E '^tests: [0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' "$out" | tail -1)
  rm -f "$out"
  if [[ -z $line ]]; then
    echo "[test] $label ended (exit $rc) without a summary: counted as one failure"
    failed=$((failed + 1))
    status=1
    return
  fi
  read -r p f s <<<"$(sed -E 's/^tests: ([0-9]+) passed, ([0-9]+) failed, ([0-9]+) skipped$/\1 \2 \3/' <<<"$line")"
  passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
  [[ $rc == 0 ]] || status=1
}

suite 'mocha suite'
suite 'deploy test' --config .mocharc.deploy.json
echo "tests: $passed passed, $failed failed, $skipped skipped"
exit "$status"
