#!/usr/bin/env bash
# The test command: builds the CLI (tests run the real binary), type-checks, then runs every test file with node:test.
# Test peers (the reference Chaos Toolkit in a venv, ...) are installed by scripts/setup-test-peers.sh, which this calls.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-test-peers.sh
npm run --silent build
npx tsc --noEmit
# faults the tests inject are recorded in a fault ledger of the suite's own, never in the user's ~/.turbulence
state="$(mktemp -d)"
trap 'rm -rf "$state"' EXIT
export TURBULENCE_STATE_DIR="${TURBULENCE_STATE_DIR:-$state}"
mapfile -t files < <(find test -name '*.test.ts' | sort)
node --import tsx --test --test-concurrency=2 "$@" "${files[@]}"
