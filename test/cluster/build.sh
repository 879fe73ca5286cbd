#!/usr/bin/env bash
# Builds kube-apiserver and etcd from the pinned Go modules into a cache folder keyed by version,
# so a fresh clone on the same machine reuses them. Prints the folder. Builds only what is missing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
k8s=$(awk '$1=="require" && $2=="k8s.io/kubernetes" {print $3}' "$here/kube-apiserver/go.mod")
etcd=$(awk '$1=="require" && $2=="go.etcd.io/etcd/server/v3" {print $3}' "$here/etcd/go.mod")
key="k8s-$k8s-etcd-$etcd-$(go env GOOS)-$(go env GOARCH)"

pick_dir() {
  local base
  for base in "${KUBECTL_SKUPPER_CACHE:-}" "${XDG_CACHE_HOME:-$HOME/.cache}/kubectl-skupper" "$here/../../.cache"; do
    [ -n "$base" ] || continue
    if mkdir -p "$base/$key" 2>/dev/null && [ -w "$base/$key" ]; then echo "$(cd "$base/$key" && pwd)"; return; fi
  done
  echo "build.sh: no writable cache folder (tried \$KUBECTL_SKUPPER_CACHE, ~/.cache, .cache)" >&2; exit 1
}
out=$(pick_dir)

build() { # name module-dir package ldflags
  local name=$1 dir=$2 pkg=$3 ldflags=$4
  [ -x "$out/$name" ] && return
  echo "building $name ($pkg) into $out; the first build takes several minutes" >&2
  (cd "$here/$dir" && CGO_ENABLED=0 go build -trimpath -tags selinux,notest,grpcnotrace \
     -ldflags "-s -w $ldflags" -o "$out/$name.tmp" "$pkg")
  mv "$out/$name.tmp" "$out/$name"
}
build etcd etcd go.etcd.io/etcd/server/v3 ""
build kube-apiserver kube-apiserver k8s.io/kubernetes/cmd/kube-apiserver \
  "-X k8s.io/component-base/version.gitVersion=$k8s -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$(echo "$k8s" | cut -d. -f2)"
echo "$out"
