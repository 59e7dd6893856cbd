#!/usr/bin/env bash
# Installs the peers the tests compare against, idempotently, into .peers/ (git-ignored):
#  - Debian packages: openssl (https tests' certificates), stress-ng, wrk, nginx-light, chromium;
#  - a real Toxiproxy server (Go module, built here), the fault proxy's differential peer;
#  - the reference Chaos Toolkit (chaostoolkit 1.19.0 + chaostoolkit-lib 1.44.0) in a Python venv, the differential oracle.
#  - Python extensions for the python bridge tests (chaostoolkit-addons, test/fixtures/python) in that venv.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .peers

# Debian packages, installed in one apt-get call when any is missing:
#  - openssl makes the certificates of the https tests;
#  - stress-ng is the stress driver's preferred engine (its built-in engine is tested too);
#  - wrk is the load generator's calibration peer (bench/) and a test peer; nginx-light is the benchmarks' target server.
#  - chromium renders the HTML and PDF reports in the tests (driven by playwright-core, no browser download).
need=()
for pair in openssl:openssl stress-ng:stress-ng wrk:wrk nginx:nginx-light chromium:chromium xmllint:libxml2-utils pdftoppm:poppler-utils; do
  command -v "${pair%%:*}" >/dev/null || need+=("${pair#*:}")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "setup-test-peers: installing ${need[*]} (Debian)" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

# A real Toxiproxy server, built from its Go module: the fault proxy's differential peer.
toxiproxy_version=v2.12.0
if [ "$(cat .peers/toxiproxy.version 2>/dev/null)" != "$toxiproxy_version" ] || [ ! -x .peers/bin/toxiproxy-server ]; then
  echo "setup-test-peers: building toxiproxy-server $toxiproxy_version" >&2
  mkdir -p .peers/bin .peers/go-build
  GOBIN="$PWD/.peers/bin" GOFLAGS=-mod=mod GOPATH="$PWD/.peers/go" GOCACHE="$PWD/.peers/go-build" \
    go install "github.com/Shopify/toxiproxy/v2/cmd/server@$toxiproxy_version"
  mv .peers/bin/server .peers/bin/toxiproxy-server
  echo "$toxiproxy_version" > .peers/toxiproxy.version
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

# Python extensions for the python bridge tests, in the same venv (so that the reference runs them too):
#  - chaostoolkit-addons from PyPI (its safeguards control), pinned to a release that works with chaostoolkit-lib 1.44.0;
#  - turbulence-testext, the small extension written in the test suite (test/fixtures/python), installed from a copy
#    (pip builds in the source tree) and reinstalled whenever its sources change.
addons='0.11.0'
if [ "$("$venv/bin/python" -c 'from importlib.metadata import version; print(version("chaostoolkit-addons"))' 2>/dev/null)" != "$addons" ]; then
  echo "setup-test-peers: installing chaostoolkit-addons $addons into $venv" >&2
  "$venv/bin/pip" install --quiet --disable-pip-version-check "chaostoolkit-addons==$addons"
fi
testext=test/fixtures/python/turbulence-testext
sum="$(cd "$testext" && find . -type f ! -path '*/__pycache__/*' ! -path '*.egg-info/*' ! -path './build/*' | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -d' ' -f1)"
if [ "$(cat .peers/testext.sum 2>/dev/null)" != "$sum" ] || ! "$venv/bin/python" -c 'import turbulence_testext' 2>/dev/null; then
  echo "setup-test-peers: installing $testext into $venv" >&2
  copy="$(mktemp -d)"
  cp -r "$testext/." "$copy/"
  rm -rf "$copy/build" "$copy"/*.egg-info
  "$venv/bin/pip" install --quiet --disable-pip-version-check --no-deps --force-reinstall "$copy"
  rm -rf "$copy"
  echo "$sum" > .peers/testext.sum
fi

# chaostoolkit-toxiproxy (the `chaostoxi` modules) from PyPI, in the same venv: the reference side of the fault
# proxy's activity differential tests (test/differential/chaostoxi.test.ts). chaostoolkit-lib is pinned in the same
# call so that pip keeps 1.44.0 while it adds the extension's own dependencies (requests, logzero).
chaostoxi='0.3.1'
if [ "$("$venv/bin/python" -c 'from importlib.metadata import version; print(version("chaostoolkit-toxiproxy"))' 2>/dev/null)" != "$chaostoxi" ]; then
  echo "setup-test-peers: installing chaostoolkit-toxiproxy $chaostoxi into $venv" >&2
  "$venv/bin/pip" install --quiet --disable-pip-version-check \
    "chaostoolkit-toxiproxy==$chaostoxi" 'chaostoolkit-lib[jsonpath]==1.44.0'
fi

# chaostoolkit-kubernetes (`chaosk8s`) and chaostoolkit-istio (`chaosistio`) from PyPI, in the same venv: the reference
# side of the Kubernetes drivers' differential tests (test/differential/chaosk8s.test.ts) and the sources the native
# ports follow. The kubernetes client is pinned to the release of chaosk8s 0.39.0's time (June 2024), chaostoolkit-lib
# in the same call so that pip keeps 1.44.0.
chaosk8s='0.39.0'
chaosistio='0.4.1'
k8sclient='30.1.0'
if [ "$("$venv/bin/python" -c 'from importlib.metadata import version as v; print(v("chaostoolkit-kubernetes"), v("chaostoolkit-istio"), v("kubernetes"))' 2>/dev/null)" != "$chaosk8s $chaosistio $k8sclient" ]; then
  echo "setup-test-peers: installing chaostoolkit-kubernetes $chaosk8s and chaostoolkit-istio $chaosistio into $venv" >&2
  "$venv/bin/pip" install --quiet --disable-pip-version-check \
    "chaostoolkit-kubernetes==$chaosk8s" "chaostoolkit-istio==$chaosistio" "kubernetes==$k8sclient" 'chaostoolkit-lib[jsonpath]==1.44.0'
fi

# The Kubernetes control plane of the Kubernetes tests (test/k8s/cluster.ts): etcd (Debian), kube-apiserver,
# kube-controller-manager, kube-scheduler, kubectl and kwok built from Go modules into .peers/k8s (cached by a stamp).
bash scripts/setup-k8s-peers.sh
