#!/usr/bin/env bash
# The test command: builds the CLI (tests run the real binary), type-checks, then runs every test file with node:test.
# Test peers (the reference Chaos Toolkit in a venv, ...) are installed by scripts/setup-test-peers.sh, which this calls.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-test-peers.sh
npm run --silent build
npx tsc --noEmit
mapfile -t files < <(find test -name '*.test.ts' | sort)
exec node --import tsx --test --test-concurrency=2 "$@" "${files[@]}"
