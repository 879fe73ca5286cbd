#!/usr/bin/env bash
# Builds the upstream Skupper controller and `skupper` CLI from the checkout in $SKUPPER_SRC into a
# cache folder keyed by the checkout's tag (or git describe) and commit, beside kube-apiserver, and
# prints that folder. Builds only what is missing. Nothing from the checkout is copied into this
# repository. The first build on 2 cores takes about 8 minutes (controller) + 1.5 (CLI).
set -euo pipefail
src=${SKUPPER_SRC:?SKUPPER_SRC must point at a checkout of github.com/skupperproject/skupper}
[ -f "$src/go.mod" ] && [ -d "$src/cmd/controller" ] || { echo "build-upstream.sh: $src is not a Skupper checkout (no go.mod and cmd/controller)" >&2; exit 1; }
commit=$(git -C "$src" rev-parse HEAD)
version=$(git -C "$src" describe --tags --always 2>/dev/null || echo "${commit:0:12}")
key="skupper-$version-${commit:0:12}-$(go env GOOS)-$(go env GOARCH)"

pick_dir() {
  local base
  for base in "${KUBECTL_SKUPPER_CACHE:-}" "${XDG_CACHE_HOME:-$HOME/.cache}/kubectl-skupper" "$(cd "$(dirname "$0")" && pwd)/../../.cache"; do
    [ -n "$base" ] || continue
    if mkdir -p "$base/$key" 2>/dev/null && [ -w "$base/$key" ]; then echo "$(cd "$base/$key" && pwd)"; return; fi
  done
  echo "build-upstream.sh: no writable cache folder (tried \$KUBECTL_SKUPPER_CACHE, ~/.cache, .cache)" >&2; exit 1
}
out=$(pick_dir)

build() { # name package
  local name=$1 pkg=$2
  [ -x "$out/$name" ] && return
  echo "building upstream $name ($version) into $out; the first build takes several minutes" >&2
  (cd "$src" && CGO_ENABLED=0 go build -trimpath \
     -ldflags "-s -w -X github.com/skupperproject/skupper/internal/version.Version=$version" \
     -o "$out/$name.tmp" "$pkg")
  mv "$out/$name.tmp" "$out/$name"
}
build controller ./cmd/controller
build skupper ./cmd/skupper
echo "$version" > "$out/version"
echo "$out"
