#!/usr/bin/env bash
# Installs the peers the tests compare against, idempotently, into .peers/ (git-ignored):
#  - openssl (Debian), for the https tests' certificates;
#  - the reference Chaos Toolkit (chaostoolkit 1.19.0 + chaostoolkit-lib 1.44.0) in a Python venv, the differential oracle.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .peers

# openssl makes the certificates of the https tests
if ! command -v openssl >/dev/null; then
  echo "setup-test-peers: installing openssl" >&2
  apt-get update -qq && apt-get install -y -qq openssl >/dev/null
fi

venv=.peers/venv
want='chaos, version 1.19.0'
if [ ! -x "$venv/bin/chaos" ] || [ "$("$venv/bin/chaos" --no-version-check --version 2>/dev/null)" != "$want" ]; then
  echo "setup-test-peers: installing the reference Chaos Toolkit into $venv" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check \
    'chaostoolkit==1.19.0' 'chaostoolkit-lib[jsonpath]==1.44.0'
  got="$("$venv/bin/chaos" --no-version-check --version)"
  [ "$got" = "$want" ] || { echo "setup-test-peers: expected '$want', got '$got'" >&2; exit 1; }
fi
