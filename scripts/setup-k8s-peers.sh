#!/usr/bin/env bash
# Builds the Kubernetes control plane the tests run against (test/k8s/cluster.ts) into .peers/k8s/bin (git-ignored):
#  - kube-apiserver, kube-controller-manager, kube-scheduler and kubectl v1.30.14 from the k8s.io/kubernetes Go module,
#    and kwok v0.6.1 from sigs.k8s.io/kwok, with the versions pinned in test/k8s/tooling (go.mod, go.sum; kwok in
#    test/k8s/tooling/kwok, a module of its own);
#  - etcd is Debian's etcd-server 3.4.23, which Kubernetes 1.30 still accepts (1.31 and later want etcd >= 3.4.29).
# Idempotent: a stamp of the versions and of the tooling's go.mod/go.sum files makes a second run build nothing. The
# binaries are also kept per stamp in a cache of the machine ($TURBULENCE_PEERS_CACHE, default ~/.cache/turbulence),
# so that a fresh clone on the same machine (CI) links them instead of building again.
# The first build takes 10 to 13 minutes on 2 busy cores (-p=2); Go's module and build caches stay in .peers/.
set -euo pipefail
cd "$(dirname "$0")/.."

k8s_version=v1.30.14
kwok_version=v0.6.1
tooling=test/k8s/tooling
out=.peers/k8s
stamp="kubernetes $k8s_version, kwok $kwok_version, $(cat "$tooling/go.mod" "$tooling/go.sum" "$tooling/kwok/go.mod" "$tooling/kwok/go.sum" | sha256sum | cut -c1-16)"

fail() { echo "setup-k8s-peers: $*" >&2; exit 1; }

if ! command -v etcd >/dev/null; then
  echo "setup-k8s-peers: installing etcd-server (Debian)" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq etcd-server >/dev/null \
    || fail "apt-get install etcd-server failed"
fi
etcd_version="$(etcd --version | sed -n 's/^etcd Version: //p')"
case "$etcd_version" in
  3.4.*|3.5.*) ;;
  *) fail "etcd $etcd_version found; Kubernetes ${k8s_version} needs etcd 3.4 or 3.5" ;;
esac

binaries=(kube-apiserver kube-controller-manager kube-scheduler kubectl kwok)
built() { # built DIR: the binaries of this stamp are in DIR/bin
  [ "$(cat "$1/stamp" 2>/dev/null)" = "$stamp" ] || return 1
  for b in "${binaries[@]}"; do [ -x "$1/bin/$b" ] || return 1; done
}
cache="${TURBULENCE_PEERS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/turbulence}/k8s/$(echo "$stamp" | sha256sum | cut -c1-16)"
install_from_cache() {
  mkdir -p "$out/bin"
  for b in "${binaries[@]}"; do ln -f "$cache/bin/$b" "$out/bin/$b" 2>/dev/null || cp -f "$cache/bin/$b" "$out/bin/$b"; done
  echo "$stamp" > "$out/stamp"
}
built "$out" && exit 0
if built "$cache"; then
  install_from_cache
  echo "setup-k8s-peers: linked the Kubernetes control plane from $cache" >&2
  exit 0
fi

command -v go >/dev/null || fail "go is not on PATH: the control plane is built from Go modules"
echo "setup-k8s-peers: building the Kubernetes control plane ($stamp); 10 to 13 minutes without Go's build cache" >&2
started=$(date +%s)
export GOPATH="$PWD/.peers/go" GOCACHE="$PWD/.peers/go-build" GOFLAGS="-p=2 -mod=readonly -buildvcs=false" GOTOOLCHAIN=local
staging="$(mktemp -d)"
trap 'rm -rf "$staging"' EXIT

# The version the binaries report (/version, --version), as Kubernetes' own build stamps it (hack/lib/version.sh).
minor="${k8s_version#v1.}"; minor="${minor%%.*}"
kv=""
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  kv+=" -X $pkg.gitVersion=$k8s_version -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean"
done
go build -C "$tooling" -trimpath -ldflags="-s$kv" -o "$staging/" \
  k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
  k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubectl \
  || fail "building Kubernetes $k8s_version failed: go build -C $tooling ... k8s.io/kubernetes/cmd/{kube-apiserver,kube-controller-manager,kube-scheduler,kubectl} (the error is above)"
go build -C "$tooling/kwok" -trimpath -ldflags=-s -o "$staging/" \
  sigs.k8s.io/kwok/cmd/kwok \
  || fail "building kwok $kwok_version failed: go build -C $tooling/kwok sigs.k8s.io/kwok/cmd/kwok (the error is above)"

# Each binary must run and say its version before it replaces the previous build.
for b in kube-apiserver kube-controller-manager kube-scheduler; do
  got="$("$staging/$b" --version 2>&1)" || fail "$b --version failed: $got"
  [ "$got" = "Kubernetes $k8s_version" ] || fail "$b --version says '$got', expected 'Kubernetes $k8s_version'"
done
got="$("$staging/kubectl" version --client 2>&1)" || fail "kubectl version --client failed: $got"
[ "${got%%$'\n'*}" = "Client Version: $k8s_version" ] || fail "kubectl version --client says '$got', expected 'Client Version: $k8s_version'"
got="$("$staging/kwok" --version 2>&1)" || fail "kwok --version failed: $got"
[ "${got#kwok version }" != "$got" ] && [ "$(echo "$got" | cut -d' ' -f3)" = "$kwok_version" ] || fail "kwok --version says '$got', expected $kwok_version"

mkdir -p "$cache/bin"
for b in "${binaries[@]}"; do mv -f "$staging/$b" "$cache/bin/$b"; done
echo "$stamp" > "$cache/stamp"
install_from_cache
echo "setup-k8s-peers: built in $(( $(date +%s) - started )) s" >&2
